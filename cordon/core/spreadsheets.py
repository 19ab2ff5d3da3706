"""Reading the spreadsheets towns keep, and writing the ones we hand back.

Reading (`read_table`) takes whatever a clerk uploads — .xlsx/.xlsm/.xlsb, .xls, .ods, or CSV/TSV text
in UTF-8, UTF-16 or GBK — recognises the format by its content, finds the header row under any title
lines, and yields data rows with the row numbers Excel shows, so every later message can say "Row 7".
Every way a file can be unreadable ends in one `SpreadsheetError` whose message tells the user what to
do. Parsing of values (ID numbers, dates, phones) is not done here: that is the importer's job.

Writing (`write_xlsx`, `write_csv`) is cordon.core.spreadsheet_writers.
"""

from __future__ import annotations

import io
import itertools
import operator
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import python_calamine
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cordon.core.spreadsheet_headers import HeaderFinder

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_COLUMNS = 100
# Title lines, a date line and merged banners sit above the headers; none we have seen went past 15.
HEADER_SEARCH_ROWS = 15
# A header row must have at least this many recognised names, so a title that happens to be a known
# word ("姓名") is not taken for the header row.
MIN_KNOWN_HEADERS = 2
# Excel keeps 15 significant digits: a typed number of 16 digits or more has lost its tail.
LOST_PRECISION_THRESHOLD = 1e15
# calamine hands over whole rows: a stray value in column XFD would make every row 16,384 cells long.
MAX_SHEET_WIDTH = 1024

# Whitespace as str.isspace() sees it, plus the zero-width characters that text pasted from chat
# apps carries; all are stripped from cells and removed from header names.
_BLANKS = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"
)
_REMOVE_BLANKS = str.maketrans("", "", _BLANKS)


# ---------------------------------------------------------------------------------------------------
# Errors


class SpreadsheetError(Exception):
    """A file that cannot be read as a table, with a message for the person who uploaded it.

    `code` is stable for machines (API error codes, CLI exit paths); the message is rendered in the
    active language each time it is read, so it can be built in one language and shown in another.
    """

    def __init__(self, message, *, code: str = "unreadable", detail: str = "", **params):
        self.template = message
        self.params = params
        self.code = code
        # Technical detail (e.g. the parser's own words) for logs; never shown to the user.
        self.detail = detail
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.template) % self.params if self.params else str(self.template)

    def __str__(self) -> str:
        return self.message


# Shown by the importer next to the row and column, not raised here: the reader only marks the cell
# (see LostPrecision.message).
LOST_PRECISION_MESSAGE = _(
    "Excel stored %(shown)s as a number and dropped its last digits. Format the column as Text, type "
    "the full number again and import again."
)

_NOT_SPREADSHEET_KINDS = {
    "pdf": _("a PDF document"),
    "image": _("an image"),
    "word": _("a Word document"),
    "powerpoint": _("a PowerPoint presentation"),
    "archive": _("a compressed archive"),
}


def _file_size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# ---------------------------------------------------------------------------------------------------
# What reading returns


@dataclass(frozen=True, slots=True)
class LostPrecision:
    """A cell holding a number of 16 or more digits that Excel stored as a floating-point number.

    Its last digits are gone in Excel itself (an ID number 131081199301230016 typed into a General
    cell becomes 131081199301230000), so no reader can recover them. The importer reports `.message`
    instead of guessing; `str()` gives the digits Excel shows.
    """

    value: float

    @property
    def shown(self) -> str:
        if self.value != self.value or self.value in (float("inf"), float("-inf")):
            return str(self.value)
        return str(int(Decimal(f"{self.value:.15g}")))

    @property
    def message(self) -> str:
        """LOST_PRECISION_MESSAGE for this cell, in the active language."""
        return str(LOST_PRECISION_MESSAGE) % {"shown": self.shown}

    def __str__(self) -> str:
        return self.shown


