"""The bounds of cordon.core.spreadsheet_bounds, for an OpenDocument sheet (.ods).

An .ods keeps every sheet in ``content.xml``, and a row or a cell may say it repeats: a 790-byte file
whose one cell repeats over 1,000 columns of a row repeated 20,000 times cost the reader 2.4 GB, and
one cell 100,000 rows down 1.2 GB (measured). LibreOffice itself ends every sheet with empty cells and
rows repeated to the sheet's edge, which cost nothing; so the span counted is that of the cells that
hold something, repeats included — the same bound (MAX_CELLS) as an .xlsx sheet's. The XML is read
streaming with expat (no tree, no entities expanded beyond expat's own guard), nesting and time bounded.
"""

from __future__ import annotations

import zipfile
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

from cordon.core.spreadsheet_types import SpreadsheetError, column_letter, corrupt

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SHEET = f"{TABLE} table"
_ROW = f"{TABLE} table-row"
_CELLS = {f"{TABLE} table-cell", f"{TABLE} covered-table-cell"}
_NAME = f"{TABLE} name"
_ROWS_REPEATED = f"{TABLE} number-rows-repeated"
_COLUMNS_REPEATED = f"{TABLE} number-columns-repeated"
_VALUE_TYPE = f"{OFFICE} value-type"
# A repeat count past this is refused outright (a sheet has 1,048,576 rows, 16,384 columns).
_MAX_REPEAT = 1 << 20


def _count(attributes: dict, name: str) -> int:
    text = attributes.get(name)
    if text is None:
        return 1
    try:
        value = int(text)
    except ValueError:
        raise corrupt(f"{name}={text[:20]!r}") from None
    if not 1 <= value <= _MAX_REPEAT:
        raise corrupt(f"{name}={value}")
    return value


class _Sheets:
    """expat's handlers: the span of the cells holding something, per sheet."""

    def __init__(self, max_cells: int, max_depth: int):
        self.max_cells, self.max_depth = max_cells, max_depth
        self.sheet = ""
        self.row = self.col = 0  # rows and columns before the current row and cell
        self.rows_repeated = 1
        self.cell_start = self.cell_repeat = 0
        self.cell_content = False
        self.in_cell = 0  # nesting under the current cell (its text paragraphs)
        self.row_last = 0  # one past the last column holding something in the current row
        self.bottom = self.right = 0
        self.depth = 0

    def start(self, name, attributes):
        self.depth += 1
        if self.depth > self.max_depth:
            raise SpreadsheetError(
                _(
                    "Sheet “%(sheet)s” is nested more than %(limit)s levels deep, which no spreadsheet "
                    "program writes. Open it in Excel, save it again and import the saved copy."
                ),
                code="too_deep",
                sheet=self.sheet or "content.xml",
                limit=self.max_depth,
            )
        if self.in_cell:
            self.in_cell += 1
            self.cell_content = True  # a paragraph, an annotation: something a reader keeps
        elif name in _CELLS:
            self.cell_start, self.cell_repeat = self.col, _count(attributes, _COLUMNS_REPEATED)
            self.cell_content = _VALUE_TYPE in attributes
            self.in_cell = 1
        elif name == _ROW:
            self.rows_repeated = _count(attributes, _ROWS_REPEATED)
            self.col = self.row_last = 0
        elif name == _SHEET:
            self.sheet = attributes.get(_NAME, "")
            self.row = self.col = self.bottom = self.right = 0

    def end(self, name):
        self.depth -= 1
        if self.in_cell > 1:
            self.in_cell -= 1
            return
        if self.in_cell == 1:
            self.in_cell = 0
            self.col = self.cell_start + self.cell_repeat
            if self.cell_content:
                self.row_last = self.col
        elif name == _ROW:
            if self.row_last:
                self.bottom = self.row + self.rows_repeated
                self.right = max(self.right, self.row_last)
                self._check()
            self.row += self.rows_repeated
        elif name == _SHEET:
            self.sheet = ""

    def _check(self):
        cells = self.bottom * self.right
        if cells > self.max_cells:
            raise SpreadsheetError(
                _(
                    "Sheet “%(sheet)s” spans %(cells)s cells (up to cell %(far)s); at most %(limit)s can be "
                    "read. Delete what lies far below or to the right of the table (select those rows and "
                    "columns, delete them, save) and import again."
                ),
                code="too_many_cells",
                sheet=self.sheet,
                cells=f"{cells:,}",
                far=column_letter(self.right - 1) + str(self.bottom),
                limit=f"{self.max_cells:,}",
            )


def check_ods(archive: zipfile.ZipFile, clock, *, max_cells: int, max_depth: int) -> None:
    """Refuse an .ods whose ``content.xml`` spans more cells than MAX_CELLS, nests past MAX_DEPTH or
    takes longer than the time limit to read (the zip's sizes are checked already)."""
    try:
        info = archive.getinfo("content.xml")
    except KeyError:
        return  # the reader says "damaged"
    sheets = _Sheets(max_cells, max_depth)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = sheets.start
    parser.EndElementHandler = sheets.end
    try:
        with archive.open(info) as part:
            while True:
                clock.check()
                chunk = part.read(1024 * 1024)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except expat.ExpatError as exc:
        raise corrupt(f"content.xml: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise corrupt(repr(exc)) from None
