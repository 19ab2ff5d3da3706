"""Reading CSV and other text tables: the encoding (UTF-8, UTF-16, GBK/GB18030) and the delimiter."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections import Counter
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from cordon.core.spreadsheet_headers import HeaderFinder
from cordon.core.spreadsheet_types import (
    BLANKS,
    HEADER_SEARCH_ROWS,
    Sheet,
    SpreadsheetError,
    Table,
    not_a_spreadsheet,
)

_DELIMITERS = (",", "\t", ";")  # a full-width "，" is punctuation inside Chinese text, never a separator


def read_text(data: bytes, filename: str, finder: HeaderFinder) -> Table:
    text, encoding = _decode(data, filename)
    head = text[:4096].lstrip().lower()
    if (
        head.startswith(("<!doctype html", "<html", "<table", "mime-version:"))
        or (head.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in head)
        or "<html" in head[:512]
    ):
        # Many government systems export an HTML table or Excel 2003 XML under an .xls name.
        raise SpreadsheetError(
            _(
                "“%(filename)s” is a web page or an old XML spreadsheet saved under a spreadsheet's "
                "name, not a real workbook. Open it in Excel, save it as an Excel Workbook (.xlsx) and "
                "import that."
            ),
            code="needs_resave",
            filename=filename,
        )
    delimiter = _sniff_delimiter(text)
    name = os.path.splitext(os.path.basename(filename))[0] or filename

    table = Table(filename=filename, format="csv", sheets=[], encoding=encoding, delimiter=delimiter)
    region, broken = [], None
    try:
        for record in itertools.islice(_csv_records(text, delimiter), HEADER_SEARCH_ROWS + 1):
            region.append(record)
    except SpreadsheetError as exc:
        broken = exc  # raised again by rows() when it gets there, unless the header is not found
    found = finder.find(name, region, [])
    if found is None:
        if broken:
            raise broken
        return table
    headers, lower = found
    after_header = lower + 1

    def raw_rows():
        return _csv_records(text, delimiter, skip=after_header)

    table.sheets.append(
        Sheet(
            name=name,
            headers=headers,
            header_row=lower + 1,
            row_count_hint=max(0, text.count("\n") + 1 - after_header),
            _raw_rows=raw_rows,
            _positions=[h.column for h in headers],
            _first_row=after_header + 1,
            _max_rows=finder.max_rows,
            _from_text=True,
        )
    )
    return table


def _csv_records(text: str, delimiter: str, skip: int = 0) -> Iterator[list[str]]:
    """The CSV's records from number skip + 1 on; a parse error names the record it happened in."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_malformed(number + 1, exc) from None
        number += 1
        if number > skip:
            yield record


def _csv_malformed(row: int, exc: csv.Error) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Row %(row)s: the CSV file cannot be read from this row on (often a quotation mark that is "
            "never closed). Fix the row, or save the file again from Excel, and import again."
        ),
        code="csv_malformed",
        detail=str(exc),
        row=row,
    )


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """Text of a CSV upload, in the encodings Chinese Excel and WPS write."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode Text" is UTF-16 LE with a BOM, tab-separated.
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError:
        raise _undecodable() from None
    sample = data[:4096]
    if b"\x00" in sample:
        # UTF-16 without a BOM shows as every other byte being zero; anything else with NULs is binary.
        if sample[1::2].count(0) > 0.9 * len(sample[1::2]):
            return _decode_as(data, "utf-16-le"), "utf-16"
        if sample[0::2].count(0) > 0.9 * len(sample[0::2]):
            return _decode_as(data, "utf-16-be"), "utf-16"
        raise not_a_spreadsheet(filename)
    # Strict UTF-8 first: GB18030 decodes almost any byte string, UTF-8 text included (as mojibake).
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = _decode_as(data, "gb18030")
    return text, "gb18030"


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise _undecodable() from None


def _undecodable() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The text file is not in an encoding that can be read (UTF-8, UTF-16 or GBK/GB18030). In "
            "Excel, save it as “CSV UTF-8” and import again."
        ),
        code="encoding",
    )


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same number of fields (comma on a tie)."""
    lines = [line for line in itertools.islice(text.splitlines(), 50) if line.strip(BLANKS)]
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        try:
            counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1)
        except csv.Error:
            continue
        if not counts:
            continue
        fields, lines_with_it = counts.most_common(1)[0]
        score = lines_with_it * (fields - 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best