@dataclass(frozen=True, slots=True)
class Header:
    text: str  # cleaned: blanks removed, leading/trailing "*" and trailing "：" dropped
    column: int  # 0-based column index in the sheet (A = 0)
    group: str = ""  # the upper text of a two-level header ("联系方式" above "手机"), else ""

    @property
    def letter(self) -> str:
        return column_letter(self.column)


@dataclass(eq=False)
class Sheet:
    """One table found in a file: its header and a way to read its data rows.

    `rows()` yields (excel_row_number, values) with one value per header, in `headers` order; blank
    and phantom rows are skipped. It can be called again to read the rows again. It raises
    SpreadsheetError before yielding a row past `max_rows`, so the limit is never a silent cut.
    `row_count_hint` is an upper bound on the data rows (blank rows included), for progress bars.
    """

    name: str
    headers: list[Header]
    header_row: int  # Excel row number of the (lower) header row
    row_count_hint: int
    _raw_rows: Callable[[], Iterator[Sequence]] = field(repr=False)
    _positions: list[int] = field(repr=False)  # index of each header's column in a raw row
    _first_row: int = field(repr=False)  # Excel row number of the first raw row after the header
    _max_rows: int = field(repr=False)
    _from_text: bool = field(default=False, repr=False)  # CSV: every cell is a string

    def rows(self) -> Iterator[tuple[int, list]]:
        positions = self._positions
        width = len(positions)
        need = max(positions) + 1
        pick = operator.itemgetter(*positions)
        clean_float = _clean_float
        from_text = self._from_text
        limit = self._max_rows
        seen = 0
        excel_row = self._first_row - 1
        for raw in self._raw_rows():
            excel_row += 1
            if len(raw) < need:  # CSV rows are ragged; spreadsheet rows are always full width
                raw = [*raw, *[""] * (need - len(raw))]
            picked = pick(raw) if width > 1 else (raw[positions[0]],)
            values = [
                (v.strip(_BLANKS) or None) if (t := type(v)) is str else (clean_float(v) if t is float else v)
                for v in picked
            ]
            if from_text:
                _clean_text_values(values)
            if values.count(None) == width:
                continue
            seen += 1
            if seen > limit:
                raise SpreadsheetError(
                    _(
                        "Sheet “%(sheet)s” has more than %(limit)s rows of data (row %(row)s is past "
                        "the limit). Split the file into smaller ones and import them one by one."
                    ),
                    code="too_many_rows",
                    sheet=self.name,
                    limit=limit,
                    row=excel_row,
                )
            yield excel_row, values


@dataclass(eq=False)
class Table:
    filename: str
    format: str  # "xlsx", "xls", "ods" or "csv" ("xlsx" also stands for .xlsm and .xlsb)
    sheets: list[Sheet]
    # Visible sheets without a header row (a "说明" sheet, an empty Sheet2), for the preview to mention.
    skipped_sheets: list[str] = field(default_factory=list)
    encoding: str = ""  # CSV only: "utf-8", "utf-8-sig", "utf-16" or "gb18030"
    delimiter: str = ""  # CSV only


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column name Excel shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalize_header(value) -> str:
    """The form in which header names are compared: "身份证号*：", " 身 份 证\n号 " -> "身份证号"."""
    text = _cell_text(value).translate(_REMOVE_BLANKS)
    previous = None
    while text != previous:
        previous = text
        text = text.strip("*＊").rstrip(":：")
    return text


# ---------------------------------------------------------------------------------------------------
# Reading


