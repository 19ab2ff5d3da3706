"""The field's figures of the daily report: seals and passes, checkpoints and passages, disinfection,
forces and enterprises. Part of ``cordon.reports.figures`` (see its docstring for the rules and the
shape); split off to keep each file readable."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.checkpoints.models import Checkpoint, DutyShift, PassageDayCount
from cordon.enterprises.models import Enterprise, Finding, StatusChange
from cordon.forces.models import Personnel, Team, TeamMember
from cordon.lockdowns.models import ExitPass, Lockdown, SupplyDelivery
from cordon.operations.models import DisinfectionRound, DisinfectionTask


def list_url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return reverse(name) + (f"?{query}" if query else "")


def make_fig(label, value, unit="", url=None) -> dict:
    figure = {"label": str(label), "value": value if value is not None else 0, "unit": str(unit)}
    if url:
        figure["url"] = url
    return figure


def make_section(label, figures: dict) -> dict:
    return {"label": str(label), "figures": figures}


def lockdowns(viewer, code, day, start, end, as_of, places) -> tuple[dict, list]:
    in_force = (
        Lockdown.objects.visible_to(viewer)
        .within(code)
        .filter(Q(starts_at__lt=as_of) & (Q(ended_at__isnull=True) | Q(ended_at__gte=as_of)))
        .select_related("area")
        .order_by("area_id")
    )
    sealed = [
        {
            "code": lockdown.area_id,
            "name": lockdown.area.name,
            "since": timezone.localdate(lockdown.starts_at).isoformat(),
        }
        for lockdown in in_force
    ]
    pending_now = [ExitPass.Status.PENDING_VILLAGE, ExitPass.Status.PENDING_TOWN]
    passes = (
        ExitPass.objects.visible_to(viewer)
        .within(code)
        .filter(created_at__lt=as_of)
        .annotate(decided_at=Max("decisions__at"))
        .aggregate(
            # Still waiting then: still waiting now, or its last decision came later.
            pending=Count("id", filter=Q(status__in=pending_now) | Q(decided_at__gte=as_of)),
            applied_today=Count("id", filter=Q(created_at__gte=start)),
        )
    )
    deliveries = (
        SupplyDelivery.objects.visible_to(viewer)
        .within(code)
        .filter(delivered_at__gte=start, delivered_at__lt=end)
        .count()
    )
    return (
        make_section(
            _("Sealed areas and exit passes"),
            {
                "sealed": make_fig(
                    _("Areas sealed"), len(sealed), places, list_url("lockdowns:list", area=code, sealed=1)
                ),
                "passes_pending": make_fig(
                    _("Exit passes awaiting approval"),
                    passes["pending"],
                    _("unit: passes"),
                    list_url("lockdowns:passes"),
                ),
                "passes_applied_today": make_fig(
                    _("Exit passes applied for that day"), passes["applied_today"], _("unit: passes")
                ),
                "deliveries_today": make_fig(
                    _("Supply deliveries that day"), deliveries, _("unit: deliveries")
                ),
            },
        ),
        sealed,
    )


def checkpoints(viewer, code, day, start, end, people) -> dict:
    gate = Q(kind=Checkpoint.Kind.VILLAGE_GATE) & ~Q(status=Checkpoint.Status.CLOSED)
    points = (
        Checkpoint.objects.visible_to(viewer)
        .within(code)
        .aggregate(
            gates=Count("id", filter=gate),
            gates_24h=Count("id", filter=gate & Q(status=Checkpoint.Status.OPEN_24H)),
            stations=Count(
                "id", filter=Q(kind=Checkpoint.Kind.INSPECTION_STATION) & ~Q(status=Checkpoint.Status.CLOSED)
            ),
        )
    )
    on_duty = (
        DutyShift.objects.visible_to(viewer)
        .within(code)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .aggregate(n=Count("people", distinct=True))["n"]
    )
    sums = (
        PassageDayCount.objects.visible_to(viewer)
        .within(code)
        .filter(day__lte=day)
        .aggregate(
            **{f"d_{key}": Sum(key, filter=Q(day=day)) for key in PassageDayCount.FIGURES},
            passages_total=Sum("total"),
        )
    )
    # People and vehicles from the roll-up too: the passages themselves are never read here.
    subjects = {
        "people": (sums["d_total"] or 0) - (sums["d_vehicles"] or 0),
        "vehicles": sums["d_vehicles"] or 0,
    }
    counts = list_url("checkpoints:counts")
    checkpoints = list_url("checkpoints:list")
    times = _("unit: times")
    return make_section(
        _("Checkpoints and passages"),
        {
            "gates": make_fig(_("Village checkpoints"), points["gates"], _("unit: checkpoints"), checkpoints),
            "gates_24h": make_fig(_("Of which staffed 24 h"), points["gates_24h"], _("unit: checkpoints")),
            "gates_ordinary": make_fig(
                _("Of which ordinary"), points["gates"] - points["gates_24h"], _("unit: checkpoints")
            ),
            "stations": make_fig(_("Road inspection stations"), points["stations"], _("unit: stations")),
            "staff_on_duty": make_fig(
                _("Staff on duty that day"), on_duty, people, list_url("checkpoints:on_duty")
            ),
            "passages": make_fig(_("Passages checked that day"), sums["d_total"], times, counts),
            "people": make_fig(_("People checked"), subjects["people"], times),
            "vehicles": make_fig(_("Vehicles checked"), subjects["vehicles"], _("unit: vehicles")),
            "came_in": make_fig(_("Came in"), sums["d_came_in"], times),
            "went_out": make_fig(_("Went out"), sums["d_went_out"], times),
            "turned_back": make_fig(_("Turned back"), sums["d_turned_back"], times),
            "referred": make_fig(_("Referred to the fever clinic at the gate"), sums["d_referred"], times),
            "fever": make_fig(_("Fever found at the gate"), sums["d_fever"], times),
            "passages_total": make_fig(_("Passages checked in all"), sums["passages_total"], times),
        },
    )


def teams_in_force(viewer, code, day, as_of):
    """Active teams that existed by then: created, or their first member joined, by that day."""
    joined = TeamMember.objects.filter(team=OuterRef("pk"), joined_on__lte=day)
    return (
        Team.objects.visible_to(viewer)
        .within(code)
        .filter(active=True)
        .filter(Q(created_at__lt=as_of) | Exists(joined))
    )


def disinfection(viewer, code, day, start, end, as_of, teams: int) -> dict:
    tasks = DisinfectionTask.objects.visible_to(viewer).within(code)
    done_today = Q(done_at__gte=start, done_at__lt=end)
    late = Q(planned_on__lt=day) & (Q(done_at__isnull=True) | Q(done_at__gte=as_of))
    rounds = DisinfectionRound.objects.filter(task__in=tasks.values("pk")).aggregate(
        done=Count("id", filter=done_today),
        area=Sum("task__area_m2", filter=done_today),
        overdue=Count("id", filter=late),
        tasks_overdue=Count("task", filter=late, distinct=True),
    )
    tasks_url = list_url("operations:tasks", area=code)
    return make_section(
        _("Disinfection"),
        {
            "teams": make_fig(
                _("Disinfection teams"),
                teams,
                _("unit: teams"),
                list_url("forces:teams", kind="disinfection", area=code),
            ),
            "rounds_done": make_fig(_("Rounds done that day"), rounds["done"], _("unit: rounds"), tasks_url),
            "area_m2": make_fig(_("Area disinfected that day"), float(rounds["area"] or 0), "m²"),
            "rounds_overdue": make_fig(_("Rounds overdue"), rounds["overdue"], _("unit: rounds")),
            "tasks_overdue": make_fig(
                _("Tasks with rounds overdue"),
                rounds["tasks_overdue"],
                _("unit: tasks"),
                list_url("operations:tasks", area=code, overdue=1),
            ),
        },
    )


def forces(viewer, code, teams: dict, people) -> dict:
    kinds = dict(
        Personnel.objects.visible_to(viewer)
        .within(code)
        .filter(active=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    figures = {
        "screening_teams": make_fig(
            _("Screening teams"),
            teams["screening"],
            _("unit: teams"),
            list_url("forces:teams", kind="screening", area=code),
        ),
        "teams": make_fig(
            _("Teams in all"), teams["total"], _("unit: teams"), list_url("forces:teams", area=code)
        ),
        "personnel": make_fig(
            _("Party members, activists, militia and volunteers mobilised"),
            sum(kinds.values()),
            people,
            list_url("forces:index", area=code),
        ),
    }
    for kind, label in Personnel.Kind.choices:
        figures[f"kind_{kind}"] = make_fig(
            label, kinds.get(kind, 0), people, list_url("forces:index", area=code, kind=kind)
        )
    return make_section(_("Forces"), figures)


def enterprises(viewer, code, day, as_of) -> dict:
    latest = StatusChange.objects.filter(enterprise=OuterRef("pk"), at__lt=as_of).order_by("-at", "-id")
    status = Enterprise.Status
    counts = (
        Enterprise.objects.visible_to(viewer)
        .within(code)
        .annotate(then=Subquery(latest.values("to_status")[:1]))
        .aggregate(
            registered=Count("id", filter=Q(then__isnull=False)),
            open=Count("id", filter=Q(then__in=[status.APPROVED, status.FINDINGS])),
            open_findings=Count("id", filter=Q(then=status.FINDINGS)),
            applied=Count("id", filter=Q(then=status.APPLIED)),
            closed=Count("id", filter=Q(then=status.CLOSED)),
            suspended=Count("id", filter=Q(then=status.SUSPENDED)),
        )
    )
    overdue = (
        Finding.objects.visible_to(viewer)
        .within(code)
        .filter(inspection__inspected_on__lte=day, deadline__lt=day)
        .filter(Q(rectified_at__isnull=True) | Q(rectified_at__gte=as_of))
        .count()
    )
    index = "enterprises:index"
    units = _("unit: enterprises")
    return make_section(
        _("Enterprises reopening"),
        {
            "registered": make_fig(
                _("Enterprises registered"), counts["registered"], units, list_url(index, area=code)
            ),
            "open": make_fig(_("Open (reopened)"), counts["open"], units),
            "open_findings": make_fig(
                _("Open with findings"),
                counts["open_findings"],
                units,
                list_url(index, status="findings", area=code),
            ),
            "applied": make_fig(
                _("Applied to reopen"), counts["applied"], units, list_url(index, status="applied", area=code)
            ),
            "closed": make_fig(_("Still closed"), counts["closed"], units),
            "suspended": make_fig(_("Suspended"), counts["suspended"], units),
            "findings_overdue": make_fig(
                _("Findings past their deadline"),
                overdue,
                _("unit: findings"),
                list_url(index, overdue=1, area=code),
            ),
        },
    )
