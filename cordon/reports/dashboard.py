"""The command centre's dashboard: which areas a viewer may open, and the charts' series.

The figures themselves come from ``cordon.reports.figures`` (the daily report's ``area_figures``, now
and yesterday 24:00 counted together by ``figures_at``, so the two never disagree); this module adds
the charts and the village grid. Every read goes through the viewer's scope, and each chart is one
grouped query (two for the passages, which name their checkpoints, and for observation, which
reads the periods that moved between modes apart), whatever the size of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.accounts.permissions import CASE_WORKERS, DASHBOARD_READERS
from cordon.accounts.scope import has_role, visible_prefixes
from cordon.cases.models import Case
from cordon.cases.selectors import epidemic_curve
from cordon.checkpoints.models import Checkpoint, PassageDayCount
from cordon.core import codes
from cordon.lockdowns.models import Lockdown
from cordon.observation.models import Alert, Period, mode_on
from cordon.people.models import Arrival
from cordon.people.selectors import categories

# The levels one may pick: a county (its towns side by side), a town (its villages) or one village.
PICKABLE_LEVELS = (codes.COUNTY, codes.TOWN, codes.VILLAGE)
WINDOWS = (14, 30, 60, 90)
TOP_CHECKPOINTS = 8


def dashboard_areas(viewer) -> list[Area]:
    """The areas the viewer may open a dashboard for, highest first then by code (one query)."""
    areas = Area.objects.visible_to(viewer, DASHBOARD_READERS).filter(level__in=PICKABLE_LEVELS)
    return sorted(areas.only("code", "name", "level"), key=lambda a: (codes.LEVELS.index(a.level), a.code))


def dashboard_area(viewer, code: str, areas: list[Area]) -> Area:
    """The area asked for (or, when none is, the viewer's highest town or county); 404 for any code
    the viewer cannot open, whether it exists elsewhere or not at all."""
    if not code:
        if not areas:
            raise Http404(_("No such record."))
        return areas[0]
    for area in areas:
        if area.code == code:
            return area
    raise Http404(_("No such record."))


def window(end: date, days: int) -> tuple[date, date]:
    return end - timedelta(days=days - 1), end


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def arrivals_by_day(viewer, area: Area, start: date, end: date) -> dict:
    """Arrivals per day and ledger category: {"days": [...], "series": [{"key", "name", "data"}]}.

    One grouped query over the ledger index, plus the categories (deployment settings)."""
    rows = (
        Arrival.objects.visible_to(viewer)
        .within(area)
        .filter(arrival_date__gte=start, arrival_date__lte=end)
        .order_by()
        .values("arrival_date", "category_id")
        .annotate(n=Count("*"))  # from the ledger index alone (it does not hold the id on PostgreSQL)
    )
    days = _days(start, end)
    index = {day: i for i, day in enumerate(days)}
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row["category_id"], [0] * len(days))[index[row["arrival_date"]]] += row["n"]
    series = [{"key": c.code, "name": c.name, "data": found[c.code]} for c in categories() if c.code in found]
    return {"days": [d.isoformat() for d in days], "series": series}


def observation_by_day(viewer, area: Area, start: date, end: date, today: date) -> dict:
    """People under observation at the end of each day, by mode, from the periods' own dates.

    The daily report's rule (``figures.ended_q``), at 24:00 of each day: a period counts from the day
    it opened; one closed early is over at the end of the day it was closed; one completed is over
    at 00:00 of its release day (so at 24:00 the day before); one still open counts up to today. Each
    day counts a period in the mode it was in that day (a move counts from its own day). The
    periods that overlap the window and did not move within it are read once, counted by their dates
    (a county's 50,000 periods share a few thousand), and swept with a running sum — not one query
    per day; the few that moved within it are read one by one with their transfers.
    """
    overlapping = (
        Period.objects.visible_to(viewer)
        .within(area)
        .filter(opened_on__lte=end)
        .filter(Q(actual_end__isnull=True) | Q(actual_end__gt=start))
        .order_by()
    )
    still = Q(moved_on__isnull=True) | Q(moved_on__lte=start)
    periods = (
        overlapping.filter(still)
        .values_list("mode", "opened_on", "actual_end", "status")
        .annotate(n=Count("id"))
    )
    moved = overlapping.exclude(still).values_list("mode", "opened_on", "actual_end", "status", "plan")
    days = _days(start, end)
    modes = list(Period.Mode)
    deltas = {mode.value: [0] * (len(days) + 1) for mode in modes}

    def span(opened_on, actual_end, status):
        """The first and last day of the window the period is counted on (None when none)."""
        first = max(opened_on, start)
        if actual_end is None:
            last = max(today, first)
        else:
            last = actual_end - timedelta(days=2 if status == Period.Status.COMPLETED else 1)
        last = min(last, end)
        return (first, last) if last >= first else None

    for mode, opened_on, actual_end, status, n in periods:
        counted = span(opened_on, actual_end, status)
        if counted is None:
            continue
        first, last = counted
        deltas[mode][(first - start).days] += n
        deltas[mode][(last - start).days + 1] -= n
    for mode, opened_on, actual_end, status, plan in moved:
        counted = span(opened_on, actual_end, status)
        if counted is None:
            continue
        first, last = counted
        transfers = (plan or {}).get("transfers", [])
        for i in range((first - start).days, (last - start).days + 1):
            then = mode_on(mode=mode, transfers=transfers, day=days[i])
            deltas[then][i] += 1
            deltas[then][i + 1] -= 1
    series = []
    for mode in modes:
        running, data = 0, []
        for step in deltas[mode.value][: len(days)]:
            running += step
            data.append(running)
        series.append({"key": mode.value, "name": str(mode.label), "data": data})
    return {"days": [d.isoformat() for d in days], "series": series}


def passages_by_checkpoint(viewer, area: Area, start: date, end: date) -> dict:
    """Passages per day at the busiest checkpoints (from the daily roll-up), the rest summed.

    The checkpoints in the order of the checkpoints' table (``counts_by_day_and_checkpoint``: by area
    and name), busiest first. Only each row's total is read, as plain tuples, and only the names of
    the checkpoints: a county's 400 checkpoints over 90 days are 36,000 rows of the roll-up."""
    days = _days(start, end)
    index = {day: i for i, day in enumerate(days)}
    by_checkpoint: dict[int, list[int]] = {}
    counted = (
        PassageDayCount.objects.visible_to(viewer)
        .within(area)
        .filter(day__gte=start, day__lte=end)
        .order_by()
        .values_list("checkpoint_id", "day", "total")
    )
    for checkpoint, day, total in counted:  # one row per checkpoint and day
        by_checkpoint.setdefault(checkpoint, [0] * len(days))[index[day]] = total
    named = (
        Checkpoint.objects.filter(pk__in=by_checkpoint).order_by("area_id", "name").values_list("pk", "name")
    )
    rows = sorted(named, key=lambda row: -sum(by_checkpoint[row[0]]))
    series = [
        {"key": str(pk), "name": name, "data": by_checkpoint[pk]} for pk, name in rows[:TOP_CHECKPOINTS]
    ]
    rest = [by_checkpoint[pk] for pk, _name in rows[TOP_CHECKPOINTS:]]
    if rest:
        series.append(
            {
                "key": "other",
                "name": _("Other checkpoints"),
                "data": [sum(data[i] for data in rest) for i in range(len(days))],
            }
        )
    return {"days": [d.isoformat() for d in days], "series": series}


@dataclass
class Tile:
    area: Area
    status: str  # sealed / alerts / cases / normal
    label: str
    sealed: int
    alerts: int
    cases: int
    url: str


STATUSES = ("sealed", "alerts", "cases", "normal")


def status_labels() -> dict[str, str]:
    return {
        "sealed": _("Sealed"),
        "alerts": _("Open fever alerts"),
        "cases": _("Has cases"),
        "normal": _("Normal"),
    }


def area_grid(viewer, area: Area) -> list[Tile]:
    """The areas directly below ``area`` (a town's villages, a county's towns) coloured by status:
    sealed (a lockdown in force there or in one of its grids) over open fever alerts over cases
    recorded (excluded ones left out) over normal. Four queries, whatever the number of areas."""
    children = list(Area.objects.filter(parent=area).exclude(level=codes.GRID).order_by("code"))
    if not children:
        return []
    length = len(codes.prefix_of(children[0].code))

    def grouped(queryset) -> dict[str, int]:
        rows = (
            queryset.visible_to(viewer)
            .within(area)
            .order_by()
            .annotate(part=Substr("area_id", 1, length))
            .values("part")
            .annotate(n=Count("id"))
        )
        return {row["part"]: row["n"] for row in rows}

    sealed = grouped(Lockdown.objects.filter(ended_at__isnull=True))
    alerts = grouped(Alert.objects.filter(closed_at__isnull=True))
    cases = grouped(Case.objects.exclude(classification=Case.Classification.EXCLUDED))
    labels = status_labels()
    tiles = []
    for child in children:
        part = child.code[:length]
        counts = (sealed.get(part, 0), alerts.get(part, 0), cases.get(part, 0))
        status = next((s for s, n in zip(STATUSES, counts, strict=False) if n), "normal")
        tiles.append(
            Tile(
                area=child,
                status=status,
                label=labels[status],
                sealed=counts[0],
                alerts=counts[1],
                cases=counts[2],
                url=reverse("accounts:area_detail", args=[child.code]),
            )
        )
    return tiles


def curve_by_day(viewer, area: Area, start: date, end: date) -> dict:
    """The cases app's epidemic curve (by day of confirmation), cut to the window, quiet days as 0."""
    by_day = {d["day"]: d for d in epidemic_curve(viewer, area=area.code)}
    days = [d.isoformat() for d in _days(start, end)]
    keys = ("confirmed", "asymptomatic", "suspected")
    return {
        "days": days,
        "series": [
            {
                "key": key,
                "name": str(Case.Classification(key).label),
                "data": [by_day[d][key] if d in by_day else 0 for d in days],
            }
            for key in keys
        ],
        "total": sum(by_day[d][key] for d in days if d in by_day for key in keys),
    }


def charts(viewer, area: Area, *, end: date, days: int, today: date) -> dict:
    """Every chart's series for the dashboard, as plain JSON-ready data."""
    start, end = window(end, days)
    return {
        "arrivals": arrivals_by_day(viewer, area, start, end),
        "observation": observation_by_day(viewer, area, start, end, today),
        # Cases are clinical records: the curve only for those the cases app shows them to.
        "curve": curve_by_day(viewer, area, start, end) if has_role(viewer, area, *CASE_WORKERS) else None,
        "passages": passages_by_checkpoint(viewer, area, start, end),
    }


def figure_groups() -> list[tuple[str, list[tuple[str, tuple[str, ...]]]]]:
    """The figures the dashboard shows, grouped: (title, [(section, figure keys)]). ``*`` stands for
    every figure of the section whose key starts with what precedes it (one per ledger category)."""
    return [
        (_("Incoming people screened"), [("screening", ("total", "wuhan", "hubei_other", "cat_*"))]),
        (
            _("Observation and fever alerts"),
            [("observation", ("active", "home", "centralised", "monitoring")), ("alerts", ("open",))],
        ),
        (
            _("Cases and contacts"),
            [("cases", ("confirmed", "suspected", "asymptomatic")), ("contacts", ("in_quarantine",))],
        ),
        (
            _("Sealed areas, passes and checkpoints"),
            [
                ("lockdowns", ("sealed", "passes_pending")),
                ("checkpoints", ("passages", "turned_back", "overrides")),
            ],
        ),
        (
            _("Disinfection and enterprises"),
            [
                ("disinfection", ("rounds_overdue", "tasks_overdue")),
                ("enterprises", ("open", "open_findings")),
            ],
        ),
    ]


# Figures that call for action: shown in red when not zero.
HOT = {
    "alerts.open",
    "lockdowns.passes_pending",
    "checkpoints.overrides",
    "disinfection.rounds_overdue",
    "disinfection.tasks_overdue",
    "enterprises.open_findings",
}


def _pick(section: dict, keys: tuple[str, ...]) -> list[tuple[str, dict]]:
    picked = []
    figures = section.get("figures", {})
    for key in keys:
        if key.endswith("*"):
            picked += [(k, f) for k, f in figures.items() if k.startswith(key[:-1])]
        elif key in figures:
            picked.append((key, figures[key]))
    return picked


def figures_with_change(now: dict, before: dict) -> list[dict]:
    """The dashboard's groups of figures as counted ``now``, each with its change since ``before``
    (both ``area_figures`` answers): [{"title", "figures": [{key, label, value, unit, url, change,
    change_abs, hot}]}]."""
    groups = []
    for title, parts in figure_groups():
        figures = []
        for section_key, keys in parts:
            earlier = before.get("sections", {}).get(section_key, {}).get("figures", {})
            for key, figure in _pick(now.get("sections", {}).get(section_key, {}), keys):
                full_key = f"{section_key}.{key}"
                change = figure["value"] - earlier.get(key, {}).get("value", 0)
                figures.append(
                    {
                        **figure,
                        "key": full_key,
                        "change": change,
                        "change_abs": abs(change),
                        "hot": full_key in HOT and bool(figure["value"]),
                    }
                )
        groups.append({"title": title, "figures": figures})
    return groups


def reaches_dashboard(viewer) -> bool:
    """Whether the viewer holds a dashboard role anywhere (the view then picks the area)."""
    return bool(visible_prefixes(viewer, DASHBOARD_READERS))
