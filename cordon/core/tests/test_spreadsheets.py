"""Ledgers as towns send them are read whole or refused with a located reason; exports keep IDs as text.

Binary fixtures in fixtures/ were made once by fixtures/make_fixtures.py in a scratch virtualenv:
ledger.xls with xlwt 1.3.0 (a real BIFF8 file: merged title, two-level merged header, a blank row, an
ID number typed as a number) and encrypted.xlsx with msoffcrypto-tool 6.1.0 (password "cordon").
Everything else is generated here: .xlsx with XlsxWriter, .ods as a hand-written minimal package.
"""

import codecs
import datetime
import io
import zipfile
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
import xlsxwriter.worksheet

from cordon.core import spreadsheet_writers
from cordon.core.spreadsheet_types import LostPrecision, SpreadsheetError, normalize_header
from cordon.core.spreadsheet_writers import Column, SheetSpec, csv_chunks, write_csv, write_xlsx
from cordon.core.spreadsheets import read_table


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the messages' English source text."""
    from django.utils import translation

    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures"
KNOWN = [
    "姓名",
    "身份证号",
    "手机",
    "固话",
    "联系方式",
    "性别",
    "现住址",
    "来源地",
    "返乡日期",
    "车牌号",
    "序号",
]


def make_xlsx(path, build, sheet_name="台账"):
    workbook = xlsxwriter.Workbook(path)
    build(workbook, workbook.add_worksheet(sheet_name))
    workbook.close()
    return path


def read(path, **kwargs):
    kwargs.setdefault("known_headers", KNOWN)
    return read_table(path, filename=Path(path).name, **kwargs)


def rows_of(table, sheet=0):
    return list(table.sheets[sheet].rows())


def texts(sheet):
    return [h.text for h in sheet.headers]


# -- Finding the table -------------------------------------------------------------------------------


def test_finds_the_header_row_under_a_merged_title_and_a_date_line(tmp_path):
    def build(workbook, sheet):
        sheet.merge_range(
            "B1:E1", "堂二里镇湖北返乡人员台账（截至2月21日）", workbook.add_format({"bold": 1})
        )
        sheet.write("B2", "填报日期：2020年2月21日")
        sheet.write_row("B4", ["姓名", "身份证号", "手机", "备注"])
        sheet.write_row("B5", ["张三", "131081199301230016", "13812345678", "无"])
        sheet.write_row("B6", ["李四", "131081199001010012", "13912345678"])

    table = read(make_xlsx(tmp_path / "ledger.xlsx", build))

    (sheet,) = table.sheets
    assert table.format == "xlsx" and sheet.name == "台账"
    assert texts(sheet) == ["姓名", "身份证号", "手机", "备注"]  # unknown names are kept for mapping
    assert [h.letter for h in sheet.headers] == ["B", "C", "D", "E"]
    assert sheet.header_row == 4
    assert rows_of(table) == [
        (5, ["张三", "131081199301230016", "13812345678", "无"]),
        (6, ["李四", "131081199001010012", "13912345678", None]),
    ]


def test_two_level_merged_header_takes_the_lower_text_and_falls_back_to_the_upper(tmp_path):
    def build(workbook, sheet):
        sheet.write("A1", "台账")
        sheet.merge_range("A2:A3", "姓名")
        sheet.merge_range("B2:B3", "身份证号")
        sheet.merge_range("C2:E2", "联系方式")
        sheet.write_row("C3", ["手机", "固话"])  # E3 left empty: the column is just "联系方式"
        sheet.write_row("A4", ["张三", "131081199301230016", "13812345678", "0316-7654321", "微信同号"])

    table = read(make_xlsx(tmp_path / "two-level.xlsx", build))

    (sheet,) = table.sheets
    assert [(h.text, h.letter, h.group) for h in sheet.headers] == [
        ("姓名", "A", ""),
        ("身份证号", "B", ""),
        ("手机", "C", "联系方式"),
        ("固话", "D", "联系方式"),
        ("联系方式", "E", ""),
    ]
    assert sheet.header_row == 3
    assert rows_of(table) == [(4, ["张三", "131081199301230016", "13812345678", "0316-7654321", "微信同号"])]


