"""Issue 15, "ledgers as towns really keep them": what WPS or Excel made of a village's paper form imports
the people in it, says what it skipped and why, and never rejects a real person for an optional cell.

The workbooks here are made the way a clerk's are: a merged title, a "填报单位" line, a family's shared
来源地 / 到达日期 / 现住址 merged down over their rows, subtotal and total rows (with formulas), the
signature lines under the table, phones typed as numbers or written "无", dates as Excel dates.
"""

import datetime
import json
from pathlib import Path

import pytest
import xlsxwriter

from cordon.cli import main
from cordon.people.importer import run_import
from cordon.people.models import Arrival, Person
from cordon.people.testing import id_number
from cordon.people.tests.conftest import HEADERS, row

FIXTURES = Path(__file__).parent / "fixtures"


def importing(world, path, *, actor=None, area=None, dry_run=False, **kw):
    return run_import(
        actor=actor or world.commander,
        area=area or world.town,
        source=str(path),
        filename=path.name,
        dry_run=dry_run,
        **kw,
    )


def counts(report):
    return {k: getattr(report, k) for k in ("created", "updated", "unchanged", "rejected", "skipped")}


def wps_ledger(path: Path) -> Path:
    """A village's ledger as WPS saves it (written here with XlsxWriter, cell by cell)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("返乡人员")
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    cell = book.add_format({"border": 1, "valign": "vcenter"})
    day = book.add_format({"border": 1, "valign": "vcenter", "num_format": "yyyy/m/d"})
    sheet.merge_range("A1:I1", "四间房村返乡人员摸排台账", bold)
    sheet.write("A2", "填报单位：四间房村村委会")
    headers = ["序号", "姓名", "身份证号", "联系电话", "现住址", "来源地", "返乡日期", "交通方式", "备注"]
    sheet.write_row("A3", headers, bold)
    # A family of three: one address, one origin, one day, merged down over their rows (rows 4-6).
    family = [
        ("张大山", "13108119700101011", 13812345611),
        ("王秀英", "13108119720202022", "无"),
        ("张小山", "13108120100303033", "本人无手机"),
    ]
    for offset, (name, id17, phone) in enumerate(family):
        r = 3 + offset
        sheet.write_number(r, 0, offset + 1, cell)
        sheet.write_string(r, 1, name, cell)
        sheet.write_string(r, 2, id_number(id17), cell)
        if isinstance(phone, int):
            sheet.write_number(r, 3, phone, cell)
        else:
            sheet.write_string(r, 3, phone, cell)
        sheet.write_string(r, 7, "自驾", cell)
    sheet.merge_range("E4:E6", "四间房村东街8号", cell)
    sheet.merge_range("F4:F6", "湖北省武汉市江汉区", cell)
    sheet.merge_range("G4:G6", datetime.datetime(2020, 1, 21), day)
    sheet.merge_range("A7:D7", "小计：3人", bold)
    sheet.write_row(7, 0, [4, "李四", id_number("13108119900715042"), "13900000042（本人）"], cell)
    sheet.write_row(7, 4, ["四间房村西街2号", "湖北省孝感市", "2月3日", "火车", "两个号码见下"], cell)
    sheet.write_row(8, 0, [5, "赵五", id_number("13108119800808052"), "13900000052/13900000053"], cell)
    sheet.write_row(8, 4, ["四间房村西街5号", "北京市朝阳区", "2月5日", "大巴"], cell)
    sheet.write(9, 0, "合计", bold)
    sheet.write_formula(9, 1, '=COUNTA(B4:B9)&"人"', bold, "5人")
    sheet.write(11, 0, "填表人：孙丽")
    sheet.write(11, 3, "审核人：李春生")
    sheet.write(12, 0, "填表日期：2020年2月21日")
    book.close()
    return path


# --- totals, subtotals, signatures ---------------------------------------------------------------------


def test_totals_subtotals_and_signature_rows_are_skipped_with_a_note(world, tmp_path):
    report = importing(
        world, wps_ledger(tmp_path / "四间房村台账.xlsx"), area=world.sjf, today=datetime.date(2020, 2, 21)
    )
    assert counts(report) == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 4}, (
        report.errors
    )
    skipped = {n.row: n.message for n in report.notes if n.row in (7, 10, 12, 13)}
    assert set(skipped) == {7, 10, 12, 13}, report.notes
    assert (
        "小计" in skipped[7]
        and "合计" in skipped[10]
        and "填表人" in skipped[12]
        and "填表日期" in skipped[13]
    )


def test_a_ledger_with_a_totals_row_exits_0_from_the_cli_and_counts_it_as_skipped(world, tmp_path, capsys):
    path = wps_ledger(tmp_path / "台账.xlsx")
    code = main(["import", "people", str(path), "--area", world.sjf.code, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert (out["created"], out["skipped"], out["rejected"]) == (5, 4, 0)
    rows_read = sum(out[k] for k in ("created", "updated", "unchanged", "rejected", "skipped"))
    assert rows_read == 9  # 5 people, 小计, 合计, two signature lines


def test_a_totals_row_in_a_plain_csv_is_skipped_too(world, tmp_path):
    path = tmp_path / "台账.csv"
    lines = [
        ",".join(HEADERS),
        ",".join(row("赵六", "13108119850203010")),
        "合计,1人,,,,,,,",
        "填表人：孙丽,,,,,,,,",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = importing(world, path)
    assert counts(report)["skipped"] == 2 and report.created == 1 and report.rejected == 0, report.errors


def test_a_person_row_is_never_taken_for_a_totals_row(world, ledger_file):
    # A note "合计3人同行" in the 备注 column, or a name that starts like a marker, is still a person.
    rows = [row("合计某", "13108119850203012")]
    report = importing(world, ledger_file(rows))
    assert report.created == 1 and report.skipped == 0


# --- merged cells --------------------------------------------------------------------------------------


def test_a_familys_merged_cells_apply_to_every_row_of_the_merge_in_xlsx(world, tmp_path):
    importing(world, wps_ledger(tmp_path / "台账.xlsx"), area=world.sjf, today=datetime.date(2020, 2, 21))
    family = Person.objects.filter(name__in=["张大山", "王秀英", "张小山"])
    assert family.count() == 3
    assert set(family.values_list("address", flat=True)) == {"四间房村东街8号"}
    arrivals = Arrival.objects.filter(person__in=family)
    assert set(arrivals.values_list("origin_text", "arrival_date")) == {
        ("湖北省武汉市江汉区", datetime.date(2020, 1, 21))
    }


def test_a_familys_merged_cells_apply_to_every_row_of_the_merge_in_xls(world):
    # fixtures/family.xls: a real BIFF8 workbook made by xlwt (see fixtures/make_fixtures.py).
    report = importing(world, FIXTURES / "family.xls", area=world.sjf, today=datetime.date(2020, 2, 21))
    assert counts(report) == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 1}, (
        report.errors
    )
    arrivals = Arrival.objects.filter(person__name__in=["张大山", "王秀英", "张小山"])
    assert set(arrivals.values_list("origin_text", "arrival_date", "person__address")) == {
        ("湖北省武汉市江汉区", datetime.date(2020, 1, 21), "四间房村东街8号")
    }


# --- phone cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "phone", "phone_other", "noted"),
    [
        ("无", "", "", "无"),
        ("无手机", "", "", "无手机"),
        ("本人", "", "", "本人"),
        ("13800000000（本人）", "13800000000", "", "本人"),
        ("13800000000/13900000000", "13800000000", "13900000000", ""),
        ("13800000000 13900000000", "13800000000", "13900000000", ""),
        ("13800000000、0316-1234567", "13800000000", "0316-1234567", ""),
    ],
)
def test_an_optional_phone_cell_keeps_the_person_and_what_is_a_phone(
    world, ledger_file, cell, phone, phone_other, noted
):
    report = importing(world, ledger_file([row("钱七", "13108119850203013", cell)]))
    assert report.created == 1 and report.rejected == 0, report.errors
    person = Person.objects.get(name="钱七")
    assert (person.phone, person.phone_other) == (phone, phone_other)
    if noted:
        (note,) = [n for n in report.notes if n.row == 3]
        assert note.column == "手机号" and f"“{noted}”" in note.message


def test_three_numbers_keep_two_and_note_the_third(world, ledger_file):
    report = importing(
        world, ledger_file([row("钱八", "13108119850203014", "13800000000/13900000000/13700000000")])
    )
    assert report.created == 1
    person = Person.objects.get(name="钱八")
    assert (person.phone, person.phone_other) == ("13800000000", "13900000000")
    assert any("13700000000" in n.message for n in report.notes)


def test_a_phone_written_none_never_erases_a_stored_phone(world, ledger_file):
    yin = row("尹某某", phone="无", means="")
    yin[1] = world.yin.document_number
    report = importing(world, ledger_file([yin]))
    assert report.unchanged == 1, (counts(report), report.errors)
    world.yin.refresh_from_db()
    assert world.yin.phone == "13812345678"


def test_a_mistyped_phone_is_still_refused_with_its_column(world, ledger_file):
    report = importing(world, ledger_file([row("坏手机", "13108119850203008", "1381234")]))
    assert report.rejected == 1 and report.errors[0].column == "手机号"


# --- dates without a year ------------------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_the_year_assumed_for_dates_without_one_is_said_by_the_cli(world, ledger_file, capsys, dry_run):
    rows = [row("甲", "13108119850203021", day="2020-02-01"), row("乙", "13108119850203022", day="2月3日")]
    path = ledger_file(rows)
    assert main(["import", "people", str(path), "--area", world.town.code, *dry_run]) == 0
    captured = capsys.readouterr()
    assert "未写年份的日期" in captured.out + captured.err and "2020" in captured.out + captured.err
    assert main(["import", "people", str(path), "--area", world.town.code, "--json", "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("未写年份" in n["message"] and "2020" in n["message"] for n in out["notes"]), out


def test_a_ledger_of_only_yearless_dates_says_it_took_this_year(world, ledger_file, capsys):
    path = ledger_file([row("丙", "13108119850203023", day="2月3日")])
    assert main(["import", "people", str(path), "--area", world.town.code, "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("未写年份" in n["message"] for n in out["notes"]), out


# --- numbers Excel turned into floats ------------------------------------------------------------------


def _floated_xlsx(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "手机号", "村街", "来源地", "返乡日期"])
    sheet.write_row(1, 0, ["科学甲", "1.30181E+17", "13812345601", "四间房村", "湖北省武汉市", "2020-01-25"])
    sheet.write_row(
        2,
        0,
        ["科学乙", id_number("13108119850203032"), "1.38123E+10", "四间房村", "湖北省武汉市", "2020-01-25"],
    )
    sheet.write_row(3, 0, ["科学丙", "", "", "四间房村", "湖北省武汉市", "2020-01-25"])
    sheet.write_number(3, 1, 130181199001011234)  # typed as a number: Excel keeps 15 digits
    sheet.write_row(
        4,
        0,
        ["正常", id_number("13108119850203034"), "13812345604", "四间房村", "湖北省武汉市", "2020-01-25"],
    )
    book.close()
    return path


def test_numbers_excel_turned_into_floats_are_refused_with_the_explanation_in_xlsx(world, tmp_path):
    report = importing(world, _floated_xlsx(tmp_path / "台账.xlsx"))
    assert (report.created, report.rejected) == (1, 3), report.errors
    by_row = {e.row: e for e in report.errors}
    assert (
        by_row[2].column == "身份证号" and "1.30181E+17" in by_row[2].message and "文本" in by_row[2].message
    )
    assert by_row[3].column == "手机号" and "1.38123E+10" in by_row[3].message and "文本" in by_row[3].message
    assert by_row[4].column == "身份证号" and "文本" in by_row[4].message


def test_a_phone_excel_turned_into_a_float_is_refused_with_the_explanation_in_csv(world, tmp_path):
    path = tmp_path / "台账.csv"
    lines = [",".join(HEADERS), ",".join(row("科学丁", "13108119850203035", "1.38123E+10"))]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = importing(world, path)
    assert (
        report.rejected == 1
        and "1.38123E+10" in report.errors[0].message
        and "文本" in report.errors[0].message
    )


# --- everything at once --------------------------------------------------------------------------------


def test_a_wps_ledger_imports_every_person_in_it_as_it_was_written(world, tmp_path):
    report = importing(
        world, wps_ledger(tmp_path / "台账.xlsx"), area=world.sjf, today=datetime.date(2020, 2, 21)
    )
    assert report.rejected == 0, report.errors
    people = dict(Person.objects.filter(area=world.sjf).values_list("name", "phone"))
    assert people["张大山"] == "13812345611" and people["王秀英"] == "" and people["张小山"] == ""
    assert people["李四"] == "13900000042"
    assert Person.objects.get(name="赵五").phone_other == "13900000053"
    assert Arrival.objects.get(person__name="李四").arrival_date == datetime.date(2020, 2, 3)
