"""Bounds a workbook must keep before any reader allocates for it.

A 1.6 KB .xlsx whose only far cell sits at ALL1048576 made the reader allocate a million rows by a
thousand columns (33 GB) and abort the process; a 7 MB zip unpacking to 1.8 GB cost 3.9 GB of memory.
So before the workbook reaches python-calamine, its zip is looked at part by part — each part's
unpacked size, the whole's, the dimension a sheet declares, the cells and rows it actually holds, how
deep its XML nests, how many shared strings it claims — streaming, a few MB at a time, under a time
limit. A file past a bound is refused with a message saying which bound; nothing else runs.

These bounds are the first wall; the second is the child process the importer reads in
(cordon.core.sandbox), whose memory and CPU are limited, so that a reader bug costs one child.
"""

from __future__ import annotations

import html
import io
import re
import time
import zipfile

from django.utils.translation import gettext_lazy as _

from cordon.core.spreadsheet_bounds_ods import check_ods
from cordon.core.spreadsheet_bounds_xls import check_xls
from cordon.core.spreadsheet_types import SpreadsheetError, column_letter, corrupt, encrypted

# A town's largest ledger (200,000 rows by 40 columns, as .xlsx) unpacks to about 250 MB in all.
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_PARTS = 2_000
# Cells a sheet may span (from its top-left cell to its bottom-right one): 200,000 rows by 40 columns.
MAX_CELLS = 8_000_000
MAX_SHARED_STRINGS = 4_000_000
# A sheet's XML nests seven deep (worksheet, sheetData, row, c, is, r, t); extensions add a few.
# The depth is sampled every _DEPTH_STEP bytes, so a nest deeper than this is always seen.
MAX_DEPTH = 256
_DEPTH_STEP = 1024
READ_SECONDS = 60

