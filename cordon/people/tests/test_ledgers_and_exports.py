"""Ledger pages, exports (masked by default, logged, with provenance) and the categories page."""

import io

import pytest
import python_calamine

from cordon.core import jobs
from cordon.core.models import AccessLog, Job
from cordon.people import exports, services_ledger
from cordon.people.importer import run_import
from cordon.people.models import Arrival, RiskCategory
from cordon.people.tests.conftest import ledger_xlsx, row


@pytest.fixture
def many(world, tmp_path):
    """60 Wuhan arrivals in 四间房村 and 5 from Beijing in 小湾村, imported from a ledger."""
    rows = [
        row(
            f"武汉{chr(0x4E00 + i)}",
            f"131081198502{i // 28 + 1:02d}{i % 28 + 1:02d}"[:14] + f"{i:03d}",
            day=f"2020-01-{i % 28 + 1:02d}",
        )
        for i in range(60)
    ]
    rows += [
        row(
            f"北京{chr(0x4E00 + i)}",
            f"110101199001{i + 1:02d}00{i}",
            village="小湾村",
            origin="北京市朝阳区",
            day="2020-02-01",
        )
        for i in range(5)
    ]
    path = tmp_path / "many.xlsx"
    path.write_bytes(ledger_xlsx(rows))
    report = run_import(
        actor=world.commander, area=world.town, source=str(path), filename="many.xlsx", dry_run=False
    )
    assert report.rejected == 0, report.errors[:3]
    return report


def test_ledger_tabs_count_each_category_under_the_filters(world, many, client, login):
    login(world.commander)
    assert "hx-get" in client.get("/people/ledgers/").content.decode()  # the counts follow the page
    response = client.get("/people/ledgers/counts/")
    tabs = {t["code"]: t["count"] for t in response.context["tabs"]}
    # the ledger's 65 and the world's 尹某某 (武汉) and 周某 (北京, 小湾村); 东某 lives in the next town
    assert tabs["wuhan"] == 61 and tabs["outside"] == 6 and tabs[""] == 67
    village = {
        t["code"]: t["count"]
        for t in client.get(f"/people/ledgers/counts/?area={world.xw.code}").context["tabs"]
    }
    assert village["wuhan"] == 0 and village["outside"] == 6


def test_ledger_pages_by_keyset_and_never_repeats_or_skips(world, many, client, login):
    login(world.commander)
    seen, url = [], "/people/ledgers/?category=wuhan"
    while url:
        response = client.get(url)
        seen += [r["arrival"].pk for r in response.context["rows"]]
        cursor = response.context["next_cursor"]
        url = f"/people/ledgers/?category=wuhan&after={cursor}" if cursor else ""
    assert len(seen) == len(set(seen)) == 61
    assert seen == list(
        Arrival.objects.filter(category_id="wuhan")
        .order_by("-arrival_date", "-id")
        .values_list("pk", flat=True)
    )


def test_ledger_page_masks_numbers_and_pins_its_queries(
    world, many, client, login, django_assert_max_num_queries
):
    login(world.commander)
    client.get("/people/ledgers/?category=wuhan")
    with django_assert_max_num_queries(12):
        body = client.get("/people/ledgers/?category=wuhan").content.decode()
    assert "********" in body


def test_ledger_ignores_a_tampered_cursor_and_category(world, many, client, login):
    login(world.commander)
    assert client.get("/people/ledgers/?after=garbage&category=nope").status_code == 200


def test_a_clerk_sees_only_her_villages_ledger(world, many, client, login):
    login(world.other_clerk)
    tabs = {t["code"]: t["count"] for t in client.get("/people/ledgers/counts/").context["tabs"]}
    assert tabs["wuhan"] == 0 and tabs["outside"] == 6


