"""The bounds of cordon.core.spreadsheet_bounds, for an Excel 97–2003 workbook (.xls).

An .xls is a compound file (OLE2) holding a ``Workbook`` stream of BIFF records. Its streams are not
compressed, so the upload's size bounds what they unpack to; what a reader allocates for is the span of
the cells (a sheet's DIMENSIONS record declares it, the cell records say where they really are: one
cell at IV65536 spans 16.7 million) and the shared-strings table's declared count. Both are read here,
record by record, before the reader sees the file, under the same time limit.

The compound file's own structure is followed only as far as to find that stream: a file whose
structure is not what Excel writes is left to the reader (in its limited child), whose error says
"damaged", "encrypted" or "not a spreadsheet" as it does today.
"""

from __future__ import annotations

import struct

from django.utils.translation import gettext_lazy as _

from cordon.core.spreadsheet_types import SpreadsheetError, column_letter, encrypted

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
# BIFF record types
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _SST, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x00FC, 0x0200
_CELLS = {0x00FD, 0x0203, 0x027E, 0x0201, 0x0006, 0x0204, 0x0205, 0x00D6}  # LABELSST NUMBER RK BLANK …
_MULTIPLE = {0x00BD, 0x00BE}  # MULRK, MULBLANK: a row, a first and a last column


class _NotExcel(Exception):
    """The compound file is not laid out as Excel writes it: leave it to the reader."""


def _stream(data: bytes, names=("Workbook", "Book"), extents: list | None = None) -> bytes:
    """The workbook stream's bytes (``extents``, when given, gets each of its sectors' file offsets)."""
    if len(data) < 512 or data[:8] != _MAGIC:
        raise _NotExcel
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise _NotExcel
    size = 1 << sector_shift
    sectors = (len(data) - 512) // size + 1
    (fat_count, first_dir, _tx, cutoff, first_mini_fat, mini_fat_count, first_difat, difat_count) = (
        struct.unpack_from("<IIIIIIII", data, 44)
    )

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise _NotExcel
        start = 512 + number * size
        return data[start : start + size]

    difat = list(struct.unpack_from("<109I", data, 76))
    following, seen = first_difat, 0
    while following not in (_FREE, _END) and seen <= difat_count:
        block = sector(following)
        *entries, following = struct.unpack(f"<{size // 4}I", block)
        difat += entries
        seen += 1
    fat_sectors = [n for n in difat if n not in (_FREE, _END)][:fat_count]
    fat: list[int] = []
    for number in fat_sectors:
        fat += struct.unpack(f"<{size // 4}I", sector(number))

    def chain(first: int, table: list[int], limit: int) -> list[int]:
        found, number = [], first
        while number not in (_FREE, _END):
            if number >= len(table) or len(found) > limit:
                raise _NotExcel  # a loop, or a chain off the table
            found.append(number)
            number = table[number]
        return found

    directory = b"".join(sector(n) for n in chain(first_dir, fat, sectors))
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        name_size, kind = struct.unpack_from("<HB", directory, offset + 64)
        name = directory[offset : offset + max(0, min(name_size, 64) - 2)].decode("utf-16-le", "replace")
        start, length = struct.unpack_from("<IQ", directory, offset + 116)
        if size == 512:
            length &= 0xFFFFFFFF
        entries.append((name, kind, start, length))
    if not entries:
        raise _NotExcel
    wanted = next((e for e in entries if e[1] == 2 and e[0] in names), None)
    if wanted is None:
        raise _NotExcel
    _name, _kind, start, length = wanted
    if length > len(data):
        raise _NotExcel
    if length >= cutoff:
        body = b"".join(sector(n) for n in chain(start, fat, sectors))
        if extents is not None:
            extents.extend(512 + n * size for n in chain(start, fat, sectors))
        return body[:length]
    # A small stream lives in the mini stream, carried by the root entry.
    root = entries[0]
    mini_stream = b"".join(sector(n) for n in chain(root[2], fat, sectors))
    mini_fat: list[int] = []
    for number in chain(first_mini_fat, fat, sectors)[:mini_fat_count]:
        mini_fat += struct.unpack(f"<{size // 4}I", sector(number))
    pieces = [mini_stream[n * 64 : n * 64 + 64] for n in chain(start, mini_fat, len(mini_fat))]
    return b"".join(pieces)[:length]