def read_table(
    path_or_file,
    *,
    filename: str,
    known_headers: Callable[[str], bool] | Collection[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    examples: Sequence[str] = (),
) -> Table:
    """Open an uploaded ledger and find its table(s).

    `path_or_file` is a path or a binary file object (a Django UploadedFile works). `known_headers`
    says which normalised header names the caller understands (see normalize_header); a header row
    is the first of the first HEADER_SEARCH_ROWS rows with at least two of them. Every visible sheet
    with a header row is returned. `examples` are the header names the "no header row" message
    quotes; by default the first three of `known_headers` when it is a collection.
    """
    if callable(known_headers):
        is_known = known_headers
    else:
        names = [normalize_header(name) for name in known_headers]
        is_known = frozenset(names).__contains__
        examples = examples or names[:3]

    data = _read_bounded(path_or_file, max_bytes)
    if not data:
        raise SpreadsheetError(_("The file is empty."), code="empty")

    from cordon.core.spreadsheet_headers import HeaderFinder

    finder = HeaderFinder(is_known, max_columns, max_rows)
    kind = _sniff(data)
    if kind in ("zip", "ole"):
        table = _read_workbook(data, kind, filename, finder)
    elif kind in _NOT_SPREADSHEET_KINDS:
        raise _not_a_spreadsheet(filename, kind)
    else:
        from cordon.core.spreadsheet_csv import read_text

        table = read_text(data, filename, finder)

    if not table.sheets:
        if finder.saw_data:
            raise _no_header_error(examples)
        raise SpreadsheetError(_("The file has no data: every sheet is empty."), code="no_data")
    return table


def _read_bounded(path_or_file, max_bytes: int) -> bytes:
    """The file's bytes, refusing before reading anything when it is larger than max_bytes."""
    if isinstance(path_or_file, str | os.PathLike):
        size = os.stat(path_or_file).st_size
        _check_size(size, max_bytes)
        with open(path_or_file, "rb") as f:
            return f.read(max_bytes + 1)
    f = path_or_file
    size = getattr(f, "size", None)  # Django's UploadedFile knows its size without reading
    if size is None and hasattr(f, "seek") and hasattr(f, "tell"):
        try:
            f.seek(0, os.SEEK_END)
            size = f.tell()
        except (OSError, ValueError):
            size = None
    if size is not None:
        _check_size(size, max_bytes)
    if hasattr(f, "seek"):
        f.seek(0)
    data = f.read(max_bytes + 1)
    _check_size(len(data), max_bytes)  # a stream that could not tell its size
    return data


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise SpreadsheetError(
            _(
                "The file is %(size)s; files up to %(limit)s can be imported. Split it into smaller "
                "files and import them one by one."
            ),
            code="too_large",
            size=_file_size_text(size),
            limit=_file_size_text(max_bytes),
        )


_MAGIC = [
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # .xls, .doc, and encrypted Office 2007+ files
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
]


def _sniff(data: bytes) -> str:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    return "text"


def _not_a_spreadsheet(filename: str, kind: str | None = None) -> SpreadsheetError:
    if kind:
        return SpreadsheetError(
            _(
                "“%(filename)s” is %(kind)s, not a spreadsheet. Import an Excel workbook (.xlsx or "
                ".xls) or a CSV file."
            ),
            code="not_spreadsheet",
            filename=filename,
            kind=_NOT_SPREADSHEET_KINDS[kind],
        )
    return SpreadsheetError(
        _("“%(filename)s” is not a spreadsheet. Import an Excel workbook (.xlsx or .xls) or a CSV file."),
        code="not_spreadsheet",
        filename=filename,
    )


def _corrupt(detail: str = "") -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file is damaged or incomplete and cannot be read. Open it in Excel, save it again and "
            "import the saved copy; if it came through a chat app, download it again."
        ),
        code="corrupt",
        detail=detail,
    )


def _encrypted() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is encrypted (password-protected); save it without a password and import again."),
        code="encrypted",
    )


def _no_header_error(examples: Sequence[str]) -> SpreadsheetError:
    if examples:
        return SpreadsheetError(
            _("No header row found: expected columns such as %(examples)s in the first %(rows)s rows."),
            code="no_header",
            examples=", ".join(examples),
            rows=HEADER_SEARCH_ROWS,
        )
    return SpreadsheetError(
        _("No header row found: none of the first %(rows)s rows holds recognisable column names."),
        code="no_header",
        rows=HEADER_SEARCH_ROWS,
    )


