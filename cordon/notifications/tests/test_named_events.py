"""The events that were named but not raised: a town's report late or received, a hand-over waiting,
a disinfection round overdue, an inspection finding past its deadline. Each reaches the roles over
the record's area (never the next village or town), is raised once however often it is raised, and
its task closes when the record is dealt with."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.core import jobs
from cordon.core.testing import PASSWORD
from cordon.enterprises import events as enterprise_events
from cordon.enterprises import services_inspections
from cordon.handovers import events as handover_events
from cordon.handovers import services as handovers
from cordon.notifications import selectors
from cordon.notifications.models import Channel, Kind, Message
from cordon.operations import events as operation_events
from cordon.operations import services_disinfection
from cordon.reports import events as report_events
from cordon.reports import services as reports

SHANGHAI = ZoneInfo("Asia/Shanghai")


def told(kind, key=None):
    messages = Message.objects.filter(kind=kind, channel=Channel.INBOX)
    if key:
        messages = messages.filter(key=key)
    return {m.recipient.username for m in messages}


def task_keys(user, kind):
    return {t.key for t in selectors.todo_rows(user, limit=500) if t.kind == kind}


def user(world, name, area, role):
    made, _password = account_services.user_create(
        actor=world.operator,
        username=name,
        full_name=f"{name}的姓名",
        area=area,
        roles=[(role, area)],
        password=PASSWORD,
    )
    return made


# --- Reports: late (time) and received (a service) ----------------------------------------------------


def test_report_late_tells_the_town_and_the_county_after_the_deadline_only(world):
    day = dt.date(2020, 2, 21)
    key = report_events.late_key(world.town.code, day)
    with time_machine.travel(dt.datetime(2020, 2, 22, 9, 30, tzinfo=SHANGHAI), tick=False):
        report_events.raise_late_reports()  # the county's deadline is 10:00
    assert not Message.objects.filter(key=key).exists()
    with time_machine.travel(dt.datetime(2020, 2, 22, 11, tzinfo=SHANGHAI), tick=False):
        assert report_events.raise_late_reports() >= 2  # 堂二里镇 and 南孟镇
        before = Message.objects.filter(kind=Kind.REPORT_LATE).count()
        report_events.raise_late_reports()  # the hourly duty runs again: nothing new
        assert Message.objects.filter(kind=Kind.REPORT_LATE).count() == before
    assert {"commander", "staff", "viewer"} <= told(Kind.REPORT_LATE, key)
    assert not told(Kind.REPORT_LATE, key) & {"neighbour", "clerk", "head", "health"}
    assert "neighbour" in told(Kind.REPORT_LATE, report_events.late_key(world.neighbour_town.code, day))
    assert key in task_keys(world.commander, Kind.REPORT_LATE)
    assert key not in task_keys(world.neighbour, Kind.REPORT_LATE)
    # The town sends: its late task closes and the county is told it arrived (late).
    with time_machine.travel(dt.datetime(2020, 2, 22, 12, tzinfo=SHANGHAI), tick=False):
        report = reports.report_generate(actor=world.commander, area=world.town, day=day)
        reports.report_send(actor=world.commander, report=report)
    assert key not in task_keys(world.commander, Kind.REPORT_LATE)
    received = f"{Kind.REPORT_RECEIVED}:{report.pk}"
    assert told(Kind.REPORT_RECEIVED, received) == {"viewer"}  # the county's reader, not the town itself
    body = Message.objects.get(key=received, recipient=world.viewer).body
    assert "堂二里镇" in body and "截止" in body


def test_report_received_on_time_is_told_once_and_raises_no_task(world):
    day = dt.date(2020, 3, 2)
    with time_machine.travel(dt.datetime(2020, 3, 2, 21, tzinfo=SHANGHAI), tick=False):
        report = reports.report_generate(actor=world.commander, area=world.town, day=day)
        reports.report_send(actor=world.commander, report=report)
        report_events.report_received(report=report)  # raised again (a retried call): nothing new
    key = f"{Kind.REPORT_RECEIVED}:{report.pk}"
    assert Message.objects.filter(key=key, channel=Channel.INBOX).count() == 1
    assert "截止" not in Message.objects.get(key=key, channel=Channel.INBOX).body
    assert not task_keys(world.viewer, Kind.REPORT_RECEIVED)
    with time_machine.travel(dt.datetime(2020, 3, 3, 11, tzinfo=SHANGHAI), tick=False):
        report_events.raise_late_reports()  # sent in time: 堂二里镇 is not late
    assert not Message.objects.filter(key=report_events.late_key(world.town.code, day)).exists()


# --- Hand-over waiting (a service) ----------------------------------------------------------------------


def test_handover_waiting_tells_the_receiving_town_and_closes_when_accepted(world):
    key = handover_events.waiting_key(world.handover)  # 南孟镇 asked 堂二里镇 when the world was built
    assert {"commander", "staff", "health"} <= told(Kind.HANDOVER_WAITING, key)
    assert not told(Kind.HANDOVER_WAITING, key) & {"neighbour", "clerk", "other_clerk", "head"}
    body = Message.objects.get(key=key, recipient=world.staff).body
    assert "东*" in body and "东某" not in body  # command staff: masked
    assert world.east_person.document_number not in body
    assert "东某" in Message.objects.get(key=key, recipient=world.health).body
    before = Message.objects.filter(key=key).count()
    handover_events.handover_waiting(handover=world.handover)
    assert Message.objects.filter(key=key).count() == before
    assert key in task_keys(world.commander, Kind.HANDOVER_WAITING)
    assert key not in task_keys(world.neighbour, Kind.HANDOVER_WAITING)


def test_handover_task_closes_when_accepted_or_declined(world):
    asked = handovers.handover_request(
        actor=world.other_clerk, person=world.zhou, to_area=world.neighbour_town
    )
    key = handover_events.waiting_key(asked)
    assert told(Kind.HANDOVER_WAITING, key) == {"neighbour"}
    assert key in task_keys(world.neighbour, Kind.HANDOVER_WAITING)
    handovers.handover_decline(actor=world.neighbour, handover=asked, reason="不在本镇居住")
    assert key not in task_keys(world.neighbour, Kind.HANDOVER_WAITING)
    again = handovers.handover_request(
        actor=world.health, person=world.case_person, to_area=world.neighbour_town
    )
    key = handover_events.waiting_key(again)
    assert key in task_keys(world.neighbour, Kind.HANDOVER_WAITING)
    handovers.handover_accept(actor=world.neighbour, handover=again)
    assert key not in task_keys(world.neighbour, Kind.HANDOVER_WAITING)


# --- Disinfection round overdue (time) -------------------------------------------------------------------


def test_disinfection_overdue_tells_the_village_not_the_next_one_and_closes_when_done(world):
    team = user(world, "sjf_team", world.sjf, Role.FIELD_TEAM)
    xw_head = user(world, "xw_head", world.xw, Role.VILLAGE_HEAD)
    task = world.disinfection  # rounds daily from three days ago; the first done
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    with time_machine.travel(
        dt.datetime.combine(today - dt.timedelta(days=2), dt.time(9), SHANGHAI), tick=False
    ):
        operation_events.raise_overdue_rounds()  # only the round done is before that day: nothing
    assert not Message.objects.filter(kind=Kind.DISINFECTION_OVERDUE).exists()
    with time_machine.travel(dt.datetime.combine(today, dt.time(9), SHANGHAI), tick=False):
        assert operation_events.raise_overdue_rounds() >= 2
        before = Message.objects.filter(kind=Kind.DISINFECTION_OVERDUE).count()
        jobs.run_periodic({})  # the worker's duty, raised again: nothing new
        assert Message.objects.filter(kind=Kind.DISINFECTION_OVERDUE).count() == before
    key = f"{Kind.DISINFECTION_OVERDUE}:{task.pk}:{yesterday.isoformat()}"
    assert told(Kind.DISINFECTION_OVERDUE, key) == {"head", "sjf_team"}
    assert key not in task_keys(xw_head, Kind.DISINFECTION_OVERDUE)
    assert key in task_keys(team, Kind.DISINFECTION_OVERDUE)
    services_disinfection.round_record(actor=team, task=task, planned_on=yesterday)
    assert key not in task_keys(team, Kind.DISINFECTION_OVERDUE)
    assert task_keys(team, Kind.DISINFECTION_OVERDUE)  # the day before's round is still owed


# --- Inspection finding past its deadline (time) ---------------------------------------------------------


def test_finding_overdue_tells_the_inspectors_and_village_once_and_closes_when_rectified(world):
    xw_head = user(world, "xw_head2", world.xw, Role.VILLAGE_HEAD)
    key = enterprise_events.finding_key(world.finding)  # to be rectified by 2020-02-28
    with time_machine.travel(dt.datetime(2020, 2, 28, 20, tzinfo=SHANGHAI), tick=False):
        enterprise_events.raise_overdue_findings()
    assert not Message.objects.filter(key=key).exists()
    with time_machine.travel(dt.datetime(2020, 2, 29, 8, tzinfo=SHANGHAI), tick=False):
        assert enterprise_events.raise_overdue_findings() >= 1
        enterprise_events.raise_overdue_findings()
    assert told(Kind.FINDING_OVERDUE, key) == {"staff", "head"}
    assert Message.objects.filter(key=key, recipient=world.staff).count() == 1
    assert key not in task_keys(xw_head, Kind.FINDING_OVERDUE)
    assert key not in task_keys(world.other_clerk, Kind.FINDING_OVERDUE)
    with time_machine.travel(dt.datetime(2020, 3, 20, 8, tzinfo=SHANGHAI), tick=False):
        enterprise_events.raise_overdue_findings()  # three weeks on: past the window, not raised again
    assert Message.objects.filter(key=key, recipient=world.staff).count() == 1
    with time_machine.travel(dt.datetime(2020, 3, 1, 9, tzinfo=SHANGHAI), tick=False):
        services_inspections.finding_rectify(
            actor=world.staff, finding=world.finding, note="已设置专用垃圾桶"
        )
    assert key not in task_keys(world.staff, Kind.FINDING_OVERDUE)
