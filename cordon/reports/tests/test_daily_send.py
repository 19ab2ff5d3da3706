"""The command centre generates the day's report, adds remarks and sends it; a sent report is frozen
and a correction is a new version, both kept. Other roles may not send; a guard may not read."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.core.audit import AuditEntry
from cordon.reports import services
from cordon.reports.models import DailyReport

FEB21 = dt.date(2020, 2, 21)


def test_commander_generates_remarks_and_sends_then_the_report_is_frozen(world):
    report = services.report_generate(actor=world.commander, area=world.town, day=FEB21)
    assert report.version == 1 and report.status == "draft"
    assert report.text.startswith("堂二里镇疫情防控日报") and "截至2月21日24时" in report.text
    services.report_set_remarks(actor=world.staff, report=report, remarks="四间房村继续封闭管理。")
    sent = services.report_send(actor=world.commander, report=report)
    assert sent.is_sent and sent.sent_by == world.commander and sent.remarks == "四间房村继续封闭管理。"
    with pytest.raises(ValidationError):
        services.report_set_remarks(actor=world.commander, report=sent, remarks="改一下")
    with pytest.raises(ValidationError):
        services.report_send(actor=world.commander, report=sent)
    with pytest.raises(ValidationError):
        services.report_generate(actor=world.commander, area=world.town, day=FEB21)
    assert set(
        AuditEntry.objects.filter(target_type="reports.dailyreport", target_id=str(report.pk)).values_list(
            "action", flat=True
        )
    ) == {
        "report.generate",
        "report.remarks",
        "report.send",
    }


def test_a_correction_makes_version_two_and_keeps_the_sent_version(world, client, login):
    first = services.report_generate(actor=world.commander, area=world.town, day=FEB21)
    services.report_send(actor=world.commander, report=first)
    frozen = DailyReport.objects.get(pk=first.pk)
    with pytest.raises(ValidationError):
        services.report_correct(actor=world.commander, report=frozen, reason="  ")
    second = services.report_correct(actor=world.staff, report=frozen, reason="补录2月20日到达人员")
    assert second.version == 2 and second.status == "draft" and second.correction_reason
    again = DailyReport.objects.get(pk=first.pk)
    assert (again.status, again.text, again.figures, again.sent_at) == (
        "sent",
        frozen.text,
        frozen.figures,
        frozen.sent_at,
    )
    with pytest.raises(ValidationError):  # only the latest version is corrected
        services.report_correct(actor=world.commander, report=again, reason="再改")
    login(world.commander)
    body = client.get("/reports/daily/?area=131081103000&date=2020-02-21").content.decode()
    assert "第2版" in body and "第1版" in body and "补录2月20日到达人员" in body
    first_page = client.get("/reports/daily/?area=131081103000&date=2020-02-21&version=1").content.decode()
    assert "已报送" in first_page


def test_the_page_runs_the_same_flow(world, client, login):
    login(world.staff)
    response = client.post("/reports/daily/generate/", {"area": "131081103000", "date": "2020-02-21"})
    assert response.status_code == 302
    report = DailyReport.objects.get(area=world.town, day=FEB21)
    client.post(f"/reports/daily/{report.pk}/remarks/", {"remarks": "夜间已核实"})
    client.post(f"/reports/daily/{report.pk}/send/")
    report.refresh_from_db()
    assert report.is_sent and report.remarks == "夜间已核实"
    body = client.get(response["Location"]).content.decode()
    assert "已报送" in body and "更正（生成新版本）" in body


def test_a_clerk_may_not_send_and_a_guard_may_not_read_the_town_report(world, client, login):
    village = services.report_generate(actor=world.commander, area=world.sjf, day=FEB21)
    with pytest.raises(PermissionDenied):
        services.report_send(actor=world.clerk, report=village)
    with pytest.raises(PermissionDenied):
        services.report_generate(actor=world.clerk, area=world.sjf, day=FEB21)
    login(world.clerk)
    assert client.post(f"/reports/daily/{village.pk}/send/").status_code == 403
    village.refresh_from_db()
    assert not village.is_sent
    login(world.guard)
    assert client.get("/reports/daily/?area=131081103000&date=2020-02-21").status_code == 404
    assert client.get("/reports/daily/?area=131081103215&date=2020-02-21").status_code == 403
    # The village head reads the village's report.
    login(world.head)
    assert client.get("/reports/daily/?area=131081103215&date=2020-02-21").status_code == 200


def test_the_api_gets_lists_versions_remarks_and_sends(world, api_client):
    api = api_client(world.commander)
    created = api.post(
        "/api/v1/reports/daily/generate",
        {"area": "131081103000", "date": "2020-02-21"},
        content_type="application/json",
    ).json()
    assert created["version"] == 1 and created["status"] == "draft"
    pk = created["id"]
    api.post(f"/api/v1/reports/daily/{pk}/remarks", {"remarks": "无"}, content_type="application/json")
    assert api.post(f"/api/v1/reports/daily/{pk}/send").json()["status"] == "sent"
    refused = api.post(
        f"/api/v1/reports/daily/{pk}/remarks", {"remarks": "x"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "已报送" in refused.json()["message"]
    api.post(f"/api/v1/reports/daily/{pk}/correct", {"reason": "更正"}, content_type="application/json")
    versions = api.get("/api/v1/reports/daily/versions?area=131081103000&date=2020-02-21").json()
    assert [(v["version"], v["status"]) for v in versions] == [(2, "draft"), (1, "sent")]
    report = api.get("/api/v1/reports/daily?area=131081103000&date=2020-02-21").json()
    assert (
        report["version"] == 2
        and report["figures"]["sections"]["screening"]["figures"]["wuhan"]["value"] == 1
    )
    clerk = api_client(world.clerk)
    assert (
        clerk.post(f"/api/v1/reports/daily/{pk}/send").status_code == 404
    )  # the town's report is out of reach
