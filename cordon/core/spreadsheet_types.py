"""What the spreadsheet reader's modules share: the bounds, the errors a person reads, and the table a
file becomes (``Sheet``, ``Table``, ``Header``). The reader (``spreadsheets``), the header finder
(``spreadsheet_headers``) and the CSV reader (``spreadsheet_csv``) all import from here, and not from
each other's privates."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

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
BLANKS = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"
)
REMOVE_BLANKS = str.maketrans("", "", BLANKS)


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

NOT_SPREADSHEET_KINDS = {
    "pdf": _("a PDF document"),
    "image": _("an image"),
    "word": _("a Word document"),
    "powerpoint": _("a PowerPoint presentation"),
    "archive": _("a compressed archive"),
}


def file_size_text(size: int) -> str:
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
        to_number = clean_float
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
                (v.strip(BLANKS) or None) if (t := type(v)) is str else (to_number(v) if t is float else v)
                for v in picked
            ]
            if from_text:
                clean_text_values(values)
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
    text = cell_text(value).translate(REMOVE_BLANKS)
    previous = None
    while text != previous:
        previous = text
        text = text.strip("*＊").rstrip(":：")
    return text


# ---------------------------------------------------------------------------------------------------
# Reading


def not_a_spreadsheet(filename: str, kind: str | None = None) -> SpreadsheetError:
    if kind:
        return SpreadsheetError(
            _(
                "“%(filename)s” is %(kind)s, not a spreadsheet. Import an Excel workbook (.xlsx or "
                ".xls) or a CSV file."
            ),
            code="not_spreadsheet",
            filename=filename,
            kind=NOT_SPREADSHEET_KINDS[kind],
        )
    return SpreadsheetError(
        _("“%(filename)s” is not a spreadsheet. Import an Excel workbook (.xlsx or .xls) or a CSV file."),
        code="not_spreadsheet",
        filename=filename,
    )


def cell_text(value) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip(BLANKS)
    if type(value) is float and value.is_integer() and abs(value) < LOST_PRECISION_THRESHOLD:
        return str(int(value))
    return str(value)


def clean_float(value: float):
    """Whole numbers become ints (calamine gives 13812345678.0 for a phone); long ones are marked."""
    if value >= LOST_PRECISION_THRESHOLD or value <= -LOST_PRECISION_THRESHOLD:
        return LostPrecision(value)
    if value.is_integer():
        return int(value)
    return value


_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE]\+?\d+")
_EXCEL_TEXT_FORMULA = re.compile(r'="(.*)"', re.DOTALL)


def clean_text_values(values: list) -> None:
    """CSV cells are all strings: unwrap ="0016" (how some systems force text in Excel) and mark
    numbers that Excel already saved as 1.31081E+17 — those digits are gone for good."""
    for i, value in enumerate(values):
        if value is None:
            continue
        if value[:2] == '="':
            match = _EXCEL_TEXT_FORMULA.fullmatch(value)
            if match:
                values[i] = match.group(1).strip(BLANKS) or None
        elif ("E+" in value or "e+" in value) and _SCIENTIFIC.fullmatch(value):
            number = float(value)
            if abs(number) >= LOST_PRECISION_THRESHOLD:
                values[i] = LostPrecision(number)
