"""A county works from what its towns sent: the as-sent view (the default above a town), the live
view, who has reported (已报送 / 未报送 / 逾期 / 已更正) and the county's own report, frozen from what
its towns sent plus its own rows."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.accounts import services as accounts
from cordon.accounts.models import Role
from cordon.checkpoints import services as checkpoints
from cordon.checkpoints.models import Checkpoint
from cordon.people import services as people
from cordon.reports import services, upward
from cordon.reports.figures import end_of_day, value

DAY = dt.date(2020, 2, 21)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def send(actor, area, day, when):
    with time_machine.travel(when, tick=False):
        report = services.report_generate(actor=actor, area=area, day=day)
        return services.report_send(actor=actor, report=report)


@pytest.fixture
def county_commander(world):
    user, _password = accounts.user_create(
        actor=world.operator,
        username="county_commander",
        full_name="县指挥长",
        area=world.county,
        roles=[(Role.COMMANDER, world.county)],
        password="x-Secret-123456",
    )
    return user


def _arrive_late(world):
    """A Hubei arrival on the 21st registered after the town sent (back-dated): live moves, sent not."""
    people.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "晚登记", "document_type": "mainland_id", "document_number": ""},
        arrival_data={"origin_text": "湖北省武汉市武昌区", "arrival_date": DAY.isoformat()},
    )


def test_the_county_sees_each_town_as_sent_with_version_and_time_not_live(world):
    sent = send(world.commander, world.town, DAY, at(DAY + dt.timedelta(days=1), 8))
    checkpoints.checkpoint_create(
        actor=world.operator, area=world.county, name="霸州市检查站", kind=Checkpoint.Kind.INSPECTION_STATION
    )
    report = services.report_for(viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY))

    assert report.view == "sent"
    town, neighbour, own = report.columns
    assert town["sent"]["version"] == 1 and town["sent"]["sent_at"] == sent.sent_at.isoformat()
    assert town["sections"] == sent.figures["figures"]["sections"]
    assert neighbour == {
        "area": {"code": world.neighbour_town.code, "name": "南孟镇", "level": "town"},
        "not_sent": True,
    }
    assert own.get("own") and value(own, "checkpoints.stations") == 1
    # The total is the town as sent plus the county's own rows; the town that has not sent adds nothing.
    for path in ("screening.hubei", "checkpoints.stations", "checkpoints.gates"):
        assert value(report.figures, path) == value(town, path) + value(own, path)
    assert "南孟镇：尚未报送。" in report.text
    assert report.figures["not_sent"] == ["南孟镇"]


def test_a_sum_missing_a_town_is_never_a_zero_report(world):
    """No town has sent: the county's as-sent sum is all zeros, and must not read as a zero report."""
    report = services.report_for(viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY))
    assert report.view == "sent" and not report.figures["zero_report"]
    assert "零报告" not in report.text
    assert report.text.splitlines()[1] == "尚未报送：堂二里镇、南孟镇。以下合计只含已报送的日报。"


def test_a_record_added_after_sending_changes_live_not_as_sent(world):
    send(world.commander, world.town, DAY, at(DAY + dt.timedelta(days=1), 8))
    before = services.report_for(viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY))
    live_before = services.report_for(
        viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY), view="live"
    )
    _arrive_late(world)
    after = services.report_for(viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY))
    live = services.report_for(
        viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY), view="live"
    )
    assert value(after.figures, "screening.hubei") == value(before.figures, "screening.hubei")
    assert value(live.figures, "screening.hubei") == value(live_before.figures, "screening.hubei") + 1
    assert live.view == "live"


def test_reporting_status_sent_not_sent_late_and_corrected(world):
    send(world.commander, world.town, DAY, at(DAY + dt.timedelta(days=1), 8))
    children = [world.town, world.neighbour_town]

    def statuses(now):
        status = upward.reporting_status(
            viewer=world.viewer, area=world.county, children=children, day=DAY, now=now
        )
        return {row["area"]["code"]: row["status"] for row in status["rows"]}, status

    found, status = statuses(at(DAY + dt.timedelta(days=1), 9))
    assert found == {world.town.code: "sent", world.neighbour_town.code: "not_sent"}
    assert status["deadline"].startswith("2020-02-22T10:00")
    found, _status = statuses(at(DAY + dt.timedelta(days=1), 10, 1))
    assert found[world.neighbour_town.code] == "late"

    # The neighbour sends after the deadline: still late; the town corrects: corrected, both versions.
    send(world.neighbour, world.neighbour_town, DAY, at(DAY + dt.timedelta(days=1), 11))
    first = services.versions_of(viewer=world.commander, area=world.town, day=DAY).first()
    with time_machine.travel(at(DAY + dt.timedelta(days=1), 12), tick=False):
        correction = services.report_correct(actor=world.commander, report=first, reason="补录一人")
        services.report_send(actor=world.commander, report=correction)
    found, status = statuses(at(DAY + dt.timedelta(days=1), 13))
    assert found == {world.town.code: "corrected", world.neighbour_town.code: "late"}
    town_row = status["rows"][0]
    assert [v["version"] for v in town_row["versions"]] == [1, 2]
    assert town_row["versions"][1]["correction_reason"] == "补录一人"
    assert status["counts"] == {"sent": 0, "not_sent": 0, "late": 1, "corrected": 1}


