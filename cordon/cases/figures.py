"""Cases and contacts in the daily report and the dashboard: ``case_counts`` and ``contact_counts`` say
what to count at a moment (``core.tallies`` runs them); ``cases_section`` and ``contacts_section`` make
an area's sections from the counts. ``cordon.reports.figures`` combines every app's sections."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from cordon.accounts.permissions import CASE_WORKERS
from cordon.accounts.scope import has_role
from cordon.cases.models import Case, ClassificationChange, ContactLink, Placement
from cordon.core.tallies import Listing, Tally, list_url, make_fig, make_section, number
from cordon.observation import stays

PLACEMENT_RELEASED = Q(outcome=Placement.Outcome.RELEASED)


def placement_over_q(day: dt.date, release_day: dt.date) -> Q:
    """Placements over by the moment reported: the same rule as the periods (``observation.stays``),
    so a contact released with their period leaves both figures at the same moment."""
    return stays.over_q(end="left_on", completed=PLACEMENT_RELEASED, day=day, released_by=release_day)


def case_counts(viewer, code, m) -> list:
    day = m.day
    latest = ClassificationChange.objects.filter(case=OuterRef("pk"), on__lte=day).order_by("-on", "-id")

    def fold(counts: dict, row: dict) -> None:
        classification = row["as_of"]
        if classification:
            ended = row["outcome_on"] is not None and row["outcome_on"] <= day
            new = classification == Case.Classification.CONFIRMED and row["confirmed_on"] == day
            for name, counted in (
                (classification, True),
                ("cured", row["outcome"] == Case.Outcome.DISCHARGED and ended),
                ("died", row["outcome"] == Case.Outcome.DIED and ended),
                ("new_confirmed", new),
            ):
                counts[name] = counts.get(name, 0) + counted
        counts["changed_today"] = counts.get("changed_today", 0) + bool(row["changed_today"])

    # One row per case (a town has tens, a county hundreds): the classification then is a subquery,
    # which PostgreSQL will not let an aggregate's filter reach into.
    return [
        Listing(
            Case.objects.visible_to(viewer)
            .within(code)
            .filter(person__isnull=False),  # a source case outside the town is not the town's case
            fields=("outcome", "outcome_on", "confirmed_on"),
            annotations={
                "as_of": Subquery(latest.values("classification")[:1]),
                "changed_today": Exists(ClassificationChange.objects.filter(case=OuterRef("pk"), on=day)),
            },
            fold=fold,
        )
    ]


def cases_section(raw, viewer, code, people) -> dict:
    counts = {name: number(raw, name) for name in [*Case.Classification.values, "cured", "died"]}
    in_hospital = (
        counts["confirmed"] + counts["asymptomatic"] + counts["suspected"] - counts["cured"] - counts["died"]
    )

    # The counts go up in the report; the list of cases is clinical (health workers, command centre).
    clinical = has_role(viewer, code, *CASE_WORKERS)

    def url(classification):
        return list_url("cases:list", classification=classification, area=code) if clinical else None

    return make_section(
        _("Cases"),
        {
            "confirmed": make_fig(_("Confirmed"), counts["confirmed"], people, url("confirmed")),
            "suspected": make_fig(_("Suspected"), counts["suspected"], people, url("suspected")),
            "asymptomatic": make_fig(_("Asymptomatic"), counts["asymptomatic"], people, url("asymptomatic")),
            "excluded": make_fig(_("Excluded"), counts["excluded"], people, url("excluded")),
            "cured": make_fig(_("Cured and discharged"), counts["cured"], people),
            "died": make_fig(_("Deaths"), counts["died"], people),
            "in_hospital": make_fig(_("Still in treatment"), max(in_hospital, 0), people),
            "new_confirmed": make_fig(_("Confirmed that day"), number(raw, "new_confirmed"), people),
            "changed_today": make_fig(
                _("New or reclassified that day"), number(raw, "changed_today"), people
            ),
        },
    )


def _fold_release(counts: dict, row: dict) -> None:
    counts.setdefault("release", []).append((row["end"], row["n"]))


def contact_counts(viewer, code, m) -> list:
    day = m.day
    placements = Placement.objects.visible_to(viewer).within(code)
    placed = Q(placed_on__lte=day)
    over = placement_over_q(day, m.release_day)
    inside = Q(left_on__isnull=True) | ~over
    return [
        Tally(
            ContactLink.objects.visible_to(viewer).within(code),
            # Counted by the day the tracing happened, not the day it was typed in.
            where=Q(traced_on__lte=day),
            exact=("close", "secondary", "became_case"),  # people, who may be contacts in two towns
            aggregates={
                "close": Count("person", distinct=True, filter=Q(degree=ContactLink.Degree.CLOSE)),
                "secondary": Count("person", distinct=True, filter=Q(degree=ContactLink.Degree.SECONDARY)),
                # Confirmed on a later day than traced: a case registered with its source (the link
                # recorded that day) is that case's source, not a contact who became a case.
                "became_case": Count(
                    "person",
                    distinct=True,
                    filter=Q(
                        contact_case__confirmed_on__lte=day, contact_case__confirmed_on__gt=F("traced_on")
                    ),
                ),
                "traced_today": Count("id", filter=Q(traced_on=day)),
            },
        ),
        Tally(
            placements,
            where=placed,
            exact=("placed",),
            aggregates={
                "placed": Count("person", distinct=True),
                "in_quarantine": Count("id", filter=inside),
                "released": Count("id", filter=PLACEMENT_RELEASED & over),
                "released_today": Count(
                    "id",
                    filter=stays.ended_that_day_q(
                        end="left_on", completed=PLACEMENT_RELEASED, day=day, released_by=m.release_day
                    ),
                ),
            },
        ),
        # Contacts in quarantine by planned end: (date, count) pairs, summed by date over the parts.
        Tally(
            placements.filter(period__isnull=False),
            where=placed & inside,
            by_as={"end": F("period__planned_end")},
            aggregates={"n": Count("id")},
            fold=_fold_release,
        ),
    ]


def contacts_section(raw, people) -> dict:
    sites = list_url("cases:sites")
    return make_section(
        _("Close contacts and quarantine"),
        {
            "close": make_fig(_("Close contacts traced"), number(raw, "close"), people),
            "secondary": make_fig(_("Secondary contacts traced"), number(raw, "secondary"), people),
            "became_case": make_fig(_("Contacts who became cases"), number(raw, "became_case"), people),
            "traced_today": make_fig(_("Contacts traced that day"), number(raw, "traced_today"), people),
            "placed": make_fig(_("Placed in centralised quarantine"), number(raw, "placed"), people),
            "in_quarantine": make_fig(
                _("In centralised quarantine"), number(raw, "in_quarantine"), people, sites
            ),
            "released": make_fig(_("Released from centralised quarantine"), number(raw, "released"), people),
            "released_today": make_fig(_("Released that day"), number(raw, "released_today"), people),
        },
    )
