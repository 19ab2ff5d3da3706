"""The daily sweep (``cordon observation sweep``), for cron: safe to run any number of times.

It records every check a period owed and nobody entered as missed, opens the periods that arrivals in
an observed ledger are owed (a safety net behind registration and import), and lists the periods due
to complete — with what still blocks each. It completes nothing and closes no alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from cordon.observation import due_events, services, services_checks, stages
from cordon.observation.models import Period


@dataclass
class SweepResult:
    day: date
    missed_marked: int = 0
    events: dict = field(default_factory=dict)
    opened: int = 0
    due: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "missed_marked": self.missed_marked,
            "events": self.events,
            "opened": self.opened,
            "due": self.due,
        }


def sweep(*, actor, day: date | None = None, area=None) -> SweepResult:
    """Sweep up to the end of ``day`` (or up to now, for today)."""
    now = timezone.localtime()
    day = day or now.date()
    if day > now.date():
        raise ValueError("future")
    as_of = now if day == now.date() else timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
    result = SweepResult(day=day)
    result.missed_marked = services_checks.checks_mark_missed(now=as_of, area=area)
    stages.periods_follow_stages(today=day, area=area)
    if day == now.date():
        result.events = due_events.raise_due_events(now=as_of, area=area)
    if day == now.date():
        result.opened = services.periods_open_for_arrivals(actor=actor, area=area.code if area else "")
    due = Period.objects.filter(status=Period.Status.ACTIVE, planned_end__lte=day).select_related(
        "person", "area"
    )
    if area is not None:
        due = due.within(area)
    for period in due.order_by("area_id", "planned_end", "id").prefetch_related("tests"):
        blockers = services.completion_blockers(period, today=day, tests=list(period.tests.all()))
        result.due.append(
            {
                "period": period.pk,
                "person": period.person.name,
                "area": period.area_id,
                "area_name": period.area.name,
                "planned_end": period.planned_end.isoformat(),
                "completable": not blockers,
                "blockers": [str(b) for b in blockers],
            }
        )
    return result
