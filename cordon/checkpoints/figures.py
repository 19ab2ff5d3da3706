"""Checkpoints, their duty and their passages in the daily report and the dashboard. ``counts`` says what
to count at a moment (``core.tallies`` runs it, for the whole area or each part below it, for one moment
or several); ``section`` makes one area's section of figures from the counts. ``cordon.reports.figures``
combines every app's sections (see its docstring for the rules and the shape)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from cordon.checkpoints.models import Checkpoint, DutyShift, PassageDayCount
from cordon.core.tallies import Tally, list_url, make_fig, make_section, number


def counts(viewer, code, m) -> list:
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


def section(raw, people) -> dict:
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
            "overrides": make_fig(
                _("Flagged people let through (override, with a reason)"), number(raw, "d_overrides"), times
            ),
            "passages_total": make_fig(_("Passages checked in all"), number(raw, "passages_total"), times),
        },
    )
