"""The events time raises, not a person: two checks missed in a row, a test due tomorrow.

Safe to run any number of times (each event has its key: it is raised once). ``cordon observation
sweep`` runs it with the day's sweep, and the job worker every 15 minutes (``observation.jobs``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from cordon.observation import events, protocol
from cordon.observation.models import HealthCheck, LabTest, Period


def raise_due_events(*, now: datetime | None = None, area=None) -> dict:
    """Raise the missed-checks events and (for tomorrow) the test-due events; returns their counts."""
    now = timezone.localtime(now or timezone.now())
    return {"checks_missed": _checks_missed(now, area), "tests_due": _tests_due(now, area)}


def raise_missed_checks(*, now: datetime | None = None, area=None) -> int:
    """Only the missed-checks events (cheap: it reads the periods with a check missed lately)."""
    return _checks_missed(timezone.localtime(now or timezone.now()), area)


def _checks_missed(now: datetime, area) -> int:
    # Only periods with a missed check in the last two days can have their last two missed.
    recent = HealthCheck.objects.filter(
        status=HealthCheck.Status.MISSED, day__gte=now.date() - timedelta(days=2), period__status="active"
    )
    if area is not None:
        recent = recent.filter(period__in=Period.objects.within(area).values("pk"))
    raised = 0
    for period_id in recent.values_list("period_id", flat=True).distinct():
        last_two = sorted(
            HealthCheck.objects.filter(period_id=period_id)
            .exclude(slot="extra")
            .order_by("-day")
            .values_list("day", "slot", "status")[:4],
            key=lambda row: protocol.slot_key(row[0], row[1]),
        )[-2:]
        if len(last_two) == 2 and all(s == HealthCheck.Status.MISSED for _d, _s, s in last_two):
            period = Period.objects.select_related("person").get(pk=period_id)
            events.checks_missed(period=period, last_key=protocol.slot_key(last_two[-1][0], last_two[-1][1]))
            raised += 1
    return raised


def _tests_due(now: datetime, area) -> int:
    tomorrow = now.date() + timedelta(days=1)
    periods = Period.objects.filter(
        status=Period.Status.ACTIVE, opened_on__lte=tomorrow, planned_end__gte=tomorrow
    ).select_related("person")
    if area is not None:
        periods = periods.within(area)
    raised = 0
    for period in periods.iterator(chunk_size=500):
        if tomorrow not in period.parsed_plan.test_days:
            continue
        if LabTest.objects.filter(period=period, sample_date__gte=tomorrow).exists():
            continue
        events.test_due(period=period, day=tomorrow)
        raised += 1
    return raised
