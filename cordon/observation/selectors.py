"""Reads of the observation module: the rules in force, the triage lists, the clerk's round, a
period's check grid. Every list goes through the area scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from cordon.accounts.models import Area
from cordon.core import codes
from cordon.observation import protocol
from cordon.observation.models import Alert, HealthCheck, Period, ProtocolChoice, ProtocolEdition


@dataclass(frozen=True)
class InForce:
    """The rules an area follows: an edition, the local values laid over it, and where they are set."""

    edition: ProtocolEdition
    rules: protocol.Rules
    choice: ProtocolChoice | None = None


def _chain(code: str) -> list[str]:
    chain = []
    while code:
        chain.append(code)
        code = codes.parent_of(code)
    return chain


def default_edition() -> ProtocolEdition:
    return ProtocolEdition.objects.get(is_default=True)


def rules_in_force(area_code: str) -> InForce:
    """The nearest choice at or above ``area_code`` (a town's, or its county's), else the default."""
    chain = _chain(area_code)
    choices = {
        c.area_id: c for c in ProtocolChoice.objects.filter(area_id__in=chain).select_related("edition")
    }
    for code in chain:
        choice = choices.get(code)
        if choice is not None:
            return InForce(choice.edition, choice.edition.parsed().merged(choice.overrides), choice)
    edition = default_edition()
    return InForce(edition, edition.parsed())


def categories_observed_anywhere() -> set[str]:
    """Every ledger category some area's rules put under observation: a cheap first filter."""
    found = set(default_edition().parsed().arrival_categories)
    for choice in ProtocolChoice.objects.select_related("edition"):
        found |= set(choice.edition.parsed().merged(choice.overrides).arrival_categories)
    return found


# --- Triage ---------------------------------------------------------------------------------------

TRIAGE_TABS = ("symptomatic", "not_reporting", "reporting", "due")


def not_reporting_q(now: datetime) -> Q:
    """Periods that owed the latest check whose deadline has passed, and did not report it."""
    query = Q()
    for per_day in protocol.SLOTS:
        day, slot = protocol.last_passed_slot(now, per_day)
        key = protocol.slot_key(day, slot)
        query |= Q(checks_per_day=per_day, first_slot__lte=key, planned_end__gt=day) & (
            Q(last_slot__isnull=True) | Q(last_slot__lt=key)
        )
    return query


def triage_q(tab: str, now: datetime) -> Q:
    """The filter of one triage list. The first three split the active periods (an open alert first,
    then not reporting, else reporting normally); "due" cuts across them."""
    active = Q(status=Period.Status.ACTIVE)
    if tab == "symptomatic":
        return active & Q(alert_open=True)
    if tab == "not_reporting":
        return active & Q(alert_open=False) & not_reporting_q(now)
    if tab == "reporting":
        return active & Q(alert_open=False) & ~not_reporting_q(now)
    if tab == "due":
        return active & Q(planned_end__lte=now.date())
    raise ValueError(tab)


def active_periods(user, area_code: str = ""):
    """The active periods the user sees, in ``area_code`` when given.

    The area's own range is put first: of two ranges on the same column SQLite walks the first it
    meets, and a village's range is a thousandth of a town's."""
    periods = Period.objects.within(area_code) if area_code else Period.objects.all()
    return periods.visible_to(user).filter(status=Period.Status.ACTIVE)


def triage_counts(user, area_code: str = "", *, now: datetime | None = None) -> dict[str, int]:
    """How many periods each triage list holds, in one query.

    "Reporting normally" is what the two lists before it leave of the total (the three split the
    active periods), so only three conditions are evaluated per period: over a town's 50,000 that
    is most of the query's time. The columns read are all in ``period_triage_idx``.
    """
    now = now or timezone.localtime()
    counts = active_periods(user, area_code).aggregate(
        symptomatic=Count("id", filter=Q(alert_open=True)),
        not_reporting=Count("id", filter=Q(alert_open=False) & not_reporting_q(now)),
        due=Count("id", filter=Q(planned_end__lte=now.date())),
        total=Count("*"),
    )
    counts["reporting"] = counts["total"] - counts["symptomatic"] - counts["not_reporting"]
    return {tab: counts[tab] for tab in (*TRIAGE_TABS, "total")}


