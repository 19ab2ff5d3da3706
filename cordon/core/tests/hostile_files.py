"""A corpus of hostile spreadsheet files, made here rather than committed as binaries.

Each maker returns (filename, bytes). `python -m cordon.core.tests.hostile_files DIR` writes them all
to DIR, to try them by hand against a running server (the web import page, ``cordon import people``).

They are what a clerk's laptop can hand the server, by malice or by accident: a sparse cell far away
(a one-cell file at ALL1048576), a dimension that claims the whole sheet, a zip bomb, XML nested a
hundred thousand deep, a shared-strings table that claims billions of strings, a zip that is not a
workbook, an encrypted workbook, a truncated one; and the same for .ods (cells and rows repeated a
million times, a far cell, deep XML, a zip bomb) and .xls (a far cell, a giant declared dimension, a
shared-strings table claiming billions, a truncated file), the .xls ones edited from the committed
honest ledger.xls.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "%(extra)s</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>%(extra)s</Relationships>'
)
_SST_REL = (
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
)
_SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="%(dimension)s"/><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>131081199301230016</t></is></c></row>'
)


def workbook(sheet_xml: str | bytes, *, shared_strings: bytes | None = None) -> bytes:
    """A minimal .xlsx around one sheet's XML (and a shared-strings part, if given)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", _CONTENT_TYPES % {"extra": _SST_TYPE if shared_strings else ""}
        )
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS % {"extra": _SST_REL if shared_strings else ""}
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def sheet(rows: str, dimension: str = "A1:B2") -> str:
    return _SHEET_HEAD % {"dimension": dimension} + rows + _SHEET_TAIL


def good() -> tuple[str, bytes]:
    """A plain, honest ledger: the control that must still import."""
    return "good.xlsx", workbook(sheet(HEADER_ROW))


def sparse_far_cell() -> tuple[str, bytes]:
    """The 1.6 KB file that took the site down: a header, a row, and one cell at ALL1048576."""
    far = '<row r="1048576"><c r="ALL1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return "sparse_far_cell.xlsx", workbook(sheet(HEADER_ROW + far, "A1:ALL1048576"))


def lone_far_cell() -> tuple[str, bytes]:
    """A one-cell file at CV1048576 (7.5 GB in the old reader)."""
    far = '<row r="1048576"><c r="CV1048576" t="inlineStr"><is><t>姓名</t></is></c></row>'
    return "lone_far_cell.xlsx", workbook(sheet(far, "CV1048576"))


def hidden_far_cell() -> tuple[str, bytes]:
    """A far cell under a dimension that says the sheet is small: only the cells tell the truth."""
    far = '<row r="1048576"><c r="ALL1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return "hidden_far_cell.xlsx", workbook(sheet(HEADER_ROW + far, "A1:B2"))


def giant_dimension() -> tuple[str, bytes]:
    """A few real cells under a dimension that claims every cell of the sheet."""
    return "giant_dimension.xlsx", workbook(sheet(HEADER_ROW, "A1:XFD1048576"))


def _deflate_repeated(
    chunk: bytes, times: int, head: bytes = b"", tail: bytes = b""
) -> tuple[bytes, int, int]:
    """head + `chunk` repeated `times` times + tail, deflated without ever holding the whole:
    (deflated bytes, crc32, unpacked size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor holds no history, so one block stands for every copy.
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * times + last, crc, len(head) + len(chunk) * times + len(tail)


def _zip_with_raw_part(parts: dict[str, bytes], raw_name: str, raw: tuple[bytes, int, int]) -> bytes:
    """A zip of `parts` (deflated by zipfile) plus one part whose deflated bytes are given as is."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    body = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        infos = archive.infolist()
    end = body.rindex(b"PK\x05\x06")
    central_start = struct.unpack("<I", body[end + 16 : end + 20])[0]
    locals_, central = body[:central_start], body[central_start:end]
    data, crc, size = raw
    name = raw_name.encode()
    if size >= 0xFFFFFFFF:
        raise ValueError("keep the bomb under 4 GB (no zip64 here)")
    offset = len(locals_)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(name), 0)
    entry = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0x800,
        8,
        0,
        0x21,
        crc,
        len(data),
        size,
        len(name),
        0,
        0,
        0,
        0,
        0,
        offset,
    )
    central += entry + name
    locals_ += local + name + data
    count = len(infos) + 1
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(locals_), 0)
    return locals_ + central + tail


def _parts(shared_strings: bool = False) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (_CONTENT_TYPES % {"extra": _SST_TYPE if shared_strings else ""}).encode(),
        "_rels/.rels": _RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": (
            _WORKBOOK_RELS % {"extra": _SST_REL if shared_strings else ""}
        ).encode(),
    }