def stream_offsets(data: bytes) -> tuple[bytes, list[int], int]:
    """The workbook stream, its sectors' offsets in the file and the sector size (the hostile-file
    corpus edits records in place with it)."""
    extents: list[int] = []
    stream = _stream(data, extents=extents)
    return stream, extents, 1 << struct.unpack_from("<H", data, 30)[0]


def check_xls(data: bytes, clock, *, max_cells: int, max_strings: int) -> None:
    """Refuse an .xls whose sheets declare or hold a span past ``max_cells``, or whose shared-strings
    table claims more than ``max_strings``; encrypted ones are named so."""
    try:
        stream = _stream(data)
    except (_NotExcel, struct.error, ValueError):
        return
    sheets: list[str] = []
    sheet_index = -1
    sheet = ""
    bottom = right = -1
    position, records = 0, 0
    end = len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        records += 1
        if records % 65536 == 0:
            clock.check()
        if kind == _FILEPASS:
            raise encrypted()
        if kind == _BOUNDSHEET and len(body) >= 8:
            count, flags = body[6], body[7]
            raw = body[8 : 8 + count * (2 if flags & 1 else 1)]
            sheets.append(raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace"))
        elif kind == _BOF and len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == 0x0010:
            sheet_index += 1
            sheet = sheets[sheet_index] if sheet_index < len(sheets) else str(sheet_index + 1)
            bottom = right = -1
        elif kind == _SST and len(body) >= 8:
            unique = struct.unpack_from("<I", body, 4)[0]
            if unique > max_strings:
                raise SpreadsheetError(
                    _(
                        "The file claims %(count)s different texts; at most %(limit)s can be read. Open it "
                        "in Excel, save it again and import the saved copy."
                    ),
                    code="too_many_strings",
                    count=f"{unique:,}",
                    limit=f"{max_strings:,}",
                )
        elif kind == _DIMENSIONS and len(body) >= 12:
            first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            rows, columns = max(0, last_row - first_row), max(0, last_col - first_col)
            if rows * columns > max_cells:
                raise SpreadsheetError(
                    _(
                        "Sheet “%(sheet)s” declares a size of %(rows)s rows by %(columns)s columns; at most "
                        "%(limit)s cells can be read. Delete the empty rows and columns around the table "
                        "(or copy the table into a new workbook), save and import again."
                    ),
                    code="too_many_cells",
                    sheet=sheet,
                    rows=f"{rows:,}",
                    columns=f"{columns:,}",
                    limit=f"{max_cells:,}",
                )
        elif (kind in _CELLS and len(body) >= 4) or (kind in _MULTIPLE and len(body) >= 6):
            row, column = struct.unpack_from("<HH", body)
            if kind in _MULTIPLE:
                column = struct.unpack_from("<H", body, len(body) - 2)[0]
            if row > bottom or column > right:
                bottom, right = max(bottom, row), max(right, column)
                if (bottom + 1) * (right + 1) > max_cells:
                    raise SpreadsheetError(
                        _(
                            "Sheet “%(sheet)s” spans %(cells)s cells (up to cell %(far)s); at most %(limit)s "
                            "can be read. Delete what lies far below or to the right of the table (select "
                            "those rows and columns, delete them, save) and import again."
                        ),
                        code="too_many_cells",
                        sheet=sheet,
                        cells=f"{(bottom + 1) * (right + 1):,}",
                        far=column_letter(column) + str(row + 1),
                        limit=f"{max_cells:,}",
                    )
    clock.check()