def _calamine_failed(exc: BaseException) -> bool:
    """Whether python-calamine raised (rather than the interpreter being asked to stop).

    A malformed file can make the Rust side panic, which surfaces as pyo3's PanicException — a
    BaseException — and must become "damaged file", not a crash of the import.
    """
    return not isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit)


def _read_workbook(data: bytes, kind: str, filename: str, finder: HeaderFinder) -> Table:
    fmt = _zip_format(data, filename) if kind == "zip" else "xls"
    if kind == "zip":
        from cordon.core.spreadsheet_bounds import check_workbook

        check_workbook(data)  # before calamine allocates anything for it
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _encrypted() from None
    except BaseException as exc:
        if not _calamine_failed(exc):
            raise
        if kind == "ole":
            raise _ole_error(data, filename, exc) from None
        raise _corrupt(repr(exc)) from None

    table = Table(filename=filename, format=fmt, sheets=[])
    with workbook:
        for index, meta in enumerate(workbook.sheets_metadata):
            # A hidden sheet (lookup lists for drop-downs, an old copy) is not what the user sees as
            # their ledger; a chart sheet has no cells.
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_index(index)
            except python_calamine.PasswordError:
                raise _encrypted() from None
            except BaseException as exc:
                if not _calamine_failed(exc):
                    raise
                raise _corrupt(repr(exc)) from None
            found = _calamine_sheet(sheet, finder)
            if found:
                table.sheets.append(found)
            else:
                table.skipped_sheets.append(meta.name)
    return table


def _zip_format(data: bytes, filename: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError) as exc:
        raise _corrupt(repr(exc)) from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "word/document.xml" in names or b"opendocument.text" in mimetype:
        raise _not_a_spreadsheet(filename, "word")
    if "ppt/presentation.xml" in names or b"opendocument.presentation" in mimetype:
        raise _not_a_spreadsheet(filename, "powerpoint")
    if "[Content_Types].xml" in names:
        # An Office file whose workbook part is missing: a damaged .xlsx rather than a stray zip.
        raise _corrupt("no xl/workbook.xml in an Office package")
    raise _not_a_spreadsheet(filename, "archive")


def _ole_error(data: bytes, filename: str, exc: BaseException) -> SpreadsheetError:
    """Why an OLE2 compound file did not open as an .xls."""
    # An encrypted .xlsx is an OLE2 file holding these streams; stream names are UTF-16LE.
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return _encrypted()
    if "WordDocument".encode("utf-16-le") in data:
        return _not_a_spreadsheet(filename, "word")
    if "PowerPoint Document".encode("utf-16-le") in data:
        return _not_a_spreadsheet(filename, "powerpoint")
    # calamine's format detection hides the .xls reader's own error ("Cannot detect file format");
    # opened by an .xls name it says what is wrong, e.g. a password-protected .xls.
    with tempfile.NamedTemporaryFile(suffix=".xls") as copy:
        copy.write(data)
        copy.flush()
        try:
            python_calamine.CalamineWorkbook.from_path(copy.name).close()
        except python_calamine.PasswordError:
            return _encrypted()
        except BaseException as retry_exc:
            if not _calamine_failed(retry_exc):
                raise
            return _corrupt(repr(retry_exc))
    return _corrupt(repr(exc))


def _clean_float(value: float):
    """Whole numbers become ints (calamine gives 13812345678.0 for a phone); long ones are marked."""
    if value >= LOST_PRECISION_THRESHOLD or value <= -LOST_PRECISION_THRESHOLD:
        return LostPrecision(value)
    if value.is_integer():
        return int(value)
    return value