def zip_bomb() -> tuple[str, bytes]:
    """A few MB that unpack to 1.8 GB of one sheet's rows (the file that cost +3.9 GB and 30 s)."""
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 200 + b"</t></is></c></row>"
    chunk = row * (1024 * 1024 // len(row))
    head = (_SHEET_HEAD % {"dimension": "A1:A1"}).encode() + HEADER_ROW.encode()
    raw = _deflate_repeated(chunk, 1800, head, _SHEET_TAIL.encode())
    return "zip_bomb.xlsx", _zip_with_raw_part(_parts(), "xl/worksheets/sheet1.xml", raw)


def lying_zip() -> tuple[str, bytes]:
    """A part that says it holds 1 KB and unpacks to 300 MB."""
    head = (_SHEET_HEAD % {"dimension": "A1:B2"}).encode() + HEADER_ROW.encode()
    deflated, crc, _size = _deflate_repeated(b"<row/>" * 50_000, 1000, head, _SHEET_TAIL.encode())
    return "lying_zip.xlsx", _zip_with_raw_part(_parts(), "xl/worksheets/sheet1.xml", (deflated, crc, 1024))


def deep_xml() -> tuple[str, bytes]:
    """A cell whose text sits under 200,000 nested elements."""
    depth = 200_000
    cell = '<c r="A3" t="inlineStr"><is>' + "<r>" * depth + "<t>x</t>" + "</r>" * depth + "</is></c>"
    return "deep_xml.xlsx", workbook(sheet(HEADER_ROW + '<row r="3">' + cell + "</row>", "A1:B3"))


def huge_shared_strings() -> tuple[str, bytes]:
    """A shared-strings table that claims four billion strings (allocated up front by a naive reader)."""
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" '
        'uniqueCount="4000000000"><si><t>姓名</t></si><si><t>身份证号</t></si></sst>'
    ).encode()
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return "huge_shared_strings.xlsx", workbook(sheet(rows, "A1:B1"), shared_strings=sst)


def many_shared_strings() -> tuple[str, bytes]:
    """Shared strings that unpack to 470 MB, past the size of any town's ledger."""
    si = b"<si><t>" + "重复的文字".encode() * 40 + b"</t></si>"
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    raw = _deflate_repeated(si * 4000, 200, head, b"</sst>")
    parts = _parts(shared_strings=True)
    parts["xl/worksheets/sheet1.xml"] = sheet(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "A1:A1"
    ).encode()
    return "many_shared_strings.xlsx", _zip_with_raw_part(parts, "xl/sharedStrings.xml", raw)


def wrong_content() -> tuple[str, bytes]:
    """A PDF under a workbook's name."""
    return "wrong_content.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def word_as_workbook() -> tuple[str, bytes]:
    """A Word document renamed to .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return "word_as_workbook.xlsx", out.getvalue()


def encrypted() -> tuple[str, bytes]:
    """What Excel saves with a password: an OLE2 compound file holding the encrypted package."""
    sector = 512
    header = bytearray(sector)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    body = bytearray(sector * 4)
    for i, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        entry = name.encode("utf-16-le") + b"\x00\x00"
        body[i * 128 : i * 128 + len(entry)] = entry
        struct.pack_into("<H", body, i * 128 + 64, len(entry))
    return "encrypted.xlsx", bytes(header + body)


def truncated() -> tuple[str, bytes]:
    """An honest workbook cut off halfway, as a broken download leaves it."""
    _name, data = good()
    return "truncated.xlsx", data[: len(data) // 2]


# -- .ods: an OpenDocument package, its sheets in content.xml ---------------------------------------

_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="台账">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
_ODS_CELL = '<table:table-cell office:value-type="string"%s><text:p>%s</text:p></table:table-cell>'
ODS_HEADER_ROWS = (
    "<table:table-row>" + _ODS_CELL % ("", "姓名") + _ODS_CELL % ("", "身份证号") + "</table:table-row>"
    "<table:table-row>"
    + _ODS_CELL % ("", "张三")
    + _ODS_CELL % ("", "131081199301230016")
    + "</table:table-row>"
)
# LibreOffice ends every sheet so: empty cells and rows repeated to the sheet's edge. Harmless.
ODS_EMPTY_EDGE = (
    '<table:table-row table:number-rows-repeated="1048574">'
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
)


def ods(rows: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", _ODS_HEAD + rows + _ODS_TAIL)
    return out.getvalue()


def good_ods() -> tuple[str, bytes]:
    """An honest .ods as LibreOffice saves it, its empty edge repeated to the sheet's end."""
    return "good.ods", ods(ODS_HEADER_ROWS + ODS_EMPTY_EDGE)


def ods_repeated_cells() -> tuple[str, bytes]:
    """800 bytes: one cell repeated over 1,000 columns of a row repeated 20,000 times (2.4 GB read)."""
    row = (
        '<table:table-row table:number-rows-repeated="20000">'
        + _ODS_CELL % (' table:number-columns-repeated="1000"', "x")
        + "</table:table-row>"
    )
    return "ods_repeated_cells.ods", ods(ODS_HEADER_ROWS + row)