def triage_list(user, tab: str, area_code: str = "", *, now: datetime | None = None):
    """One triage list, ordered: the latest fever first, else the nearest end first.

    A page of it is found in the indexes alone: ``period_triage_end_idx`` walked in list order over a
    whole town (stopping once the page is full), ``period_triage_idx`` or ``period_alert_checked_idx``
    within a village or for the few with an alert; see ``page_rows`` for reading the page's rows.
    """
    now = now or timezone.localtime()
    periods = Period.objects.within(area_code) if area_code else Period.objects.all()
    if connection.vendor == "sqlite":
        # Without a histogram SQLite takes any range for a small part of the table, and would sort
        # the whole town's periods rather than walk the index in list order; PostgreSQL knows better.
        periods = periods.visible_to_unindexed(user)
    else:
        periods = periods.visible_to(user)
    periods = periods.filter(triage_q(tab, now)).select_related("person", "area")
    if tab == "symptomatic":
        return periods.order_by("-last_checked_at", "id")
    return periods.order_by("planned_end", "id")


def page_rows(periods, ids, *related: str) -> list[Period]:
    """The periods of one page, whole: ``ids`` is the page's slice of ``periods.values_list("pk")``.

    Finding a page reads narrow index entries and sorts them; only its own rows are then read whole
    (with their person), instead of sorting every wide row of the list to keep 50 (one query still:
    the page's ids are a subquery). ``periods`` is the scoped list the ids were taken from.
    """
    ordering = periods.query.order_by
    return list(Period.objects.filter(pk__in=ids).select_related(*related).order_by(*ordering))


# --- The clerk's round ----------------------------------------------------------------------------


@dataclass
class RoundRow:
    period: Period
    day_number: int
    total_days: int
    check: HealthCheck | None = None
    other_checks: list[HealthCheck] = field(default_factory=list)
    due_today: bool = False
    not_reporting: bool = False


def round_slot(now: datetime, requested: str = "") -> str:
    """The slot a round is for: the one asked for, else the one being taken now (twice-daily rules)."""
    if requested in ("am", "pm", "day"):
        return requested
    return protocol.current_slot(now, 2)


def round_periods(user, area_code: str, *, day: date):
    """Everyone under observation in a village on ``day``, in door-to-door order (address, name)."""
    periods = active_periods(user, area_code).filter(opened_on__lte=day)
    return periods.select_related("person").order_by("person__address", "person__name", "id")


@dataclass(frozen=True)
class RoundOrder:
    """A village's round for one slot: its periods' ids in door order (everyone, or only those not
    yet measured), and how many of everyone are measured."""

    ids: list[int]
    total: int
    done: int


def round_order(user, area_code: str, *, day: date, slot: str, only_missing: bool = False) -> RoundOrder:
    """The round's order and progress in one narrow read of the village's periods (a few thousand
    ids and slots), so a page is then read by its ids.

    Asked for one page at a time (LIMIT … OFFSET), PostgreSQL may sort the whole town's people by
    address to find the village's first page; and the progress would be a second pass over the same
    periods.
    """
    key = protocol.slot_key(day, slot)
    ids, done, total = [], 0, 0
    for pk, last_slot in round_periods(user, area_code, day=day).values_list("pk", "last_slot"):
        measured = last_slot is not None and last_slot >= key
        total += 1
        done += measured
        if not (only_missing and measured):
            ids.append(pk)
    return RoundOrder(ids=ids, total=total, done=done)


# What a row of the round shows and works out (``round_rows``, the round's template).
ROUND_ROW_FIELDS = (
    "alert_open",
    "planned_end",
    "exposure_date",
    "rules",
    "checks_per_day",
    "first_slot",
    "last_slot",
    "person__name",
    "person__address",
)


