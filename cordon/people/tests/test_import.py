"""Importing ledgers: row by row, nothing lost, idempotent — through the service, the CLI and the web."""

import gc
import json

import pytest

from cordon.cli import main
from cordon.people.importer import run_import
from cordon.people.models import Arrival, HeaderMapping, Person
from cordon.people.testing import id_number
from cordon.people.tests.conftest import HEADERS, ledger_xlsx, row

GOOD = [
    row("张三", "13108119850203001", "13812345601", address="四间房村东街8号"),
    row("李四", "42010219900715002", "13812345602", origin="湖北省孝感市", means="火车"),
    row("王五", "13108119700101003", "", village="小湾村", origin="北京市朝阳区", day="2020/2/3"),
]


def importing(world, path, dry_run=False, actor=None, area=None, **kw):
    return run_import(
        actor=actor or world.commander,
        area=area or world.town,
        source=str(path),
        filename=path.name,
        dry_run=dry_run,
        **kw,
    )


def test_imports_rows_classifies_them_and_keeps_the_batch(world, ledger_file):
    report = importing(world, ledger_file(GOOD))
    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 0)
    zhang = Person.objects.get(name="张三")
    assert zhang.area_id == world.sjf.code and zhang.sex == "M" and str(zhang.birth_date) == "1985-02-03"
    assert zhang.name_initials == "zs" and zhang.name_pinyin == "zhangsan"
    categories = dict(
        Arrival.objects.filter(person__name__in=["张三", "李四", "王五"]).values_list(
            "person__name", "category_id"
        )
    )
    assert categories == {"张三": "wuhan", "李四": "hubei", "王五": "outside"}
    assert Arrival.objects.get(person__name="王五").area_id == world.xw.code


@pytest.mark.parametrize("enabled", [True, False])
def test_an_import_leaves_the_garbage_collector_as_it_found_it(world, ledger_file, enabled):
    # The collector is paused while a file is imported (its passes cost the writing a third).
    (gc.enable if enabled else gc.disable)()
    try:
        report = importing(world, ledger_file(GOOD))
        after = gc.isenabled()
    finally:
        gc.enable()
    assert report.created == 3 and after == enabled