def ods_far_cell() -> tuple[str, bytes]:
    """One cell 100,000 empty rows down, at column 201 (1.2 GB read)."""
    gap = (
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="200"/></table:table-row>'
    )
    far = '<table:table-row><table:table-cell table:number-columns-repeated="200"/>' + _ODS_CELL % ("", "x")
    return "ods_far_cell.ods", ods(ODS_HEADER_ROWS + gap + far + "</table:table-row>")


def ods_deep_xml() -> tuple[str, bytes]:
    """A cell's text under 200,000 nested spans."""
    depth = 200_000
    text = "<text:span>" * depth + "x" + "</text:span>" * depth
    row = "<table:table-row>" + _ODS_CELL % ("", text) + "</table:table-row>"
    return "ods_deep_xml.ods", ods(ODS_HEADER_ROWS + row)


def ods_zip_bomb() -> tuple[str, bytes]:
    """content.xml unpacking to 1.8 GB of rows from a few MB."""
    row = ("<table:table-row>" + _ODS_CELL % ("", "A" * 200) + "</table:table-row>").encode()
    chunk = row * (1024 * 1024 // len(row))
    raw = _deflate_repeated(chunk, 1800, (_ODS_HEAD + ODS_HEADER_ROWS).encode(), _ODS_TAIL.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    parts = {}
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    return "ods_zip_bomb.ods", _zip_with_raw_part(parts, "content.xml", raw)


# -- .xls: a compound file of BIFF records, made from the committed honest ledger.xls --------------

LEDGER_XLS = Path(__file__).parent / "fixtures" / "ledger.xls"


def _xls_edited(edit) -> bytes:
    """ledger.xls with its workbook stream's records edited in place by ``edit(stream) -> stream``
    (same length, so the compound file around it stays whole)."""
    from cordon.core.spreadsheet_bounds_xls import stream_offsets

    data = bytearray(LEDGER_XLS.read_bytes())
    stream, offsets, size = stream_offsets(bytes(data))
    edited = edit(bytearray(stream))
    assert len(edited) == len(stream)
    for index, offset in enumerate(offsets):
        piece = edited[index * size : (index + 1) * size]
        data[offset : offset + len(piece)] = piece
    return bytes(data)


def _records(stream: bytes):
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        yield position, kind, length
        position += 4 + length


def good_xls() -> tuple[str, bytes]:
    return "good.xls", LEDGER_XLS.read_bytes()


def xls_far_cell() -> tuple[str, bytes]:
    """ledger.xls with its last number moved to IV65536: 16.7 million cells for the reader."""

    def edit(stream):
        last = [p for p, kind, _n in _records(stream) if kind in (0x0203, 0x027E)][-1]
        struct.pack_into("<HH", stream, last + 4, 65535, 255)
        return stream

    return "xls_far_cell.xls", _xls_edited(edit)


def xls_giant_dimension() -> tuple[str, bytes]:
    """ledger.xls whose sheet declares every row and column of an .xls sheet (65,536 × 256)."""

    def edit(stream):
        for position, kind, _n in _records(stream):
            if kind == 0x0200:
                struct.pack_into("<IIHH", stream, position + 4, 0, 65536, 0, 256)
        return stream

    return "xls_giant_dimension.xls", _xls_edited(edit)


def xls_huge_shared_strings() -> tuple[str, bytes]:
    """ledger.xls whose shared-strings table claims four billion strings."""

    def edit(stream):
        for position, kind, _n in _records(stream):
            if kind == 0x00FC:
                struct.pack_into("<II", stream, position + 4, 4_000_000_000, 4_000_000_000)
        return stream

    return "xls_huge_shared_strings.xls", _xls_edited(edit)


def xls_truncated() -> tuple[str, bytes]:
    """ledger.xls cut off halfway."""
    data = LEDGER_XLS.read_bytes()
    return "xls_truncated.xls", data[: len(data) // 2]


HOSTILE = [
    sparse_far_cell,
    lone_far_cell,
    hidden_far_cell,
    giant_dimension,
    zip_bomb,
    lying_zip,
    deep_xml,
    huge_shared_strings,
    many_shared_strings,
    wrong_content,
    word_as_workbook,
    encrypted,
    truncated,
    ods_repeated_cells,
    ods_far_cell,
    ods_deep_xml,
    ods_zip_bomb,
    xls_far_cell,
    xls_giant_dimension,
    xls_huge_shared_strings,
    xls_truncated,
]
HONEST = [good, good_ods, good_xls]


def main(directory: str) -> None:
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    for make in [*HONEST, *HOSTILE]:
        name, data = make()
        (target / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
