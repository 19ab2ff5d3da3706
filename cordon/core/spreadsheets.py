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
import os
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence

import python_calamine
from django.utils.translation import gettext_lazy as _

from cordon.core.spreadsheet_bounds import check_workbook, check_xls_workbook
from cordon.core.spreadsheet_csv import read_text
from cordon.core.spreadsheet_headers import HeaderFinder
from cordon.core.spreadsheet_types import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_ROWS,
    HEADER_SEARCH_ROWS,
    MAX_SHEET_WIDTH,
    NOT_SPREADSHEET_KINDS,
    Sheet,
    SpreadsheetError,
    Table,
    column_letter,
    corrupt,
    encrypted,
    file_size_text,
    normalize_header,
    not_a_spreadsheet,
)


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

    finder = HeaderFinder(is_known, max_columns, max_rows)
    kind = _sniff(data)
    if kind in ("zip", "ole"):
        table = _read_workbook(data, kind, filename, finder)
    elif kind in NOT_SPREADSHEET_KINDS:
        raise not_a_spreadsheet(filename, kind)
    else:
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
            size=file_size_text(size),
            limit=file_size_text(max_bytes),
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


_corrupt = corrupt
_encrypted = encrypted


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
        check_workbook(data)  # before calamine allocates anything for it
    else:
        check_xls_workbook(data)
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
        raise not_a_spreadsheet(filename, "word")
    if "ppt/presentation.xml" in names or b"opendocument.presentation" in mimetype:
        raise not_a_spreadsheet(filename, "powerpoint")
    if "[Content_Types].xml" in names:
        # An Office file whose workbook part is missing: a damaged .xlsx rather than a stray zip.
        raise _corrupt("no xl/workbook.xml in an Office package")
    raise not_a_spreadsheet(filename, "archive")


def _ole_error(data: bytes, filename: str, exc: BaseException) -> SpreadsheetError:
    """Why an OLE2 compound file did not open as an .xls."""
    # An encrypted .xlsx is an OLE2 file holding these streams; stream names are UTF-16LE.
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return _encrypted()
    if "WordDocument".encode("utf-16-le") in data:
        return not_a_spreadsheet(filename, "word")
    if "PowerPoint Document".encode("utf-16-le") in data:
        return not_a_spreadsheet(filename, "powerpoint")
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
