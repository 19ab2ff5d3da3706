"""Events raised by time: two checks missed in a row (the clerk's task), a test due tomorrow (the
health worker's and the clerk's); each closes itself when the check or the sample is entered."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from cordon.notifications import selectors
from cordon.notifications.models import Kind, Message
from cordon.observation import due_events, services_checks
from cordon.observation.sweep import sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def keys(user, kind):
    return {t.key for t in selectors.todo_rows(user, limit=500) if t.kind == kind}


def test_two_missed_checks_ask_the_clerk_and_a_check_entered_closes_it(world, observed):
    with time_machine.travel(dt.datetime(2020, 2, 1, 9, tzinfo=SHANGHAI), tick=False):
        period = observed(exposure=dt.date(2020, 2, 1))
        services_checks.check_record(
            actor=world.clerk, period=period, temperature="36.5", day=dt.date(2020, 2, 1), slot="am"
        )
    with time_machine.travel(dt.datetime(2020, 2, 2, 21, tzinfo=SHANGHAI), tick=False):
        sweep(actor=world.operator)  # records 2-1 pm, 2-2 am and pm as missed, then raises the event
    assert any(str(period.pk) in k for k in keys(world.clerk, Kind.CHECKS_MISSED))
    assert not keys(world.other_clerk, Kind.CHECKS_MISSED)
    assert not keys(world.health, Kind.CHECKS_MISSED)  # the clerk's task only
    with time_machine.travel(dt.datetime(2020, 2, 2, 21, tzinfo=SHANGHAI), tick=False):
        again = due_events.raise_missed_checks()
    mine = Message.objects.filter(key__startswith=f"checks_missed:{period.pk}:", recipient=world.clerk)
    assert again >= 1 and mine.count() == 1  # raised again: nothing new
    with time_machine.travel(dt.datetime(2020, 2, 3, 8, tzinfo=SHANGHAI), tick=False):
        services_checks.check_record(
            actor=world.clerk, period=period, temperature="36.6", day=dt.date(2020, 2, 3), slot="am"
        )
    assert not any(str(period.pk) in k for k in keys(world.clerk, Kind.CHECKS_MISSED))


def test_a_test_due_tomorrow_is_a_task_until_the_sample_is_recorded(world, observed):
    from cordon.observation import services_protocol
    from cordon.observation.models import ProtocolEdition

    services_protocol.protocol_choice_save(
        actor=world.commander, area=world.town, edition=ProtocolEdition.objects.get(code="v8"), overrides={}
    )
    with time_machine.travel(dt.datetime(2021, 6, 1, 9, tzinfo=SHANGHAI), tick=False):
        period = observed(exposure=dt.date(2021, 6, 1))
        test_days = period.parsed_plan.test_days
        first = test_days[0]
    with time_machine.travel(
        dt.datetime.combine(first - dt.timedelta(days=1), dt.time(20), tzinfo=SHANGHAI), tick=False
    ):
        counts = due_events.raise_due_events()
    assert counts["tests_due"] >= 1
    key = f"test_due:{period.pk}:{first.isoformat()}"
    assert key in keys(world.health, Kind.TEST_DUE) and key in keys(world.clerk, Kind.TEST_DUE)
    with time_machine.travel(dt.datetime.combine(first, dt.time(10), tzinfo=SHANGHAI), tick=False):
        services_checks.lab_test_record(actor=world.health, period=period, sample_date=first)
    assert key not in keys(world.health, Kind.TEST_DUE)