def round_page(ids: list[int]) -> list[Period]:
    """The periods of one page of a round, in the order of ``ids`` (a slice of ``round_order``'s),
    with their person: only the columns a row shows are read."""
    found = Period.objects.select_related("person").only(*ROUND_ROW_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _misses_latest(period: Period, now: datetime) -> bool:
    """Whether the period owed the latest check whose deadline passed, and did not report it."""
    day, slot = protocol.last_passed_slot(now, period.checks_per_day)
    key = protocol.slot_key(day, slot)
    owed = period.first_slot <= key and period.planned_end > day
    return owed and (period.last_slot is None or period.last_slot < key)


def round_rows(periods: list[Period], *, day: date, slot: str, now: datetime | None = None) -> list[RoundRow]:
    """The rows of one page of a round, with the day's checks of those on it (one query)."""
    now = now or timezone.localtime()
    checks: dict[int, list[HealthCheck]] = {}
    for check in HealthCheck.objects.filter(period__in=[p.pk for p in periods], day=day).order_by(
        "slot", "id"
    ):
        checks.setdefault(check.period_id, []).append(check)
    rows = []
    for period in periods:
        day_slot = "day" if period.checks_per_day == 1 else slot
        mine = checks.get(period.pk, [])
        current = next((c for c in mine if c.slot == day_slot), None)
        rows.append(
            RoundRow(
                period=period,
                day_number=(day - period.exposure_date).days
                + (0 if period.rules.get("day_zero", True) else 1),
                total_days=(period.planned_end - period.exposure_date).days,
                check=current,
                other_checks=[c for c in mine if c is not current],
                due_today=period.planned_end <= day,
                not_reporting=_misses_latest(period, now),
            )
        )
    return rows


# --- One period -----------------------------------------------------------------------------------


@dataclass
class Cell:
    day: date
    slot: str
    state: str  # measured, fever, missed, late (past its deadline, not yet marked), open, future
    check: HealthCheck | None = None


def check_grid(period: Period, *, now: datetime) -> list[tuple[date, list[Cell]]]:
    """A period's checks day by day, slot by slot — each past slot measured or missed, none silent."""
    rules = period.parsed_rules
    by_slot = {(c.day, c.slot): c for c in period.checks.all() if c.slot != "extra"}
    first_day = protocol.key_day(period.first_slot)
    last_day = (period.actual_end or period.planned_end) - timedelta(days=1)
    if period.actual_end and period.actual_end >= period.planned_end:
        last_day = period.planned_end - timedelta(days=1)
    grid = []
    day = first_day
    while day <= last_day:
        cells = []
        for slot in rules.slots:
            key = protocol.slot_key(day, slot)
            check = by_slot.get((day, slot))
            if key < period.first_slot:
                state = "none"
            elif check is not None and check.status == HealthCheck.Status.MEASURED:
                state = "fever" if rules.is_fever(check.temperature) or check.symptoms else "measured"
            elif check is not None:
                state = "missed"
            elif timezone.make_aware(datetime.combine(day, protocol.SLOT_DEADLINES[slot])) <= now:
                state = "late"
            elif day <= now.date():
                state = "open"
            else:
                state = "future"
            cells.append(Cell(day=day, slot=slot, state=state, check=check))
        grid.append((day, cells))
        day += timedelta(days=1)
    return grid


def person_periods(user, person) -> list[Period]:
    """A person's periods as the viewer may see them, newest first, with their open alerts."""
    periods = list(
        Period.objects.visible_to(user)
        .filter(person=person)
        .select_related("edition")
        .order_by("-opened_on", "-id")
    )
    open_alerts = {a.period_id: a for a in Alert.objects.filter(period__in=periods, closed_at__isnull=True)}
    for period in periods:
        period.open_alert = open_alerts.get(period.pk)
    return periods


def open_alerts(user, area_code: str = ""):
    alerts = Alert.objects.visible_to(user).filter(closed_at__isnull=True)
    if area_code:
        alerts = alerts.within(area_code)
    return alerts.select_related("period__person", "period__area").order_by("-opened_at")


def town_of(area_code: str) -> Area | None:
    """The town a village (or grid) belongs to: whose command centre signs its notices."""
    return Area.objects.filter(code=area_code[:9] + "000").first()
