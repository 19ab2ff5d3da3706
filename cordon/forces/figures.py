"""The forces and their teams in the daily report and the dashboard. ``counts`` says what to count at a moment
(``core.tallies`` runs it, for the whole area or each part below it, for one moment or several);
``section`` makes one area's section of figures from the counts. ``cordon.reports.figures`` combines
every app's sections (see its docstring for the rules and the shape)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cordon.core.tallies import Tally, list_url, make_fig, make_section, number
from cordon.forces.models import Personnel, Team, TeamMember


def team_counts(viewer, code, m) -> list:
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


def _fold_kinds(counts: dict, row: dict) -> None:
    counts[f"kind:{row['kind']}"] = row["n"]


def counts(viewer, code, m) -> list:
    return [
        Tally(
            Personnel.objects.visible_to(viewer).within(code).filter(active=True),
            by=("kind",),
            aggregates={"n": Count("id")},
            fold=_fold_kinds,
        )
    ]


def section(raw, teams: dict, code, people) -> dict:
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
