"""Lab results in bulk: a lab's list with matches, unknown ID numbers, a positive and a pool,
imported twice (``pytest -k lab_result`` selects these tests)."""

import datetime as dt

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied

from cordon.core import jobs
from cordon.core.models import Job
from cordon.notifications import selectors as notification_selectors
from cordon.observation import lab_import
from cordon.observation.jobs import LAB_JOB
from cordon.observation.models import LabTest
from cordon.people.testing import id_number

HEADER = ["序号", "姓名", "身份证号", "采样日期", "混管号", "检测结果", "报告日期", "检测机构"]


def lab_list(tmp_path, rows, name="lab.xlsx"):
    path = tmp_path / name
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("结果")
    sheet.write_row(0, 0, ["霸州市第二医院核酸检测结果（2020年1月30日）"])
    sheet.write_row(1, 0, HEADER)
    for n, row in enumerate(rows, start=2):
        sheet.write_row(n, 0, [n - 1, *row])
    book.close()
    return path


@pytest.fixture
def ledger(world, tmp_path):
    unknown = id_number("13108119990909009")
    return lab_list(
        tmp_path,
        [
            ["尹某某", world.yin.document_number, "2020-01-30", "T1", "阴性", "2020-01-31", "霸州市第二医院"],
            ["周某", world.zhou.document_number, "2020-01-30", "", "阳性", "2020-01-31", "霸州市第二医院"],
            ["无此人", unknown, "2020-01-30", "", "阴性", "2020-01-31", "霸州市第二医院"],
            ["东某", world.east_person.document_number, "2020-01-30", "", "阴性", "2020-01-31", ""],
            [
                "乙接触",
                world.contact_person.document_number,
                "2020-01-30",
                "T2",
                "混管阳性",
                "2020-01-31",
                "",
            ],
            ["甲病例", world.case_person.document_number, "2020-01-30", "T2", "阴性", "2020-01-31", ""],
            ["尹某某", world.yin.document_number, "2020-01-31", "", "不知道", "", ""],
            ["错名字", world.grid_person.document_number, "2020-01-30", "", "阴性", "", ""],
        ],
    )


def run(world, path, **kw):
    with path.open("rb") as handle:
        return lab_import.import_lab_results(
            actor=world.health, area=world.town, path_or_file=handle, filename=path.name, **kw
        )


def test_lab_result_list_matches_people_and_reports_each_rejected_row(world, ledger):
    report = run(world, ledger)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (4, 0, 0, 4)
    by_row = {e["row"]: (e["column"], e["message"]) for e in report.errors}
    assert by_row[5] == ("身份证号", "本辖区没有登记此身份证号的人员。")
    assert by_row[6][0] == "身份证号"  # 东村 is another town: unknown here, like a number nobody has
    assert by_row[9][0] == "检测结果" and "不知道" in by_row[9][1]
    assert by_row[10][0] == "姓名" and "网格居民" in by_row[10][1]
    test = LabTest.objects.get(person=world.yin, sample_date=dt.date(2020, 1, 30))
    assert test.period == world.yin_period and test.result == "negative" and test.tube == "T1"
    assert test.lab == "霸州市第二医院" and test.result_date == dt.date(2020, 1, 31)


def test_lab_result_pool_positive_marks_everyone_in_the_tube_for_retest(world, ledger):
    report = run(world, ledger)
    assert report.retests == 2
    tube = LabTest.objects.filter(tube="T2")
    assert {t.person for t in tube} == {world.contact_person, world.case_person}
    assert {t.result for t in tube} == {LabTest.Result.RETEST}


def test_lab_result_positive_outside_observation_asks_the_health_worker_to_confirm_a_case(world, ledger):
    report = run(world, ledger)
    assert report.positives == 1
    titles = [t.title for t in notification_selectors.todo_rows(world.health, limit=500)]
    assert "核酸阳性：周某" in titles
    assert "核酸阳性：周某" not in [t.title for t in notification_selectors.todo_rows(world.neighbour)]
    # registering the case is what the task asked: it closes
    from cordon.cases import services as cases

    cases.case_register(
        actor=world.health, person=world.zhou, classification="confirmed", classified_on=dt.date(2020, 1, 31)
    )
    titles = [t.title for t in notification_selectors.todo_rows(world.health, limit=500)]
    assert "核酸阳性：周某" not in titles


def test_lab_result_positive_during_observation_opens_the_alert(world, tmp_path):
    path = lab_list(
        tmp_path, [["尹某某", world.yin.document_number, "2020-01-31", "", "阳性", "2020-02-01", ""]]
    )
    run(world, path)
    alert = world.yin_period.alerts.get(closed_at__isnull=True)
    assert alert.kind == "positive_test"
    keys = {t.key for t in notification_selectors.todo_rows(world.health, limit=500)}
    assert f"lab_positive:{alert.pk}" in keys