_CHUNK = 4 * 1024 * 1024
_MAX_TAG = 64 * 1024
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\sref="([A-Z]{1,4})?(\d{1,9})?(?::([A-Z]{1,4})(\d{1,9}))?"'
)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>|<(?:\w+:)?c/>")
_REF = re.compile(rb'\sr="([A-Z]{1,4})(\d{1,9})"')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>|<(?:\w+:)?row/>")
_ROW_REF = re.compile(rb'\sr="(\d{1,9})"')
# Cells as Excel, WPS and LibreOffice write them, reference first: read in one pass (the fast path).
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,9})"')
_SST_COUNT = re.compile(rb'\s(?:uniqueCount|count)="(\d{1,20})"')
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# workbook.xml names sheets by relationship id; its .rels file maps the id to the part.
_WB_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\sname="([^"]*)"[^>]*?\s(?:\w+:)?id="([^"]+)"')
_WB_REL = re.compile(rb'<Relationship\b[^>]*?\sId="([^"]+)"[^>]*?\sTarget="([^"]+)"')


def _first(pair):
    return pair[0]


def _second(pair):
    return pair[1]


def _column_key(letters: bytes):
    return len(letters), letters


def _check_depth(scan: bytes, depth: int, sheet: str) -> int:
    """The XML's nesting depth after `scan`, given the depth before it; refuses a nest past MAX_DEPTH.

    Counted, not parsed: each "<" opens, a "</" closes (and was counted as an opening), "/>" closes,
    "<?" and "<!" (declarations, comments, CDATA) open nothing."""
    start, size = 0, len(scan)
    while start < size:
        # Pieces end just before a "<", so no "</" nor "/>" is cut in two.
        end = scan.find(b"<", start + _DEPTH_STEP)
        end = size if end == -1 else end
        piece = scan[start:end]
        start = end
        depth += (
            piece.count(b"<")
            - 2 * piece.count(b"</")
            - piece.count(b"/>")
            - piece.count(b"<?")
            - piece.count(b"<!")
        )
        if depth > MAX_DEPTH:
            raise _refuse(
                _(
                    "Sheet “%(sheet)s” is nested more than %(limit)s levels deep, which no spreadsheet "
                    "program writes. Open it in Excel, save it again and import the saved copy."
                ),
                "too_deep",
                sheet=sheet,
                limit=MAX_DEPTH,
            )
    return depth


def _letters_to_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _refuse(message, code: str, **params) -> SpreadsheetError:
    return SpreadsheetError(message, code=code, **params)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


class _Clock:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise _refuse(
                _(
                    "Reading the file took longer than the limit of %(seconds)s seconds. Save it again in "
                    "Excel (only the table, without far-away cells or formatting) and import again."
                ),
                "too_slow",
                seconds=int(self.seconds),
            )


def check_workbook(data: bytes, *, seconds: float = READ_SECONDS) -> None:
    """Refuse a zipped workbook (.xlsx, .xlsm, .xlsb, .ods) that would cost more than its bounds (an
    .ods's sheets: cordon.core.spreadsheet_bounds_ods).

    Raises SpreadsheetError naming the bound passed; returns None when the file keeps them all.
    """
    clock = _Clock(seconds)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise corrupt(repr(exc)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise _refuse(
                _("The file holds %(count)s parts; a workbook holds at most %(limit)s. It is not a ledger."),
                "too_many_parts",
                count=len(infos),
                limit=MAX_PARTS,
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES:
                raise _refuse(
                    _(
                        "Unpacked, the part %(part)s of the file is %(size)s; the limit is %(limit)s per "
                        "part. Split the ledger into smaller files and import them one by one."
                    ),
                    "too_large_unpacked",
                    part=info.filename[:80],
                    size=_mb(info.file_size),
                    limit=_mb(MAX_PART_BYTES),
                )
        if total > MAX_UNPACKED_BYTES:
            raise _refuse(
                _(
                    "Unpacked, the file is %(size)s; the limit is %(limit)s. Split the ledger into "
                    "smaller files and import them one by one."
                ),
                "too_large_unpacked",
                size=_mb(total),
                limit=_mb(MAX_UNPACKED_BYTES),
            )
        names = _sheet_names(archive)
        for info in infos:
            if _SHEET_PART.fullmatch(info.filename):
                _check_sheet(archive, info, names.get(info.filename, info.filename), clock)
            elif info.filename == "xl/sharedStrings.xml":
                _check_shared_strings(archive, info, clock)
        if "content.xml" in archive.namelist() and "xl/workbook.xml" not in archive.namelist():
            check_ods(archive, clock, max_cells=MAX_CELLS, max_depth=MAX_DEPTH)


def check_xls_workbook(data: bytes, *, seconds: float = READ_SECONDS) -> None:
    """Refuse an .xls (a compound file of BIFF records) past the same bounds: the cells its sheets
    declare and hold, the shared strings it claims, the time (cordon.core.spreadsheet_bounds_xls)."""
    check_xls(data, _Clock(seconds), max_cells=MAX_CELLS, max_strings=MAX_SHARED_STRINGS)


def _read_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = 64 * 1024) -> bytes:
    try:
        with archive.open(info) as part:
            return part.read(size)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
            raise encrypted() from None
        raise corrupt(repr(exc)) from None


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part -> the sheet's name as Excel shows it, for messages (best effort)."""
    try:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return {}
        workbook = _read_head(archive, archive.getinfo("xl/workbook.xml"), 1024 * 1024)
        rels = _read_head(archive, archive.getinfo("xl/_rels/workbook.xml.rels"), 1024 * 1024)
    except SpreadsheetError:
        return {}
    targets = {}
    for rel_id, target in _WB_REL.findall(rels):
        target = target.decode("utf-8", "replace").lstrip("/")
        targets[rel_id] = target if target.startswith("xl/") else "xl/" + target
    return {
        targets[rel_id]: html.unescape(name.decode("utf-8", "replace"))
        for name, rel_id in _WB_SHEET.findall(workbook)
        if rel_id in targets
    }


def _too_wide_or_long(sheet: str, cells: int, far: str):
    return _refuse(
        _(
            "Sheet “%(sheet)s” spans %(cells)s cells (up to cell %(far)s); at most %(limit)s can be read. "
            "Delete what lies far below or to the right of the table (select those rows and columns, "
            "delete them, save) and import again."
        ),
        "too_many_cells",
        sheet=sheet,
        cells=f"{cells:,}",
        far=far,
        limit=f"{MAX_CELLS:,}",
    )


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, clock: _Clock) -> None:
    head = _read_head(archive, info)
    match = _DIMENSION.search(head)
    if match:
        c0, r0, c1, r1 = match.groups()
        if c1 and r1:
            rows = abs(int(r1) - int(r0 or 1)) + 1
            cols = abs(_letters_to_index(c1) - _letters_to_index(c0 or b"A")) + 1
            if rows * cols > MAX_CELLS:
                raise _refuse(
                    _(
                        "Sheet “%(sheet)s” declares a size of %(rows)s rows by %(columns)s columns; at most "
                        "%(limit)s cells can be read. Delete the empty rows and columns around the table "
                        "(or copy the table into a new workbook), save and import again."
                    ),
                    "too_many_cells",
                    sheet=sheet,
                    rows=f"{rows:,}",
                    columns=f"{cols:,}",
                    limit=f"{MAX_CELLS:,}",
                )
    min_row = min_col = 1 << 62
    max_row = max_col = -1
    far = ""
    # Cells and rows without a reference sit right after the one before. Their cells are spread over
    # the rows for the estimate: a skewed hostile file that beats it still meets the child's limits.
    loose_cells = loose_rows = row_count = depth = 0
    carry = b""
    try:
        part = archive.open(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise corrupt(repr(exc)) from None
    with part:
        while True:
            clock.check()
            try:
                chunk = part.read(_CHUNK)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
                raise corrupt(repr(exc)) from None
            if not chunk and not carry:
                break
            pending = carry + chunk
            cut = pending.rfind(b"<")
            if not chunk or cut == -1 or pending.find(b">", cut) != -1:
                scan, carry = pending, b""
            else:
                scan, carry = pending[:cut], pending[cut:]
                if len(carry) > _MAX_TAG:
                    raise corrupt("a tag longer than 64 KB")
            depth = _check_depth(scan, depth, sheet)
            refs = _PLAIN_CELL.findall(scan)
            if (
                len(refs) == scan.count(b"<c ") + scan.count(b"<c>") + scan.count(b"<c/>")
                and b":c " not in scan
            ):
                if refs:
                    letters = max(set(map(_first, refs)), key=_column_key)
                    rows = list(map(int, map(_second, refs)))
                    top, bottom = min(rows), max(rows)
                    left = min(map(_letters_to_index, set(map(_first, refs))))
                    right = _letters_to_index(letters)
                    if bottom > max_row or right > max_col:
                        far = (letters + refs[rows.index(bottom)][1]).decode()
                    max_row, max_col = max(max_row, bottom), max(max_col, right)
                    min_row, min_col = min(min_row, top), min(min_col, left)
                row_count += scan.count(b"<row ") + scan.count(b"<row>")
                if not chunk:
                    break
                continue
            # Another writer's cells (reference elsewhere, or none, or a namespace prefix): one by one.
            for attributes in _ROW.findall(scan):
                row_count += 1
                ref = _ROW_REF.search(attributes) if attributes else None
                if ref is None:
                    loose_rows += 1
                    continue
                row = int(ref.group(1))
                max_row = max(max_row, row)
                min_row = min(min_row, row)
            for attributes in _CELL.findall(scan):
                ref = _REF.search(attributes) if attributes else None
                if ref is None:
                    loose_cells += 1
                    continue
                col, row = _letters_to_index(ref.group(1)), int(ref.group(2))
                if row > max_row or col > max_col:
                    far = (ref.group(1) + ref.group(2)).decode()
                max_row, max_col = max(max_row, row), max(max_col, col)
                min_row, min_col = min(min_row, row), min(min_col, col)
            if not chunk:
                break
    if max_row < 0 and not loose_cells and not loose_rows:
        return
    height = (max_row - min(min_row, max_row) + 1 if max_row >= 0 else 0) + loose_rows
    width = (max_col - min(min_col, max_col) + 1 if max_col >= 0 else 0) + -(
        -loose_cells // max(row_count, 1)
    )
    if height * max(width, 1) > MAX_CELLS:
        far = far or column_letter(max(max_col, 0) + loose_cells) + str(max(max_row, 0) + loose_rows)
        raise _too_wide_or_long(sheet, height * max(width, 1), far)


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, clock: _Clock) -> None:
    clock.check()
    head = _read_head(archive, info, 4096)
    for count in _SST_COUNT.findall(head):
        if int(count) > MAX_SHARED_STRINGS:
            raise _refuse(
                _(
                    "The file claims %(count)s different texts; at most %(limit)s can be read. Open it in "
                    "Excel, save it again and import the saved copy."
                ),
                "too_many_strings",
                count=f"{int(count):,}",
                limit=f"{MAX_SHARED_STRINGS:,}",
            )
