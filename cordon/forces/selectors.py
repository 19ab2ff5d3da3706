"""Reads of the forces: filtered lists, and the contribution record computed from what people did.

The contribution record (发现干部、重用人才) counts, per member of the forces, from the records of the
other modules — never typed in: shifts served (duty shifts their account was on, and shifts the forces
sent them or their team to), passages logged at gates, screenings (arrivals they registered), health
checks they took, disinfection rounds they did, and the longest run of consecutive days with any of
that work ("days without going home"). Each figure is one aggregate query for everyone at once, so a
ranking of a thousand people costs the same handful of queries as one person's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from cordon.accounts.permissions import COMMAND
from cordon.forces.models import Assignment, Commendation, Personnel, Team, TeamMember
from cordon.forces.signals import work_from_above

MEASURES = ("shifts", "passages", "screenings", "checks", "rounds", "streak", "commendations")


def personnel_list(user, *, query: str = "", kind: str = "", area: str = "", team: int | None = None):
    """Personnel visible to ``user``, filtered by name (or its pinyin initials), kind, area and team."""
    rows = Personnel.objects.visible_to(user).select_related("person", "area")
    if query:
        rows = rows.filter(
            Q(person__name__startswith=query)
            | Q(person__name_initials__startswith=query.lower())
            | Q(person__name_pinyin__startswith=query.lower())
        )
    if kind in Personnel.Kind.values:
        rows = rows.filter(kind=kind)
    if area:
        rows = rows.within(area)
    if team:
        rows = rows.filter(memberships__team_id=team, memberships__left_on__isnull=True)
    return rows.order_by("area_id", "person__name", "id")


def team_list(user, *, kind: str = "", area: str = ""):
    teams = (
        Team.objects.visible_to(user)
        .select_related("area", "leader__person")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
    )
    if kind in Team.Kind.values:
        teams = teams.filter(kind=kind)
    if area:
        teams = teams.within(area)
    return teams.order_by("area_id", "kind", "name")


def active_members(team: Team):
    return (
        TeamMember.objects.filter(team=team, left_on__isnull=True)
        .select_related("personnel__person")
        .order_by("joined_on", "id")
    )


@dataclass
class Figures:
    shifts: int = 0
    passages: int = 0
    screenings: int = 0
    checks: int = 0
    rounds: int = 0
    streak: int = 0
    commendations: int = 0
    notes: int = 0
    days: set = field(default_factory=set, repr=False)
    shift_ids: set = field(default_factory=set, repr=False)


def _days_between(start, end) -> list[date]:
    first, last = timezone.localtime(start).date(), timezone.localtime(end - timedelta(seconds=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def longest_run(days) -> int:
    """The longest run of consecutive days in ``days``."""
    best = run = 0
    previous = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best, previous = max(best, run), day
    return best


def contribution(user, personnel: list[Personnel]) -> dict[int, Figures]:
    """{personnel id: Figures} for these members of the forces, counted from the records in the areas
    where ``user`` belongs to the command centre. A constant number of queries, whatever the number."""
    from cordon.checkpoints.models import DutyShift, Passage
    from cordon.observation.models import HealthCheck
    from cordon.people.models import Arrival

    figures = {p.pk: Figures() for p in personnel}
    by_account = {p.account_id: figures[p.pk] for p in personnel if p.account_id}
    accounts = list(by_account)
    ids = list(figures)
    if not ids:
        return figures

    if accounts:
        on_duty = DutyShift.people.through.objects.filter(
            user_id__in=accounts, dutyshift__in=DutyShift.objects.visible_to(user, COMMAND)
        ).values_list("user_id", "dutyshift_id", "dutyshift__starts_at", "dutyshift__ends_at")
        for account, shift, starts, ends in on_duty:
            by_account[account].shift_ids.add(shift)
            by_account[account].days.update(_days_between(starts, ends))
        passages = (
            Passage.objects.visible_to(user, COMMAND)
            .filter(recorded_by_id__in=accounts)
            .values_list("recorded_by_id", "day")
            .annotate(n=Count("id"))
            .order_by()
        )
        for account, day, n in passages:
            by_account[account].passages += n
            by_account[account].days.add(day)
        screenings = (
            Arrival.objects.visible_to(user, COMMAND)
            .filter(screened_by_id__in=accounts)
            .annotate(on=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values_list("screened_by_id", "on")
            .annotate(n=Count("id"))
            .order_by()
        )
        for account, day, n in screenings:
            by_account[account].screenings += n
            by_account[account].days.add(day)
        checks = (
            HealthCheck.objects.visible_to(user, COMMAND)
            .filter(recorded_by_id__in=accounts, source=HealthCheck.Source.STAFF)
            .exclude(status=HealthCheck.Status.MISSED)
            .values_list("recorded_by_id", "day")
            .annotate(n=Count("id"))
            .order_by()
        )
        for account, day, n in checks:
            by_account[account].checks += n
            by_account[account].days.add(day)
        for measure, rows in work_from_above(user=user, accounts=accounts):
            for account, day, n in rows:
                setattr(by_account[account], measure, getattr(by_account[account], measure) + n)
                by_account[account].days.add(day)

    _assigned_shifts(user, ids, figures)
    notes = (
        Commendation.objects.visible_to(user, COMMAND)
        .filter(personnel_id__in=ids)
        .values_list("personnel_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for pk, kind, n in notes:
        if kind == Commendation.Kind.COMMENDATION:
            figures[pk].commendations += n
        else:
            figures[pk].notes += n
    for item in figures.values():
        item.shifts = len(item.shift_ids)
        item.streak = longest_run(item.days)
    return figures


def _assigned_shifts(user, ids: list[int], figures: dict[int, Figures]) -> None:
    """Shifts the forces sent a person to, alone or with a team they were in that day."""
    assigned = (
        Assignment.objects.visible_to(user, COMMAND)
        .filter(shift__isnull=False, cancelled_at__isnull=True)
        .filter(Q(personnel_id__in=ids) | Q(team__memberships__personnel_id__in=ids))
        .values_list(
            "personnel_id",
            "team__memberships__personnel_id",
            "team__memberships__joined_on",
            "team__memberships__left_on",
            "shift_id",
            "shift__starts_at",
            "shift__ends_at",
        )
    )
    for alone, member, joined, left, shift, starts, ends in assigned:
        days = _days_between(starts, ends)
        if alone in figures:
            figures[alone].shift_ids.add(shift)
            figures[alone].days.update(days)
        if member in figures and joined <= days[0] and (left is None or left >= days[0]):
            figures[member].shift_ids.add(shift)
            figures[member].days.update(days)


def ranking(user, personnel: list[Personnel], *, by: str = "shifts") -> list[tuple[Personnel, Figures]]:
    """Members with their figures, best first by ``by`` (then by name)."""
    by = by if by in MEASURES else "shifts"
    figures = contribution(user, personnel)
    rows = [(p, figures[p.pk]) for p in personnel]
    rows.sort(key=lambda row: (-getattr(row[1], by), row[0].person.name))
    return rows


def crews_at(viewer, checkpoint_ids, day: date) -> dict[int, list[str]]:
    """The forces sent to these checkpoints on ``day`` — to the checkpoint for some days, or to one of
    its shifts that day — as names (a team's name, or a person's) by checkpoint, for the duty roster
    and "on duty now": one query."""
    day_starts = timezone.make_aware(datetime.combine(day, time.min))
    sent = (
        Assignment.objects.visible_to(viewer)
        .filter(cancelled_at__isnull=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .filter(
            Q(checkpoint_id__in=checkpoint_ids, shift__isnull=True)
            | Q(
                shift__checkpoint_id__in=checkpoint_ids,
                shift__starts_at__lt=day_starts + timedelta(days=1),
                shift__ends_at__gt=day_starts,
            )
        )
        .values_list("checkpoint_id", "shift__checkpoint_id", "team__name", "personnel__person__name")
    )
    crews: dict[int, list[str]] = {}
    # Teams first, then people sent alone; each name once.
    for at_checkpoint, at_shift, team, person in sorted(
        sent, key=lambda row: (row[2] is None, row[2] or row[3])
    ):
        names = crews.setdefault(at_checkpoint or at_shift, [])
        if (team or person) not in names:
            names.append(team or person)
    return crews
