"""The report's consistency check: for a day, the identities between its figures, each broken one
naming the records behind it.

- quarantine: placements made by then = released + still in quarantine + ended otherwise;
- quarantine and observation: nobody is still in quarantine whose observation period is over, nor
  under centralised observation at a site whose stay is over (the 02-22 "集中医学观察1人 … 仍在隔离39人");
- quarantine and mode: everyone in quarantine that day was under centralised observation that day;
- observation by mode: under observation = at home + centralised + health monitoring;
- observation flow: under observation today = yesterday + opened today − ended today;
- Hubei arrivals = still observed + completed + ended otherwise + never observed.

Counted from the published figures (``figures.area_figures``) and, for what the figures do not carry,
from the records through the same rule (``observation.stays``) and the viewer's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from cordon.accounts.models import Area
from cordon.cases.figures import PLACEMENT_RELEASED, placement_over_q
from cordon.cases.models import Placement
from cordon.observation.models import Period
from cordon.people.models import Arrival
from cordon.reports.figures import (
    HUBEI,
    area_figures,
    end_of_day,
    ended_q,
    value,
)

LIMIT = 20  # records named per broken identity


@dataclass
class Broken:
    identity: str
    left: int
    right: int
    records: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.identity}: {self.left} ≠ {self.right} ({', '.join(self.records) or '—'})"


def _names(queryset, label: str) -> list[str]:
    return [f"{label} #{pk}" for pk in queryset.values_list("pk", flat=True).order_by("pk")[:LIMIT]]


def report_check(*, viewer, area: Area, day: dt.date) -> list[Broken]:
    """The identities of ``day``'s report for ``area`` as ``viewer`` sees it; [] when all hold."""
    today = area_figures(viewer=viewer, area=area, as_of=end_of_day(day))
    yesterday = area_figures(viewer=viewer, area=area, as_of=end_of_day(day - dt.timedelta(days=1)))
    release_day = day + dt.timedelta(days=1)
    broken: list[Broken] = []

    placements = Placement.objects.visible_to(viewer).within(area.code).filter(placed_on__lte=day)
    over = placement_over_q(day, release_day)
    other_ended = placements.filter(over & ~PLACEMENT_RELEASED).count()
    released, inside = value(today, "contacts.released"), value(today, "contacts.in_quarantine")
    if placements.count() != released + inside + other_ended:
        counted = placements.filter(Q(left_on__isnull=True) | over)
        broken.append(
            Broken(
                "placed = released + in quarantine + ended otherwise",
                placements.count(),
                released + inside + other_ended,
                _names(placements.exclude(pk__in=counted), "Placement"),
            )
        )

    period_over = ended_q(day, release_day)
    still_in = placements.filter(Q(left_on__isnull=True) | ~over, period__isnull=False)
    stale = still_in.filter(period__in=Period.objects.filter(period_over))
    if stale.exists():
        broken.append(
            Broken("in quarantine ⇒ still under observation", stale.count(), 0, _names(stale, "Placement"))
        )

    # Everyone in quarantine that day was under centralised observation that day (the mode read as of
    # the day: a move counts from its own day).
    elsewhere = [
        stay.pk
        for stay in still_in.exclude(pk__in=stale).select_related("period").order_by("pk")
        if stay.period.mode_on(day) != Period.Mode.CENTRALISED
    ]
    if elsewhere:
        broken.append(
            Broken(
                "in quarantine ⇒ under centralised observation that day",
                len(elsewhere),
                0,
                [f"Placement #{pk}" for pk in elsewhere[:LIMIT]],
            )
        )

    modes = sum(value(today, f"observation.{mode}") for mode in Period.Mode.values)
    if modes != value(today, "observation.active"):
        broken.append(
            Broken(
                "observed = at home + centralised + health monitoring",
                value(today, "observation.active"),
                modes,
                _names(
                    Period.objects.visible_to(viewer).within(area.code).filter(moved_on__gt=day), "Period"
                ),
            )
        )

    periods = Period.objects.visible_to(viewer).within(area.code)
    closed_today = periods.filter(~Q(status=Period.Status.COMPLETED), actual_end=day).count()
    opened, released_today = (
        value(today, "observation.opened_today"),
        value(today, "observation.released_today"),
    )
    before, now = value(yesterday, "observation.active"), value(today, "observation.active")
    if now != before + opened - released_today - closed_today:
        changed = periods.filter(Q(opened_on=day) | Q(actual_end__in=(day, release_day)))
        broken.append(
            Broken(
                "observed today = observed yesterday + opened − ended",
                now,
                before + opened - released_today - closed_today,
                _names(changed, "Period"),
            )
        )

    hubei = value(today, "screening.hubei")
    parts = sum(
        value(today, f"screening.{key}")
        for key in ("hubei_observing", "hubei_released", "hubei_closed", "hubei_never_observed")
    )
    if hubei != parts:
        arrivals = Arrival.objects.visible_to(viewer).within(area.code)
        arrivals = arrivals.filter(category_id__in=HUBEI, arrival_date__lte=day)
        # An arrival counted twice among the periods (observed twice) or not at all.
        twice = (
            Period.objects.filter(reason=Period.Reason.ARRIVAL, opened_on__lte=day, arrival__in=arrivals)
            .values("arrival_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values("arrival_id")
        )
        broken.append(
            Broken(
                "Hubei arrivals = observed + completed + ended otherwise + never observed",
                hubei,
                parts,
                _names(arrivals.filter(pk__in=twice), "Arrival"),
            )
        )
    return broken