def _sheets(content: bytes) -> dict:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_export_is_masked_one_sheet_per_category_with_provenance_and_logged(world, many, client, login):
    login(world.clerk)
    response = client.post("/people/ledgers/export/", {"format": "xlsx"})
    assert response.status_code == 200
    sheets = _sheets(response.content)
    assert set(sheets) == {c.name for c in RiskCategory.objects.all()}
    wuhan = sheets["武汉"]
    assert "导出人" in wuhan[0][0] and "clerk" in wuhan[0][0] and "号码已脱敏" in wuhan[0][0]
    assert wuhan[1][4] == "证件号码"
    assert all("********" in r[4] for r in wuhan[2:]) and len(wuhan) == 2 + 61
    log = AccessLog.objects.get(actor=world.clerk, kind="export", target_type="people.ledger")
    assert log.detail["rows"] == 61 and log.detail["unmasked"] is False


def test_whole_numbers_need_a_role_and_a_reason(world, many, client, login):
    login(world.clerk)  # a clerk may not
    response = client.post(
        "/people/ledgers/export/", {"format": "xlsx", "unmasked": "on", "reason": "上报疾控"}
    )
    assert response.status_code == 200 and "只能导出脱敏号码" in response.content.decode()
    login(world.commander)
    no_reason = client.post("/people/ledgers/export/", {"format": "xlsx", "unmasked": "on", "reason": ""})
    assert "请填写导出完整证件号和电话的理由" in no_reason.content.decode()
    whole = client.post(
        "/people/ledgers/export/", {"format": "xlsx", "unmasked": "on", "reason": "上报市疾控中心"}
    )
    assert all("*" not in r[4] for r in _sheets(whole.content)["武汉"][2:])
    assert (
        AccessLog.objects.get(actor=world.commander, kind="export", target_type="people.ledger").detail[
            "reason"
        ]
        == "上报市疾控中心"
    )


def test_csv_export_has_a_bom_and_the_provenance_line(world, many, client, login):
    login(world.clerk)
    response = client.post("/people/ledgers/export/?category=wuhan", {"format": "csv"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("导出人") and text.count("\n") == 2 + 61


def test_a_large_export_runs_as_a_job_with_a_download(world, many, client, login, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 10)
    login(world.commander)
    response = client.post("/people/ledgers/export/", {"format": "xlsx"})
    job = Job.objects.get(kind="people.export")
    assert response["Location"] == f"/people/exports/{job.pk}/"
    assert jobs.run_pending() >= 1
    job.refresh_from_db()
    assert job.status == "done" and job.result["rows"] == 67
    download = client.get(f"/people/exports/{job.pk}/download/")
    assert download.status_code == 200 and "武汉" in _sheets(b"".join(download.streaming_content))
    login(world.staff)  # the export is its maker's alone
    assert client.get(f"/people/exports/{job.pk}/download/").status_code == 404


def test_the_commander_edits_a_category_and_old_arrivals_keep_theirs(world, many, client, login):
    login(world.commander)
    response = client.post(
        "/people/ledgers/categories/?edit=wuhan",
        {
            "name": "武汉市",
            "priority": "10",
            "origins": "4201, 4202",
            "valid_from": "",
            "valid_to": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert RiskCategory.objects.get(code="wuhan").origins == "4201,4202"
    assert Arrival.objects.filter(category_id="wuhan").count() == 61
    bad = client.post(
        "/people/ledgers/categories/?edit=wuhan", {"name": "x", "priority": "1", "origins": "湖北"}
    )
    assert "无效的规则" in bad.content.decode()
    login(world.clerk)
    assert (
        client.post(
            "/people/ledgers/categories/?edit=wuhan", {"name": "x", "priority": "1", "origins": "42"}
        ).status_code
        == 403
    )


def test_service_refuses_category_changes_by_others(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services_ledger.category_update(
            actor=world.clerk,
            category=RiskCategory.objects.get(code="wuhan"),
            name="x",
            priority=1,
            origins="42",
            valid_from=None,
            valid_to=None,
        )
