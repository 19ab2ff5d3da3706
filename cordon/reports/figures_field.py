"""The field's figures of the daily report: seals and passes, checkpoints and passages, disinfection,
forces and enterprises. Part of ``cordon.reports.figures`` (see its docstring for the rules and the
shape); split off to keep each file readable. Each section is two functions: ``<section>_counts``
says what to count at a moment (``core.tallies`` runs it, for the whole area or each part below it,
for one moment or several), ``<section>`` makes one area's section of figures from its counts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.checkpoints.models import Checkpoint, DutyShift, PassageDayCount
from cordon.core.tallies import Listing, Tally
from cordon.enterprises.models import Enterprise, Finding, StatusChange
from cordon.forces.models import Personnel, Team, TeamMember
from cordon.lockdowns.models import ExitPass, Lockdown, PassDecision, SupplyDelivery
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


def number(raw: dict, name: str):
    """One raw count, 0 when no row was counted (a part without rows, a sum over nothing)."""
    return raw.get(name) or 0


def _fold_sealed(counts: dict, row: dict) -> None:
    counts.setdefault("sealed", []).append(
        {
            "code": row["area_id"],
            "name": row["area__name"],
            "since": timezone.localdate(row["starts_at"]).isoformat(),
        }
    )


def lockdowns_counts(viewer, code, m) -> list:
    pending_now = [ExitPass.Status.PENDING_VILLAGE, ExitPass.Status.PENDING_TOWN]
    decided_later = PassDecision.objects.filter(exit_pass=OuterRef("pk"), at__gte=m.as_of)
    return [
        # The areas sealed then, listed (a handful).
        Listing(
            Lockdown.objects.visible_to(viewer).within(code),
            where=Q(starts_at__lt=m.as_of) & (Q(ended_at__isnull=True) | Q(ended_at__gte=m.as_of)),
            fields=("area_id", "area__name", "starts_at"),
            fold=_fold_sealed,
        ),
        Tally(
            ExitPass.objects.visible_to(viewer).within(code),
            where=Q(created_at__lt=m.as_of),
            aggregates={
                # Still waiting then: still waiting now, or a decision on it came later.
                "passes_pending": Count("id", filter=Q(status__in=pending_now) | Q(Exists(decided_later))),
                "passes_applied_today": Count("id", filter=Q(created_at__gte=m.start)),
            },
        ),
        Tally(
            SupplyDelivery.objects.visible_to(viewer).within(code),
            where=Q(delivered_at__gte=m.start, delivered_at__lt=m.end),
            aggregates={"deliveries_today": Count("id")},
        ),
    ]


def lockdowns(raw, code, places) -> tuple[dict, list]:
    sealed = sorted(raw.get("sealed", []), key=lambda area: area["code"])  # as read: by code
    return (
        make_section(
            _("Sealed areas and exit passes"),
            {
                "sealed": make_fig(
                    _("Areas sealed"), len(sealed), places, list_url("lockdowns:list", area=code, sealed=1)
                ),
                "passes_pending": make_fig(
                    _("Exit passes awaiting approval"),
                    number(raw, "passes_pending"),
                    _("unit: passes"),
                    list_url("lockdowns:passes"),
                ),
                "passes_applied_today": make_fig(
                    _("Exit passes applied for that day"),
                    number(raw, "passes_applied_today"),
                    _("unit: passes"),
                ),
                "deliveries_today": make_fig(
                    _("Supply deliveries that day"), number(raw, "deliveries_today"), _("unit: deliveries")
                ),
            },
        ),
        sealed,
    )


def checkpoints_counts(viewer, code, m) -> list:
    gate = Q(kind=Checkpoint.Kind.VILLAGE_GATE) & ~Q(status=Checkpoint.Status.CLOSED)
    return [
        Tally(
            Checkpoint.objects.visible_to(viewer).within(code),
            aggregates={
                "gates": Count("id", filter=gate),
                "gates_24h": Count("id", filter=gate & Q(status=Checkpoint.Status.OPEN_24H)),
                "stations": Count(
                    "id",
                    filter=Q(kind=Checkpoint.Kind.INSPECTION_STATION) & ~Q(status=Checkpoint.Status.CLOSED),
                ),
            },
        ),
        Tally(
            DutyShift.objects.visible_to(viewer).within(code),
            where=Q(starts_at__lt=m.end, ends_at__gt=m.start),
            exact=("on_duty",),  # people, who may stand at gates of two towns
            aggregates={"on_duty": Count("people", distinct=True)},
        ),
        Tally(
            PassageDayCount.objects.visible_to(viewer).within(code),
            where=Q(day__lte=m.day),
            aggregates={
                **{f"d_{key}": Sum(key, filter=Q(day=m.day)) for key in PassageDayCount.FIGURES},
                "passages_total": Sum("total"),
            },
        ),
    ]


def checkpoints(raw, people) -> dict:
    # People and vehicles from the roll-up too: the passages themselves are never read here.
    subjects = {
        "people": number(raw, "d_total") - number(raw, "d_vehicles"),
        "vehicles": number(raw, "d_vehicles"),
    }
    counts = list_url("checkpoints:counts")
    checkpoints = list_url("checkpoints:list")
    times = _("unit: times")
    gates, gates_24h = number(raw, "gates"), number(raw, "gates_24h")
    return make_section(
        _("Checkpoints and passages"),
        {
            "gates": make_fig(_("Village checkpoints"), gates, _("unit: checkpoints"), checkpoints),
            "gates_24h": make_fig(_("Of which staffed 24 h"), gates_24h, _("unit: checkpoints")),
            "gates_ordinary": make_fig(_("Of which ordinary"), gates - gates_24h, _("unit: checkpoints")),
            "stations": make_fig(_("Road inspection stations"), number(raw, "stations"), _("unit: stations")),
            "staff_on_duty": make_fig(
                _("Staff on duty that day"), number(raw, "on_duty"), people, list_url("checkpoints:on_duty")
            ),
            "passages": make_fig(_("Passages checked that day"), number(raw, "d_total"), times, counts),
            "people": make_fig(_("People checked"), subjects["people"], times),
            "vehicles": make_fig(_("Vehicles checked"), subjects["vehicles"], _("unit: vehicles")),
            "came_in": make_fig(_("Came in"), number(raw, "d_came_in"), times),
            "went_out": make_fig(_("Went out"), number(raw, "d_went_out"), times),
            "turned_back": make_fig(_("Turned back"), number(raw, "d_turned_back"), times),
            "referred": make_fig(
                _("Referred to the fever clinic at the gate"), number(raw, "d_referred"), times
            ),
            "fever": make_fig(_("Fever found at the gate"), number(raw, "d_fever"), times),
            "passages_total": make_fig(_("Passages checked in all"), number(raw, "passages_total"), times),
        },
    )


def teams_counts(viewer, code, m) -> list:
    """The teams in force then, counted for the disinfection and the forces sections: active teams
    that existed by then, created, or their first member joined, by that day."""
    joined = TeamMember.objects.filter(team=OuterRef("pk"), joined_on__lte=m.day)
    return [
        Tally(
            Team.objects.visible_to(viewer).within(code).filter(active=True),
            where=Q(created_at__lt=m.as_of) | Q(Exists(joined)),
            aggregates={
                "screening": Count("id", filter=Q(kind=Team.Kind.SCREENING)),
                "disinfection": Count("id", filter=Q(kind=Team.Kind.DISINFECTION)),
                "total": Count("id"),
            },
        )
    ]


def disinfection_counts(viewer, code, m) -> list:
    tasks = DisinfectionTask.objects.visible_to(viewer).within(code)
    done_today = Q(done_at__gte=m.start, done_at__lt=m.end)
    late = Q(planned_on__lt=m.day) & (Q(done_at__isnull=True) | Q(done_at__gte=m.as_of))
    return [
        Tally(
            DisinfectionRound.objects.filter(task__in=tasks.values("pk")),
            area_field="task__area_id",  # a task is in one area: its rounds, and it, count in one part
            aggregates={
                "done": Count("id", filter=done_today),
                "area": Sum("task__area_m2", filter=done_today),
                "overdue": Count("id", filter=late),
                "tasks_overdue": Count("task", filter=late, distinct=True),
            },
        )
    ]


def disinfection(raw, teams: dict, code) -> dict:
    tasks_url = list_url("operations:tasks", area=code)
    return make_section(
        _("Disinfection"),
        {
            "teams": make_fig(
                _("Disinfection teams"),
                number(teams, "disinfection"),
                _("unit: teams"),
                list_url("forces:teams", kind="disinfection", area=code),
            ),
            "rounds_done": make_fig(
                _("Rounds done that day"), number(raw, "done"), _("unit: rounds"), tasks_url
            ),
            "area_m2": make_fig(_("Area disinfected that day"), float(number(raw, "area")), "m²"),
            "rounds_overdue": make_fig(_("Rounds overdue"), number(raw, "overdue"), _("unit: rounds")),
            "tasks_overdue": make_fig(
                _("Tasks with rounds overdue"),
                number(raw, "tasks_overdue"),
                _("unit: tasks"),
                list_url("operations:tasks", area=code, overdue=1),
            ),
        },
    )


def _fold_kinds(counts: dict, row: dict) -> None:
    counts[f"kind:{row['kind']}"] = row["n"]


def forces_counts(viewer, code, m) -> list:
    return [
        Tally(
            Personnel.objects.visible_to(viewer).within(code).filter(active=True),
            by=("kind",),
            aggregates={"n": Count("id")},
            fold=_fold_kinds,
        )
    ]


def forces(raw, teams: dict, code, people) -> dict:
    kinds = {name[len("kind:") :]: n for name, n in raw.items() if name.startswith("kind:")}
    figures = {
        "screening_teams": make_fig(
            _("Screening teams"),
            number(teams, "screening"),
            _("unit: teams"),
            list_url("forces:teams", kind="screening", area=code),
        ),
        "teams": make_fig(
            _("Teams in all"), number(teams, "total"), _("unit: teams"), list_url("forces:teams", area=code)
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


def enterprises_counts(viewer, code, m) -> list:
    latest = StatusChange.objects.filter(enterprise=OuterRef("pk"), at__lt=m.as_of).order_by("-at", "-id")
    status = Enterprise.Status
    return [
        Tally(
            Enterprise.objects.visible_to(viewer).within(code),
            annotations={"then": Subquery(latest.values("to_status")[:1])},  # a query per moment
            aggregates={
                "registered": Count("id", filter=Q(then__isnull=False)),
                "open": Count("id", filter=Q(then__in=[status.APPROVED, status.FINDINGS])),
                "open_findings": Count("id", filter=Q(then=status.FINDINGS)),
                "applied": Count("id", filter=Q(then=status.APPLIED)),
                "closed": Count("id", filter=Q(then=status.CLOSED)),
                "suspended": Count("id", filter=Q(then=status.SUSPENDED)),
            },
        ),
        Tally(
            Finding.objects.visible_to(viewer).within(code),
            where=Q(inspection__inspected_on__lte=m.day, deadline__lt=m.day)
            & (Q(rectified_at__isnull=True) | Q(rectified_at__gte=m.as_of)),
            aggregates={"findings_overdue": Count("id")},
        ),
    ]


def enterprises(raw, code) -> dict:
    index = "enterprises:index"
    units = _("unit: enterprises")
    return make_section(
        _("Enterprises reopening"),
        {
            "registered": make_fig(
                _("Enterprises registered"), number(raw, "registered"), units, list_url(index, area=code)
            ),
            "open": make_fig(_("Open (reopened)"), number(raw, "open"), units),
            "open_findings": make_fig(
                _("Open with findings"),
                number(raw, "open_findings"),
                units,
                list_url(index, status="findings", area=code),
            ),
            "applied": make_fig(
                _("Applied to reopen"),
                number(raw, "applied"),
                units,
                list_url(index, status="applied", area=code),
            ),
            "closed": make_fig(_("Still closed"), number(raw, "closed"), units),
            "suspended": make_fig(_("Suspended"), number(raw, "suspended"), units),
            "findings_overdue": make_fig(
                _("Findings past their deadline"),
                number(raw, "findings_overdue"),
                _("unit: findings"),
                list_url(index, overdue=1, area=code),
            ),
        },
    )
