"""Writing the spreadsheets we hand back: ledgers, rejected rows, templates.

`write_xlsx` and `write_csv` stream rows from any iterable in constant memory, keep ID numbers and
phones as text so Excel never turns them into 1.3e+17, and carry provenance in the file itself.
Reading what towns upload is cordon.core.spreadsheets.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

import xlsxwriter
from django.utils import timezone

XLSX_MAX_ROWS = 1_048_576  # rows per worksheet, fixed by the file format


@dataclass(frozen=True)
class Column:
    header: str
    width: float | None = None  # in Excel's character units; None leaves Excel's default
    # ID numbers and phones: always written as text, in a column formatted as Text so a value the user
    # retypes stays text too (a rejected-rows file is edited and imported again).
    text: bool = False
    error: bool = False  # the error-message column of a rejected-rows file, in red


@dataclass
class SheetSpec:
    name: str  # made Excel-safe: forbidden characters removed, at most 31 characters, unique
    columns: Sequence[Column]
    rows: Iterable[Sequence]  # consumed once, lazily; None and "" leave a cell empty
    # Lines above the table, e.g. "导出人: 张三 · 2026-11-29 21:00 · 筛选: 四间房村".
    header_lines: Sequence[str] = ()


_XLSX_PROPERTIES = {
    "title",
    "subject",
    "author",
    "manager",
    "company",
    "category",
    "keywords",
    "comments",
    "status",
    "hyperlink_base",
    "created",
}


def write_xlsx(path_or_file, sheets: Iterable[SheetSpec], *, properties: dict) -> list[int]:
    """Write sheets to an .xlsx in constant memory; return the number of data rows of each spec.

    Rows are written as they are drawn from each spec's iterable, so a million-row export needs no
    more memory than one row. Strings are always written as strings (never as formulas, whatever
    they start with); dates get yyyy-mm-dd, datetimes yyyy-mm-dd hh:mm in local time. A sheet that
    outgrows Excel's 1,048,576 rows continues on a sheet named "<name> (2)" with the same headers.
    `properties` keys title, subject, author, comments, keywords, category, company, manager, status
    and created are the document's properties; any other key becomes a custom property.
    """
    workbook = xlsxwriter.Workbook(
        path_or_file, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        standard = {k: v for k, v in properties.items() if k in _XLSX_PROPERTIES}
        workbook.set_properties({k: (str(v) if k != "created" else v) for k, v in standard.items()})
        for key, value in properties.items():
            if key not in _XLSX_PROPERTIES and value is not None:
                if not isinstance(value, bool | int | float | dt.datetime):
                    value = str(value)
                workbook.set_custom_property(str(key), value)
        styles = _Styles(workbook)
        used_names: set[str] = set()
        counts = [_write_sheet(workbook, spec, styles, used_names) for spec in sheets]
    finally:
        workbook.close()
    return counts


class _Styles:
    def __init__(self, workbook):
        self.line = workbook.add_format({"font_color": "#595959"})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "vcenter"}
        )
        # 49 is Excel's built-in Text format ("@").
        self.text = workbook.add_format({"num_format": 49})
        self.error = workbook.add_format({"num_format": 49, "font_color": "#C00000"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})


def _write_sheet(workbook, spec: SheetSpec, styles: _Styles, used_names: set[str]) -> int:
    columns = list(spec.columns)
    ncols = len(columns)
    text_columns = {i for i, col in enumerate(columns) if col.text or col.error}
    cell_formats = [styles.error if col.error else styles.text if col.text else None for col in columns]
    date_format, datetime_format = styles.date, styles.datetime
    first_data_row = len(spec.header_lines) + 1

    def start_sheet(part: int):
        name = spec.name if part == 1 else f"{spec.name} ({part})"
        worksheet = workbook.add_worksheet(_sheet_name(name, used_names))
        for i, col in enumerate(columns):
            worksheet.set_column(i, i, col.width, cell_formats[i])
        for r, line in enumerate(spec.header_lines):
            worksheet.write_string(r, 0, str(line), styles.line)
        header_row = len(spec.header_lines)
        for i, col in enumerate(columns):
            worksheet.write_string(header_row, i, str(col.header), styles.header)
        worksheet.freeze_panes(header_row + 1, 0)
        return worksheet

    part = 1
    worksheet = start_sheet(part)
    write_string, write_number = worksheet.write_string, worksheet.write_number
    r = first_data_row - 1
    count = 0
    for values in spec.rows:
        r += 1
        if r >= XLSX_MAX_ROWS:
            _finish_sheet(worksheet, first_data_row, r - 1, ncols)
            part += 1
            worksheet = start_sheet(part)
            write_string, write_number = worksheet.write_string, worksheet.write_number
            r = first_data_row
        count += 1
        if len(values) > ncols:
            raise ValueError(f"Sheet {spec.name!r}: a row has {len(values)} values for {ncols} columns")
        for c, v in enumerate(values):
            if v is None:
                continue
            t = type(v)
            if t is str:
                if v:
                    write_string(r, c, v, cell_formats[c])
            elif c in text_columns:
                write_string(r, c, _as_text(v), cell_formats[c])
            elif t is int or t is float:
                write_number(r, c, v, cell_formats[c])
            elif t is dt.date:
                worksheet.write_datetime(r, c, v, date_format)
            elif t is dt.datetime:
                if v.tzinfo is not None:
                    v = timezone.localtime(v).replace(tzinfo=None)
                worksheet.write_datetime(r, c, v, datetime_format)
            elif t is bool:
                worksheet.write_boolean(r, c, v, cell_formats[c])
            elif isinstance(v, Decimal):
                write_number(r, c, float(v), cell_formats[c])
            else:  # lazy translations, LostPrecision, enums, times: their text
                write_string(r, c, str(v), cell_formats[c])
    _finish_sheet(worksheet, first_data_row, r, ncols)
    return count


def _finish_sheet(worksheet, first_data_row: int, last_row: int, ncols: int) -> None:
    if ncols:
        worksheet.autofilter(first_data_row - 1, 0, max(last_row, first_data_row - 1), ncols - 1)


def _as_text(value) -> str:
    if type(value) is float and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name: no []:*?/\\, no quote at either end, at most 31 characters."""
    base = _SHEET_NAME_FORBIDDEN.sub("", str(name)).strip().strip("'").strip() or "Sheet"
    candidate, n = base[:31], 1
    # "History" is reserved by Excel; names compare case-insensitively.
    while candidate.lower() in used or candidate.lower() == "history":
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def csv_chunks(
    header: Sequence, rows: Iterable[Sequence], *, header_lines: Sequence[str] = ()
) -> Iterator[bytes]:
    """A CSV as UTF-8 byte chunks with a BOM, for files and StreamingHttpResponse alike.

    The BOM is what makes Chinese Excel open UTF-8 instead of guessing GBK. Text that Excel would
    run as a formula (=, +, -, @ at the start) gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield codecs.BOM_UTF8
    for line in header_lines:
        writer.writerow([_csv_text(line)])
    writer.writerow([_csv_text(h) for h in header])
    pending = 0
    for values in rows:
        writer.writerow([_csv_cell(v) for v in values])
        pending += 1
        if pending >= 1000:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    tail = buffer.getvalue()
    if tail:
        yield tail.encode("utf-8")


def write_csv(
    file: IO[bytes] | str | os.PathLike, header: Sequence, rows: Iterable[Sequence], *, header_lines=()
) -> int:
    """Write a CSV (UTF-8 with BOM) to a path or binary file, streaming the rows; return their number."""
    count = 0

    def counted():
        nonlocal count
        for values in rows:
            count += 1
            yield values

    chunks = csv_chunks(header, counted(), header_lines=header_lines)
    if isinstance(file, str | os.PathLike):
        with open(file, "wb") as f:
            f.writelines(chunks)
    else:
        file.writelines(chunks)
    return count


_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*")
# Excel runs a CSV cell starting with these as a formula (CSV injection); a leading apostrophe stops it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value) -> str:
    text = str(value)
    if len(text) > 1 and text[0] in "=+-@\t\r" and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    t = type(value)
    if t is str:
        return _csv_text(value) if value[:1] in _FORMULA_STARTS else value
    if t is int:
        return str(value)
    if t is dt.datetime:
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if t is dt.date:
        return value.isoformat()
    if t is float and value.is_integer():
        return str(int(value))
    return _csv_text(value)