def test_the_county_sets_its_deadline_and_others_may_not(world, county_commander):
    upward.deadline_set(actor=county_commander, area=world.county, days_after=1, at=dt.time(0, 0))
    assert upward.deadline_of(world.county, DAY) == end_of_day(DAY)  # 24:00 of the day reported
    with pytest.raises(PermissionDenied):
        upward.deadline_set(actor=world.viewer, area=world.county, days_after=1, at=dt.time(9))
    with pytest.raises(PermissionDenied):
        upward.deadline_set(actor=world.commander, area=world.county, days_after=1, at=dt.time(9))
    with pytest.raises(ValidationError, match="24时"):
        upward.deadline_set(actor=county_commander, area=world.county, days_after=0, at=dt.time(9))


def test_the_county_sends_its_own_report_frozen_from_what_its_towns_sent(world, county_commander):
    send(world.commander, world.town, DAY, at(DAY + dt.timedelta(days=1), 8))
    county = send(county_commander, world.county, DAY, at(DAY + dt.timedelta(days=1), 12))
    assert county.figures["basis"] == "sent"
    columns = {c["area"]["code"]: c for c in county.figures["columns"]}
    assert columns[world.town.code]["sent"]["version"] == 1
    assert columns[world.neighbour_town.code]["not_sent"]
    frozen_hubei = value(county.figures["figures"], "screening.hubei")
    # The town corrects after the county sent: the county's sent version keeps what it was sent with.
    _arrive_late(world)
    first = services.versions_of(viewer=world.commander, area=world.town, day=DAY).first()
    correction = services.report_correct(actor=world.commander, report=first, reason="补录")
    services.report_send(actor=world.commander, report=correction)
    county.refresh_from_db()
    assert value(county.figures["figures"], "screening.hubei") == frozen_hubei
    # Its correction takes the town's new version.
    county_v2 = services.report_correct(actor=county_commander, report=county, reason="镇更正")
    assert value(county_v2.figures["figures"], "screening.hubei") == frozen_hubei + 1


def test_pages_and_api_say_which_view_and_who_reported(world, client, login, api_client, county_commander):
    send(world.commander, world.town, DAY, at(DAY + dt.timedelta(days=1), 8))
    login(world.viewer)
    body = client.get(f"/reports/daily/?area={world.county.code}&date={DAY}").content.decode()
    assert 'data-view="sent"' in body and "未报送" in body and "v1" in body
    body = client.get(f"/reports/daily/?area={world.county.code}&date={DAY}&view=live").content.decode()
    assert 'data-view="live"' in body
    body = client.get(f"/reports/status/?area={world.county.code}&date={DAY}").content.decode()
    assert f'data-area="{world.neighbour_town.code}" data-status="late"' in body and "逾期" in body
    assert "已报送" in body
    body = client.get(f"/dashboard/?area={world.county.code}&date={DAY}").content.decode()
    assert 'data-key="reporting"' in body and 'data-view="sent"' in body
    data = api_client(world.viewer).get(f"/api/v1/reports/status?area={world.county.code}&date={DAY}").json()
    assert data["counts"] == {"sent": 1, "not_sent": 0, "late": 1, "corrected": 0}
    daily = api_client(world.viewer).get(f"/api/v1/reports/daily?area={world.county.code}&date={DAY}").json()
    assert daily["view"] == "sent" and daily["reporting_status"]["counts"]["sent"] == 1
    # A village clerk reaches no county: 404 on the page and the API; a viewer sets no deadline.
    login(world.clerk)
    assert client.get(f"/reports/status/?area={world.county.code}").status_code == 404
    assert api_client(world.clerk).get(f"/api/v1/reports/status?area={world.county.code}").status_code == 404
    refused = api_client(world.viewer).post(
        "/api/v1/reports/deadline",
        {"area": world.county.code, "days_after": 1, "at": "09:00"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    done = api_client(county_commander).post(
        "/api/v1/reports/deadline",
        {"area": world.county.code, "days_after": 1, "at": "09:00"},
        content_type="application/json",
    )
    assert done.json() == {"area": world.county.code, "days_after": 1, "at": "09:00"}


def test_the_dashboard_compares_the_day_before_over_the_areas_that_sent_today(world, client, login):
    """The town sent the day before, not yet today: its figures are not "down since yesterday"."""
    before = DAY - dt.timedelta(days=1)
    people.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "前日来", "document_type": "mainland_id", "document_number": ""},
        arrival_data={"origin_text": "湖北省武汉市武昌区", "arrival_date": before.isoformat()},
    )
    sent = send(world.commander, world.town, before, at(DAY, 8))
    assert value(sent.figures["figures"], "screening.hubei") >= 1
    login(world.viewer)
    body = client.get(f"/dashboard/?area={world.county.code}&date={DAY}").content.decode()
    assert 'data-key="not-sent"' in body and "尚未报送：堂二里镇、南孟镇" in body
    assert "−" not in body.split('class="dash-section"', 1)[1].split("</main>")[0]