def test_unknown_names_under_a_name_merged_across_columns_are_a_second_header_row(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A1", ["姓名", "身份证号"])
        sheet.merge_range("C1:D1", "紧急联系人")
        sheet.write_row("C2", ["称呼", "电话"])
        sheet.write_row("A3", ["张三", "131081199301230016", "李四", "13912345678"])

    (sheet,) = read(make_xlsx(tmp_path / "grouped.xlsx", build)).sheets

    assert [(h.text, h.group) for h in sheet.headers] == [
        ("姓名", ""),
        ("身份证号", ""),
        ("称呼", "紧急联系人"),
        ("电话", "紧急联系人"),
    ]
    assert list(sheet.rows()) == [(3, ["张三", "131081199301230016", "李四", "13912345678"])]


def test_header_found_on_the_lower_row_still_takes_names_merged_down_from_above(tmp_path):
    def build(workbook, sheet):
        sheet.merge_range("A1:A2", "序号")
        sheet.merge_range("B1:C1", "基本信息")
        sheet.write_row("B2", ["姓名", "身份证号"])
        sheet.write_row("A3", [1, "张三", "131081199301230016"])

    (sheet,) = read(make_xlsx(tmp_path / "grouped.xlsx", build), known_headers=["姓名", "身份证号"]).sheets

    assert [(h.text, h.group) for h in sheet.headers] == [
        ("序号", ""),
        ("姓名", "基本信息"),
        ("身份证号", "基本信息"),
    ]
    assert list(sheet.rows()) == [(3, [1, "张三", "131081199301230016"])]


def test_header_names_are_cleaned_of_spaces_markers_and_colons(tmp_path):
    def build(workbook, sheet):
        sheet.write_row(0, 0, [" 姓 名 ", "身份证号*", "*手机：", "联系\n电话", "现住址\u3000"])
        sheet.write_row(1, 0, ["张三", "131081199301230016", "13812345678", "0316", "四间房村"])

    (sheet,) = read(make_xlsx(tmp_path / "messy.xlsx", build)).sheets

    assert texts(sheet) == ["姓名", "身份证号", "手机", "联系电话", "现住址"]
    assert normalize_header("＊身份证号码：") == "身份证号码"


def test_known_headers_may_be_a_predicate(tmp_path):
    def build(workbook, sheet):
        sheet.write_row(0, 0, ["名字", "证件号码"])
        sheet.write_row(1, 0, ["张三", "131081199301230016"])

    table = read(
        make_xlsx(tmp_path / "p.xlsx", build), known_headers=lambda name: name in {"名字", "证件号码"}
    )

    assert texts(table.sheets[0]) == ["名字", "证件号码"]


def test_skips_blank_and_phantom_rows_and_counts_rows_as_excel_shows_them(tmp_path):
    def build(workbook, sheet):
        formatted = workbook.add_format({"bg_color": "#FFFF00", "border": 1})
        sheet.write_row("A1", ["姓名", "身份证号"])
        sheet.write_row("A2", ["张三", "131081199301230016"])
        sheet.write_blank("A3", None, formatted)  # formatted but empty, as Excel leaves them
        sheet.write_blank("B3", None, formatted)
        sheet.write_row("A4", ["   ", "\u3000"])  # whitespace only
        sheet.write_row("A5", ["", "\u200b"])  # empty strings and a zero-width space from a chat app
        sheet.write_row("A8", ["李四", "131081199001010012"])
        for row in range(8, 40):
            sheet.write_blank(row, 0, None, formatted)

    table = read(make_xlsx(tmp_path / "phantom.xlsx", build))

    assert rows_of(table) == [(2, ["张三", "131081199301230016"]), (8, ["李四", "131081199001010012"])]


def test_formulas_are_read_as_their_cached_values(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A1", ["姓名", "身份证号", "序号"])
        sheet.write_formula("A2", '="张"&"三"', None, "张三")
        sheet.write_string("B2", "131081199301230016")
        sheet.write_formula("C2", "=ROW()-1", None, 1)

    assert rows_of(read(make_xlsx(tmp_path / "formulas.xlsx", build))) == [
        (2, ["张三", "131081199301230016", 1])
    ]


def test_dates_are_date_objects_and_whole_numbers_are_ints(tmp_path):
    def build(workbook, sheet):
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row("A1", ["姓名", "返乡日期", "来源地", "手机", "序号"])
        sheet.write("A2", "张三")
        sheet.write_datetime("B2", datetime.date(2020, 2, 3), day)
        sheet.write_datetime("C2", datetime.datetime(2020, 2, 3, 10, 30), moment)
        sheet.write_number("D2", 13812345678)
        sheet.write_number("E2", 2.5)

    assert rows_of(read(make_xlsx(tmp_path / "dates.xlsx", build))) == [
        (2, ["张三", datetime.date(2020, 2, 3), datetime.datetime(2020, 2, 3, 10, 30), 13812345678, 2.5])
    ]


def test_an_id_number_stored_as_a_number_is_flagged_as_having_lost_its_digits(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A1", ["姓名", "身份证号"])
        sheet.write_row("A2", ["张三", 131081199301230016])

    ((row, (name, id_number)),) = rows_of(read(make_xlsx(tmp_path / "lost.xlsx", build)))

    assert row == 2 and name == "张三"
    assert isinstance(id_number, LostPrecision)
    assert str(id_number) == "131081199301230000"  # what Excel shows: 15 significant digits
    assert id_number.message.startswith("Excel stored 131081199301230000 as a number and dropped its last")


def test_every_visible_sheet_with_a_header_row_is_returned(tmp_path):
    path = tmp_path / "categories.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("说明").write("A1", "每晚八点前报镇防控办")
    for name, person in [("武汉", "张三"), ("湖北其他", "李四")]:
        sheet = workbook.add_worksheet(name)
        sheet.write_row("A1", ["姓名", "身份证号"])
        sheet.write_row("A2", [person, "131081199301230016"])
    hidden = workbook.add_worksheet("旧表")
    hidden.write_row("A1", ["姓名", "身份证号"])
    hidden.write_row("A2", ["王五", "131081199301230016"])
    hidden.hide()
    workbook.close()

    table = read(path)

    assert [s.name for s in table.sheets] == ["武汉", "湖北其他"]
    assert table.skipped_sheets == ["说明"]
    assert [rows_of(table, i)[0][1][0] for i in range(2)] == ["张三", "李四"]


def test_reads_a_real_xls_with_a_two_level_merged_header():
    table = read(FIXTURES / "ledger.xls")

    assert table.format == "xls" and table.skipped_sheets == ["说明"]
    (sheet,) = table.sheets
    assert texts(sheet) == ["序号", "姓名", "身份证号", "手机", "固话", "返乡日期"]
    assert sheet.header_row == 4
    (first, second) = list(sheet.rows())
    assert first == (
        5,
        [1, "张三", "131081199301230016", 13812345678, "0316-7654321", datetime.date(2020, 2, 3)],
    )
    assert second[0] == 7 and second[1][1] == "李四"
    assert isinstance(second[1][2], LostPrecision)


def test_format_is_recognised_by_content_not_by_name(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A1", ["姓名", "身份证号"])
        sheet.write_row("A2", ["张三", "131081199301230016"])

    xlsx = make_xlsx(tmp_path / "real.xlsx", build)
    renamed = tmp_path / "ledger.xls"
    renamed.write_bytes(xlsx.read_bytes())
    xls_as_xlsx = tmp_path / "old.xlsx"
    xls_as_xlsx.write_bytes((FIXTURES / "ledger.xls").read_bytes())

    assert read(renamed).format == "xlsx"
    assert read(xls_as_xlsx).format == "xls"
    assert rows_of(read(renamed)) == [(2, ["张三", "131081199301230016"])]


def test_reads_an_open_document_sheet(tmp_path):
    cell = '<table:table-cell office:value-type="{}" {}><text:p>{}</text:p></table:table-cell>'
    header = "".join(cell.format("string", "", text) for text in ["姓名", "身份证号", "手机", "返乡日期"])
    data = (
        cell.format("string", "", "张三")
        + cell.format("string", "", "131081199301230016")
        + cell.format("float", 'office:value="13812345678"', "13812345678")
        + cell.format("date", 'office:date-value="2020-02-03"', "2020-02-03")
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        f"<table:table-row>{header}</table:table-row><table:table-row>{data}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path = tmp_path / "ledger.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)

    table = read(path)

    assert table.format == "ods"
    assert rows_of(table) == [(2, ["张三", "131081199301230016", 13812345678, datetime.date(2020, 2, 3)])]


# -- CSV -------------------------------------------------------------------------------------------


CSV_TEXT = (
    "堂二里镇湖北返乡人员台账,,\n"
    "姓名,身份证号,现住址\n"
    "张三,131081199301230016,四间房村\n"
    "\n"
    "李四 ,131081199001010012,\n"
)


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (CSV_TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), "utf-8-sig"),
        (CSV_TEXT.encode("gbk"), "gb18030"),  # Chinese Excel's "CSV (逗号分隔)"
    ],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_reads_csv_in_the_encodings_chinese_excel_writes(tmp_path, encoded, encoding):
    path = tmp_path / "ledger.csv"
    path.write_bytes(encoded)

    table = read(path)

    assert (table.format, table.encoding, table.delimiter) == ("csv", encoding, ",")
    assert texts(table.sheets[0]) == ["姓名", "身份证号", "现住址"]
    assert rows_of(table) == [
        (3, ["张三", "131081199301230016", "四间房村"]),
        (5, ["李四", "131081199001010012", None]),
    ]


def test_reads_excel_unicode_text_utf16_tab_separated(tmp_path):
    path = tmp_path / "ledger.txt"
    path.write_bytes(CSV_TEXT.replace(",", "\t").replace("\n", "\r\n").encode("utf-16"))

    table = read(path)

    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert rows_of(table)[0] == (3, ["张三", "131081199301230016", "四间房村"])


def test_sniffs_semicolons_and_ignores_full_width_commas(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text("姓名;身份证号;现住址\n张三;131081199301230016;四间房村，三组\n", encoding="utf-8")

    table = read(path)

    assert table.delimiter == ";"
    assert rows_of(table) == [(2, ["张三", "131081199301230016", "四间房村，三组"])]


def test_csv_row_numbers_count_records_not_lines_and_unwrap_excel_text(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(
        '姓名,身份证号,现住址\n张三,="131081199301230016","四间房村\n三组"\n李四,1.31081E+17,\n',
        encoding="utf-8",
    )

    first, second = rows_of(read(path))

    assert first == (2, ["张三", "131081199301230016", "四间房村\n三组"])
    assert second[0] == 3 and isinstance(second[1][1], LostPrecision)  # Excel already dropped digits


def test_refuses_a_csv_in_an_unknown_encoding(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_bytes("姓名,身份证号\n".encode("gbk") + b"\x81\x20\xff\xfe\x80,1\n")

    with pytest.raises(SpreadsheetError) as caught:
        read(path)

    assert caught.value.code == "encoding"
    assert "CSV UTF-8" in caught.value.message


def test_refuses_a_csv_with_an_unclosed_quote_at_its_row(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text('姓名,身份证号\n张三,131081199301230016\n李四,"1310\n' + "x" * 200_000, encoding="utf-8")
    sheet = read(path).sheets[0]

    with pytest.raises(SpreadsheetError) as caught:
        list(sheet.rows())

    assert caught.value.code == "csv_malformed" and caught.value.message.startswith("Row 3:")


# -- Files that are not what they claim --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "an image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "an image"),
    ],
    ids=["pdf", "png", "jpeg"],
)
def test_refuses_a_document_or_image_renamed_xlsx(tmp_path, content, expected):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content + b"\x00" * 64)

    with pytest.raises(SpreadsheetError) as caught:
        read(path)

    assert caught.value.code == "not_spreadsheet"
    assert caught.value.message.startswith(f"“台账.xlsx” is {expected}, not a spreadsheet.")


def test_refuses_binary_junk_and_a_word_document(tmp_path):
    junk = tmp_path / "a.xlsx"
    junk.write_bytes(bytes(range(256)) * 4)
    docx = tmp_path / "b.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(SpreadsheetError, match="is not a spreadsheet"):
        read(junk)
    with pytest.raises(SpreadsheetError, match="is a Word document"):
        read(docx)


def test_refuses_a_web_page_saved_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>姓名</td><td>身份证号</td></tr></table></body></html>")

    with pytest.raises(SpreadsheetError) as caught:
        read(path)

    assert caught.value.code == "needs_resave" and "Excel Workbook (.xlsx)" in caught.value.message


def test_refuses_a_truncated_xlsx(tmp_path):
    def build(workbook, sheet):
        for row in range(200):
            sheet.write_row(row, 0, ["姓名", "身份证号", f"第{row}行"])

    data = make_xlsx(tmp_path / "full.xlsx", build).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(SpreadsheetError) as caught:
        read(path)

    assert caught.value.code == "corrupt" and "damaged or incomplete" in caught.value.message


def test_refuses_an_encrypted_xlsx_saying_so():
    with pytest.raises(SpreadsheetError) as caught:
        read(FIXTURES / "encrypted.xlsx")

    assert caught.value.code == "encrypted"
    assert caught.value.message == (
        "The file is encrypted (password-protected); save it without a password and import again."
    )


def test_refuses_a_password_protected_xls_saying_so(tmp_path):
    # Excel's "Encrypt with Password" on an .xls puts a FILEPASS record right after the workbook's BOF
    # record; give the fixture's second record that id, as calamine tells encryption by it.
    data = bytearray((FIXTURES / "ledger.xls").read_bytes())
    bof = data.index(b"\x09\x08\x10\x00\x00\x06\x05\x00")  # BIFF8 BOF of the workbook globals
    data[bof + 20 : bof + 22] = b"\x2f\x00"
    path = tmp_path / "ledger.xls"
    path.write_bytes(bytes(data))

    with pytest.raises(SpreadsheetError) as caught:
        read(path)

    assert caught.value.code == "encrypted"


def test_refuses_an_oversize_file_before_reading_it(tmp_path):
    class Upload(io.BytesIO):
        size = 200 * 1024 * 1024  # as Django's UploadedFile reports it

        def read(self, *args):
            raise AssertionError("read before the size was checked")

    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 2048)

    with pytest.raises(SpreadsheetError) as caught:
        read_table(Upload(), filename="big.xlsx", known_headers=KNOWN)
    assert caught.value.code == "too_large"
    assert caught.value.message.startswith("The file is 200.0 MB; files up to 50.0 MB can be imported.")
    with pytest.raises(SpreadsheetError, match=r"^The file is 2 KB; files up to 1 KB can be imported"):
        read(path, max_bytes=1024)


def test_refuses_an_empty_file_and_a_workbook_with_no_data(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    blank = make_xlsx(tmp_path / "blank.xlsx", lambda workbook, sheet: None)

    with pytest.raises(SpreadsheetError, match=r"^The file is empty\.$"):
        read(empty)
    with pytest.raises(SpreadsheetError, match="every sheet is empty"):
        read(blank)


def test_fifty_columns_of_junk_have_no_header_row(tmp_path):
    def build(workbook, sheet):
        for row in range(30):
            sheet.write_row(row, 0, [f"垃圾{row}-{col}" for col in range(50)])

    with pytest.raises(SpreadsheetError) as caught:
        read(make_xlsx(tmp_path / "junk.xlsx", build), examples=["姓名", "身份证号"])

    assert caught.value.code == "no_header"
    assert caught.value.message == (
        "No header row found: expected columns such as 姓名, 身份证号 in the first 15 rows."
    )


def test_a_header_row_wider_than_allowed_is_refused_with_its_location(tmp_path):
    def build(workbook, sheet):
        sheet.write("A1", "台账")
        sheet.write_row("A2", ["姓名", "身份证号", *[f"列{i}" for i in range(10)]])

    with pytest.raises(SpreadsheetError) as caught:
        read(make_xlsx(tmp_path / "wide.xlsx", build), max_columns=8)

    assert caught.value.code == "too_many_columns"
    assert caught.value.message.startswith("Sheet “台账”, row 2: the header row has 12 columns; at most 8")


def test_a_stray_value_far_right_of_the_table_is_refused_with_its_column(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A1", ["姓名", "身份证号"])
        sheet.write_row("A2", ["张三", "131081199301230016"])
        sheet.write("XFD9", "x")

    with pytest.raises(SpreadsheetError) as caught:
        read(make_xlsx(tmp_path / "stray.xlsx", build))

    assert caught.value.code == "too_many_columns" and "column XFD" in caught.value.message


def test_a_table_starting_below_the_search_rows_is_not_called_empty(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A20", ["姓名", "身份证号"])

    with pytest.raises(SpreadsheetError) as caught:
        read(make_xlsx(tmp_path / "low.xlsx", build))

    assert caught.value.code == "no_header"


def test_rows_past_the_limit_are_an_error_not_a_silent_cut(tmp_path):
    def build(workbook, sheet):
        sheet.write_row("A1", ["姓名", "身份证号"])
        for row in range(1, 6):
            sheet.write_row(row, 0, [f"人{row}", "131081199301230016"])

    sheet = read(make_xlsx(tmp_path / "long.xlsx", build), max_rows=3).sheets[0]
    seen = []

    with pytest.raises(SpreadsheetError) as caught:
        seen.extend(sheet.rows())

    assert [row for row, _values in seen] == [2, 3, 4]
    assert caught.value.code == "too_many_rows"
    assert caught.value.message.startswith(
        "Sheet “台账” has more than 3 rows of data (row 5 is past the limit)"
    )


# -- Writing -----------------------------------------------------------------------------------------


LEDGER_COLUMNS = [
    Column("姓名", width=10),
    Column("身份证号", width=22, text=True),
    Column("手机", width=14, text=True),
    Column("返乡日期", width=12),
    Column("登记时间", width=18),
    Column("人数"),
]


def test_write_xlsx_round_trip_keeps_ids_as_text_with_provenance_and_properties(tmp_path):
    path = tmp_path / "export.xlsx"
    rows = [
        (
            "张三",
            "131081199301230016",
            13812345678,
            datetime.date(2020, 2, 3),
            datetime.datetime(2020, 2, 3, 9),
            2,
        ),
        ("李四", 13108119900101001, "139****5678", None, None, 1.5),
        ('=HYPERLINK("http://x")', "", None, None, None, None),
    ]

    counts = write_xlsx(
        path,
        [
            SheetSpec(
                "武汉",
                LEDGER_COLUMNS,
                rows,
                header_lines=["导出人: 张三 · 2026-11-29 21:00 · 筛选: 四间房村"],
            )
        ],
        properties={"title": "湖北返乡人员台账", "author": "张三", "comments": "筛选: 四间房村", "行数": 3},
    )

    assert counts == [3]
    raw = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    assert raw[0] == ["导出人: 张三 · 2026-11-29 21:00 · 筛选: 四间房村", "", "", "", "", ""]
    assert raw[1] == ["姓名", "身份证号", "手机", "返乡日期", "登记时间", "人数"]
    assert raw[2] == [
        "张三",
        "131081199301230016",
        "13812345678",
        datetime.date(2020, 2, 3),
        datetime.datetime(2020, 2, 3, 9, 0),
        2.0,
    ]
    assert raw[3][:2] == ["李四", "13108119900101001"]  # an int given for a text column is written as text
    assert raw[4][0] == '=HYPERLINK("http://x")'  # text, never a live formula
    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml").decode()
        custom = archive.read("docProps/custom.xml").decode()
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<dc:title>湖北返乡人员台账</dc:title>" in core and "<dc:creator>张三</dc:creator>" in core
    assert "<dc:description>筛选: 四间房村</dc:description>" in core
    assert 'name="行数"' in custom
    assert "<f>" not in sheet_xml

    # The file is read back by the importer as it reads any ledger: the provenance line is skipped.
    table = read(path, known_headers=["姓名", "身份证号"])
    assert table.sheets[0].header_row == 2
    assert rows_of(table)[0] == (
        3,
        [
            "张三",
            "131081199301230016",
            "13812345678",
            datetime.date(2020, 2, 3),
            datetime.datetime(2020, 2, 3, 9, 0),
            2,
        ],
    )


def test_write_xlsx_formats_text_columns_as_text_and_the_error_column_in_red(tmp_path):
    path = tmp_path / "rejected.xlsx"
    columns = [Column("身份证号", text=True), Column("错误", width=40, error=True)]

    write_xlsx(
        path, [SheetSpec("错误行", columns, [("13108119930123001X", "第2行：校验位错误")])], properties={}
    )

    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'numFmtId="49"' in sheet_xml or 'numFmtId="49"' in styles  # built-in Text, "@"
    assert 'rgb="FFC00000"' in styles
    assert '<col min="1" max="1"' in sheet_xml and 'width="40.7109375"' in sheet_xml


def test_write_xlsx_consumes_rows_lazily(monkeypatch, tmp_path):
    events = []
    real_write_string = xlsxwriter.worksheet.Worksheet.write_string

    def logged_write_string(self, row, col, *args):
        events.append(("write", row))
        return real_write_string(self, row, col, *args)

    def rows():
        for i in range(3):
            events.append(("yield", i + 1))
            yield (f"人{i}", "131081199301230016")

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "write_string", logged_write_string)

    write_xlsx(tmp_path / "lazy.xlsx", [SheetSpec("台账", LEDGER_COLUMNS[:2], rows())], properties={})

    data_events = [event for event in events if event[0] == "yield" or event[1] >= 1]
    assert data_events == [
        ("yield", 1),
        ("write", 1),
        ("write", 1),
        ("yield", 2),
        ("write", 2),
        ("write", 2),
        ("yield", 3),
        ("write", 3),
        ("write", 3),
    ]  # each row is written before the next is drawn


def test_write_xlsx_continues_on_a_second_sheet_past_excels_row_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(spreadsheet_writers, "XLSX_MAX_ROWS", 4)  # 1 header line + header + 2 rows
    path = tmp_path / "many.xlsx"
    rows = ((f"人{i}", str(i)) for i in range(5))

    counts = write_xlsx(
        path, [SheetSpec("台账", LEDGER_COLUMNS[:2], rows, header_lines=["导出"])], properties={}
    )

    workbook = python_calamine.CalamineWorkbook.from_path(path)
    assert counts == [5]
    assert workbook.sheet_names == ["台账", "台账 (2)", "台账 (3)"]
    assert [r[0] for r in workbook.get_sheet_by_name("台账 (2)").to_python()] == [
        "导出",
        "姓名",
        "人2",
        "人3",
    ]
    assert [r[0] for r in workbook.get_sheet_by_name("台账 (3)").to_python()] == ["导出", "姓名", "人4"]


def test_sheet_names_are_made_excel_safe_and_unique(tmp_path):
    path = tmp_path / "names.xlsx"
    long_name = "堂二里镇湖北返乡人员台账截至二月二十一日零时止的全部人员名单汇总"
    specs = [
        SheetSpec(name, LEDGER_COLUMNS[:1], [])
        for name in ["武汉/湖北[其他]", long_name, long_name, "history"]
    ]

    write_xlsx(path, specs, properties={})

    names = python_calamine.CalamineWorkbook.from_path(path).sheet_names
    assert names[0] == "武汉湖北其他"
    assert names[1] == long_name[:31] and names[2] == long_name[:27] + " (2)"
    assert names[3] == "history (2)"


def test_write_csv_has_a_bom_header_lines_and_reads_back(tmp_path):
    path = tmp_path / "export.csv"
    rows = [
        ("张三", "131081199301230016", "13812345678", datetime.date(2020, 2, 3), None, 2),
        ("=cmd|' /C calc'!A0", "-", "+8613812345678", None, datetime.datetime(2020, 2, 3, 9, 5), -1),
    ]

    count = write_csv(
        path, [c.header for c in LEDGER_COLUMNS], rows, header_lines=["导出人: 张三 · 筛选: 四间房村"]
    )

    assert count == 2

    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:3] == [
        "导出人: 张三 · 筛选: 四间房村",
        "姓名,身份证号,手机,返乡日期,登记时间,人数",
        "张三,131081199301230016,13812345678,2020-02-03,,2",
    ]
    assert lines[3] == "'=cmd|' /C calc'!A0,-,+8613812345678,,2020-02-03 09:05,-1"
    assert rows_of(read(path))[0] == (
        3,
        ["张三", "131081199301230016", "13812345678", "2020-02-03", None, "2"],
    )


def test_csv_chunks_stream_without_drawing_all_rows_first():
    drawn = []

    def rows():
        for i in range(2500):
            drawn.append(i)
            yield (f"人{i}", i)

    chunks = csv_chunks(["姓名", "序号"], rows())

    assert next(chunks) == codecs.BOM_UTF8
    first = next(chunks)
    assert first.startswith("姓名,序号\r\n人0,0".encode()) and len(drawn) == 1000
    assert b"".join(chunks).endswith("人2499,2499\r\n".encode())