def test_lab_result_list_imported_twice_changes_nothing(world, ledger):
    first = run(world, ledger)
    count = LabTest.objects.count()
    second = run(world, ledger)
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, first.created, 4)
    assert LabTest.objects.count() == count


def test_lab_result_preview_writes_nothing(world, ledger):
    before = LabTest.objects.count()
    report = run(world, ledger, dry_run=True)
    assert report.created == 4 and LabTest.objects.count() == before


def test_lab_result_later_list_updates_a_pending_result(world, tmp_path):
    pending = lab_list(
        tmp_path, [["", world.yin.document_number, "2020-02-01", "", "待检", "", ""]], "a.xlsx"
    )
    assert run(world, pending).created == 1
    final = lab_list(
        tmp_path, [["", world.yin.document_number, "2020-02-01", "", "阴性", "2020-02-02", ""]], "b.xlsx"
    )
    report = run(world, final)
    assert report.updated == 1
    assert LabTest.objects.get(person=world.yin, sample_date=dt.date(2020, 2, 1)).result == "negative"


def test_lab_result_import_is_refused_to_a_clerk_and_outside_ones_areas(world, ledger):
    with ledger.open("rb") as handle, pytest.raises(PermissionDenied):
        lab_import.import_lab_results(
            actor=world.clerk, area=world.sjf, path_or_file=handle, filename="lab.xlsx"
        )
    with ledger.open("rb") as handle, pytest.raises(PermissionDenied):
        lab_import.import_lab_results(
            actor=world.health, area=world.neighbour_town, path_or_file=handle, filename="lab.xlsx"
        )


def test_lab_result_page_previews_imports_and_hands_back_the_rejected_rows(world, ledger, login):
    client = login(world.health)
    assert client.get("/observation/lab-results/").status_code == 200
    with ledger.open("rb") as handle:
        page = client.post(
            "/observation/lab-results/", {"area": world.town.code, "file": handle, "preview": "1"}
        )
    preview = Job.objects.filter(kind=LAB_JOB).latest("id")
    assert page.status_code == 302 and page["Location"] == f"/observation/lab-results/{preview.pk}/"
    assert "排队" in client.get(page["Location"]).text  # queued: the page shows its progress
    jobs.run_pending()
    page = client.get(f"/observation/lab-results/{preview.pk}/")
    assert "预览" in page.text and LabTest.objects.filter(tube="T2").count() == 0
    answer = client.post(f"/observation/lab-results/{preview.pk}/import/")
    again = client.post(f"/observation/lab-results/{preview.pk}/import/")  # a double tap: the same job
    assert answer["Location"] == again["Location"]
    jobs.run_pending()
    assert LabTest.objects.filter(tube="T2").count() == 2
    done = Job.objects.filter(kind=LAB_JOB).latest("id")
    assert done.status == Job.Status.DONE and done.result["created"] == 4 and done.percent == 100
    rejected = client.get(f"/observation/lab-results/{done.pk}/rejected.xlsx")
    assert rejected.status_code == 200
    assert login(world.clerk).get("/observation/lab-results/").status_code == 403
    assert login(world.neighbour).get(f"/observation/lab-results/{done.pk}/").status_code == 404
    # Whoever started it is told it finished.
    assert notification_selectors.inbox_for(world.health).filter(key=f"import:{done.pk}").exists()


def test_lab_result_api_queues_the_import_and_says_what_it_did(world, ledger, api_client):
    client = api_client(world.health)
    with ledger.open("rb") as handle:
        answer = client.post(
            "/api/v1/observation/lab-results", {"area": world.town.code, "file": handle, "dry_run": "true"}
        )
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    jobs.run_pending()
    body = client.get(f"/api/v1/observation/lab-results/{answer.json()['id']}").json()
    assert body["status"] == "done" and body["dry_run"]
    assert body["result"]["created"] == 4 and body["result"]["rejected"] == 4
    assert {"row", "column", "message"} <= set(body["result"]["errors"][0])
    committed = client.post(f"/api/v1/observation/lab-results/{body['id']}/import")
    assert committed.status_code == 202
    jobs.run_pending()
    assert LabTest.objects.filter(tube="T2").count() == 2
    assert api_client(world.neighbour).get(f"/api/v1/observation/lab-results/{body['id']}").status_code == 404


def test_lab_result_list_without_an_id_column_is_refused_whole(world, tmp_path):
    path = tmp_path / "bad.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "采样日期", "检测结果"])
    sheet.write_row(1, 0, ["尹某某", "2020-01-30", "阴性"])
    book.close()
    from cordon.core.spreadsheets import SpreadsheetError

    with pytest.raises(SpreadsheetError, match="身份证号"):
        run(world, path)