def test_importing_the_same_file_again_creates_nothing(world, ledger_file):
    path = ledger_file(GOOD)
    importing(world, path)
    people, arrivals = Person.objects.count(), Arrival.objects.count()
    again = importing(world, path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert (Person.objects.count(), Arrival.objects.count()) == (people, arrivals)


def test_a_re_sent_ledger_with_new_phones_updates_those_people_and_says_so(world, ledger_file):
    importing(world, ledger_file(GOOD))
    changed = [[*GOOD[0][:2], "13999999999", *GOOD[0][3:]], GOOD[1], GOOD[2]]
    report = importing(world, ledger_file(changed, name="again.xlsx"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert report.updates[0]["name"] == "张三" and report.updates[0]["fields"] == ["phone"]
    assert Person.objects.get(name="张三").phone == "13999999999"


def test_empty_cells_never_erase_what_is_stored(world, ledger_file):
    importing(world, ledger_file(GOOD))
    blank_phone = [[*GOOD[0][:2], "", *GOOD[0][3:]]]
    report = importing(world, ledger_file(blank_phone, name="b.xlsx"))
    assert report.unchanged == 1
    assert Person.objects.get(name="张三").phone == "13812345601"


def test_a_known_person_registered_earlier_is_found_not_duplicated(world, ledger_file):
    # 尹某某 was registered through the form; the ledger lists her with a new arrival.
    yin = [row("尹某某", "13108119800312001", "13812345678", origin="湖北省武汉市", day="2020-02-05")]
    report = importing(world, ledger_file(yin))
    assert report.created == 1  # a new arrival of a known person
    assert Person.objects.filter(name="尹某某").count() == 1
    assert Arrival.objects.filter(person=world.yin).count() == 2


@pytest.mark.parametrize(
    ("bad", "column", "message"),
    [
        ([*row("错号", "13108119850203001")[:1], "131081198502030019", *row("x")[2:]], "身份证号", "校验"),
        (row("二月", "13108119850231001"), "身份证号", "不存在"),
        (row("未来", "13108119850203004", day="2030-01-01"), "返乡日期", "将来"),
        (row("无来源", "13108119850203005", origin=""), "来源地", "请填写来源地"),
        (row("坏车牌", "13108119850203006", plate="冀12345"), "车牌号", ""),
        (row("外村", "13108119850203007", village="不存在村"), "村街", "不是"),
        (row("坏手机", "13108119850203008", phone="1381234"), "手机号", ""),
    ],
)
def test_a_bad_row_is_rejected_with_its_row_column_and_a_chinese_message(
    world, ledger_file, bad, column, message
):
    report = importing(world, ledger_file([GOOD[0], bad]))
    assert report.created == 1 and report.rejected == 1
    error = next(e for e in report.errors if e.row == 4)  # title line, header, good row, bad row
    assert error.column == column, report.errors
    assert message in error.message
    assert not Person.objects.filter(name=bad[0]).exists(), "no row is half-written"


def test_a_duplicate_id_inside_one_file_is_rejected_with_the_first_row(world, ledger_file):
    report = importing(world, ledger_file([GOOD[0], [*GOOD[0][:0], "张三三", *GOOD[0][1:]]]))
    assert report.created == 1 and report.rejected == 1
    assert "第 3 行" in report.errors[0].message or "3" in report.errors[0].message


def test_a_number_registered_in_another_village_is_refused_without_saying_where(world, ledger_file):
    elsewhere = [row("东某", "13108119750505003", village="小湾村")]
    report = run_import(
        actor=world.other_clerk,
        area=world.xw,
        source=str(ledger_file(elsewhere)),
        filename="x.xlsx",
        dry_run=False,
    )
    assert report.rejected == 1
    assert "其他村街" in report.errors[0].message and "东村" not in report.errors[0].message


def test_a_preview_reports_the_same_and_writes_nothing(world, ledger_file):
    before = Person.objects.count()
    report = importing(world, ledger_file(GOOD), dry_run=True)
    assert (report.created, report.rejected) == (3, 0)
    assert Person.objects.count() == before


def test_full_width_digits_spaces_and_lower_case_x_are_normalised(world, ledger_file):
    number = id_number("13108119850203009")
    messy = "１３１０８１ １９８５０２０３００９" + number[-1].lower().replace("x", "ｘ")
    report = importing(world, ledger_file([[*row("全角")[:1], messy, *row("全角")[2:]]]))
    assert report.rejected == 0, report.errors
    assert Person.objects.get(name="全角").document_number == number


def test_blank_phantom_rows_and_a_title_row_are_ignored(world, ledger_file):
    rows = [GOOD[0], [""] * len(HEADERS), [None] * len(HEADERS), GOOD[1]]
    report = importing(world, ledger_file(rows))
    assert (report.created, report.rejected) == (2, 0)


def test_dates_in_every_way_towns_write_them(world, ledger_file):
    days = ["2020-01-21", "2020/1/21", "2020.1.21", "1月21日", "20200121"]
    rows = [row(f"日期{'甲乙丙丁戊'[i]}", f"1310811985020301{i}", day=d) for i, d in enumerate(days)]
    report = importing(world, ledger_file(rows), today=__import__("datetime").date(2020, 2, 21))
    assert report.rejected == 0, report.errors
    assert set(
        Arrival.objects.filter(person__name__startswith="日期").values_list("arrival_date", flat=True)
    ) == {__import__("datetime").date(2020, 1, 21)}


def test_a_file_that_is_not_a_spreadsheet_is_refused_whole(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet")
    report = importing(world, path)
    assert report.total == 0 and "PDF" in report.message


def test_a_gbk_csv_imports(world, tmp_path):
    path = tmp_path / "台账.csv"
    lines = [",".join(HEADERS), ",".join(row("赵六", "13108119850203010", "13812345610"))]
    path.write_bytes("\n".join(lines).encode("gbk"))
    report = importing(world, path)
    assert report.created == 1, (report.errors, report.message)


def test_unknown_headers_are_listed_and_a_remembered_mapping_is_used_next_time(world, ledger_file):
    headers = [*HEADERS[:6], "抵达本村日期", *HEADERS[7:]]
    path = ledger_file([GOOD[0]], headers=headers)
    first = importing(world, path, dry_run=True)
    assert first.sheets[0]["unknown"] == ["抵达本村日期"] and first.rejected == 1
    from cordon.people import services_ledger

    services_ledger.header_mapping_save(
        actor=world.commander, area=world.town, mapping={"抵达本村日期": "arrival_date"}
    )
    assert HeaderMapping.objects.filter(header="抵达本村日期").exists()
    second = importing(world, path, dry_run=True)
    assert second.sheets[0]["unknown"] == [] and second.created == 1


def test_a_clerk_imports_only_into_her_village(world, ledger_file):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(
            actor=world.guard, area=world.sjf, source=str(ledger_file(GOOD)), filename="x.xlsx", dry_run=True
        )
    report = run_import(
        actor=world.clerk, area=world.sjf, source=str(ledger_file(GOOD)), filename="x.xlsx", dry_run=True
    )
    # 王五 lives in 小湾村, which is not a village of 四间房村
    assert report.created == 2 and report.rejected == 1


# --- the CLI ----------------------------------------------------------------------------------------------


def test_cli_prints_the_json_summary_and_exits_1_when_rows_were_rejected(world, ledger_file, capsys):
    bad = row("坏", "13108119850203011", day="2030-01-01")
    code = main(["import", "people", str(ledger_file([*GOOD, bad])), "--area", world.town.code, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {k: out[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert out["errors"][0]["row"] == 6 and out["errors"][0]["column"] == "返乡日期"


def test_cli_exits_0_when_every_row_was_taken_and_2_when_nothing_could_be_read(
    world, ledger_file, tmp_path, capsys
):
    assert main(["import", "people", str(ledger_file(GOOD)), "--area", world.town.code, "--dry-run"]) == 0
    assert Person.objects.filter(name="王五").count() == 0
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    assert main(["import", "people", str(broken), "--area", world.town.code, "--json"]) == 2
    assert main(["import", "people", str(tmp_path / "missing.xlsx"), "--area", world.town.code]) == 1


def test_cli_refuses_an_area_outside_the_actors_reach(world, ledger_file, capsys):
    code = main(["import", "people", str(ledger_file(GOOD)), "--area", world.east.code, "--as", "clerk"])
    assert code == 1 and "区域不存在" in capsys.readouterr().err


def test_the_template_round_trips_through_the_importer(world, tmp_path, client, login):
    login(world.clerk)
    response = client.get("/people/imports/template.xlsx")
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    report = run_import(
        actor=world.commander, area=world.town, source=str(path), filename="t.xlsx", dry_run=True
    )
    # the two example rows are valid; the notes row is rejected, not silently taken
    assert report.created == 2 and report.rejected == 1, report.errors


def test_ledger_xlsx_helper_has_a_title_row():
    assert ledger_xlsx([GOOD[0]])[:2] == b"PK"


def test_a_date_without_its_year_takes_the_ledgers_year(world, ledger_file):
    import datetime

    rows = [
        row("全日期甲", "13108119850203021", day="2020-02-01"),
        row("全日期乙", "13108119850203022", day="2020/2/2"),
        row("无年份", "13108119850203023", day="2月3日"),
    ]
    report = importing(world, ledger_file(rows), today=datetime.date(2026, 11, 29))
    assert report.rejected == 0, report.errors
    assert Arrival.objects.get(person__name="无年份").arrival_date == datetime.date(2020, 2, 3)


def test_an_import_reads_and_checks_its_file_in_a_child_process(world, ledger_file, monkeypatch):
    from cordon.people import import_child

    bad = row("坏", "13108119850203099", day="2030-01-01")
    path = ledger_file([*GOOD, bad])
    import_child.LAST_CHILD_PEAK_RSS_KB[0] = 0
    preview = importing(world, path, dry_run=True)
    assert (preview.created, preview.rejected) == (3, 1)
    assert import_child.LAST_CHILD_PEAK_RSS_KB[0] > 0  # measured by the child itself
    stored = importing(world, path)
    assert (stored.created, stored.rejected) == (3, 1)
    assert Person.objects.filter(name__in=["张三", "李四", "王五"]).count() == 3