def _calamine_sheet(sheet, finder: HeaderFinder) -> Sheet | None:
    start = sheet.start
    if start is None:
        return None
    finder.saw_data = True
    # Absolute coordinates from A1, so positions match the merged ranges and the row numbers.
    region = sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS + 1)
    found = finder.find(sheet.name, region, sheet.merged_cell_ranges or [])
    if found is None:
        return None
    headers, lower = found
    start_col = start[1]
    end_row, end_col = sheet.end
    if end_col + 1 > MAX_SHEET_WIDTH:
        raise SpreadsheetError(
            _(
                "Sheet “%(sheet)s” has something in column %(column)s, far to the right of the table. "
                "Delete the columns to the right of the table and import again."
            ),
            code="too_many_columns",
            sheet=sheet.name,
            column=column_letter(end_col),
        )
    after_header = lower + 1  # 0-based index of the first data row
    merges = sheet.merged_cell_ranges or []

    def raw_rows():
        # iter_rows() pads the rows above the used range with empty rows (so its index is the
        # absolute row) but starts each row at the range's first column.
        rows = itertools.islice(sheet.iter_rows(), after_header, None)
        return spread_merged_cells(rows, merges, first_row=after_header, first_column=start_col)

    return Sheet(
        name=sheet.name,
        headers=headers,
        header_row=lower + 1,
        row_count_hint=max(0, end_row - lower),
        _raw_rows=raw_rows,
        _positions=[h.column - start_col for h in headers],
        _first_row=after_header + 1,
        _max_rows=finder.max_rows,
    )


def spread_merged_cells(
    rows: Iterator[Sequence], merges, *, first_row: int, first_column: int
) -> Iterator[Sequence]:
    """Rows with each cell merged down over several rows holding the value of the merge's top cell.

    A family's shared 来源地 / 到达日期 / 现住址 is merged down over their rows; Excel and WPS (.xlsx
    and .xls alike) keep the value in the top cell only, and the rows below would read as empty.
    Only merges within one column are spread: a block merged across columns too (a signature line,
    a banner) belongs to its first row. ``rows`` start at the absolute row ``first_row`` (0-based)
    and column ``first_column``, as calamine's iter_rows() gives them; ``merges`` are calamine's
    ((row, column), (row, column)) ranges.
    """
    down: dict[int, list[tuple[int, int]]] = {}  # top row -> [(column, bottom row)]
    for (r0, c0), (r1, c1) in merges:
        if c0 == c1 and r1 > r0 and r0 >= first_row and c0 >= first_column:
            down.setdefault(r0, []).append((c0 - first_column, r1))
    if not down:
        yield from rows
        return
    carried: dict[int, tuple[object, int]] = {}  # column -> (value, last row it applies to)
    for index, raw in enumerate(rows, start=first_row):
        for column, bottom in down.get(index, ()):
            if column < len(raw):
                carried[column] = (raw[column], bottom)
        if carried:
            raw = list(raw)
            for column, (value, bottom) in list(carried.items()):
                if index > bottom:
                    del carried[column]
                elif column < len(raw) and raw[column] in ("", None):
                    raw[column] = value
        yield raw


# -- Header detection --------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip(_BLANKS)
    if type(value) is float and value.is_integer() and abs(value) < LOST_PRECISION_THRESHOLD:
        return str(int(value))
    return str(value)


_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE]\+?\d+")
_EXCEL_TEXT_FORMULA = re.compile(r'="(.*)"', re.DOTALL)


def _clean_text_values(values: list) -> None:
    """CSV cells are all strings: unwrap ="0016" (how some systems force text in Excel) and mark
    numbers that Excel already saved as 1.31081E+17 — those digits are gone for good."""
    for i, value in enumerate(values):
        if value is None:
            continue
        if value[:2] == '="':
            match = _EXCEL_TEXT_FORMULA.fullmatch(value)
            if match:
                values[i] = match.group(1).strip(_BLANKS) or None
        elif ("E+" in value or "e+" in value) and _SCIENTIFIC.fullmatch(value):
            number = float(value)
            if abs(number) >= LOST_PRECISION_THRESHOLD:
                values[i] = LostPrecision(number)
