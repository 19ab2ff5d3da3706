"""Every figure of the daily report (日报) and the dashboard, for an area as of a moment.

``area_figures(viewer=, area=, as_of=)`` counts from the records as history: the figures of
2020-02-21 24:00 are the same whether asked that night or in March. Each figure reads the dates on
its records (arrival dates, period start and end dates, alert opened/closed times, classification
changes, placement in/out dates, seal start/lift times, pass decision times, the passages' daily
roll-up, disinfection rounds planned/done, enterprise status changes); a later record with a later
date never changes an earlier day. Everything is counted through the viewer's scope, in a fixed
number of aggregate queries (``QUERIES``) however large the area.

Each section is written once, in two halves: ``_<section>_counts`` says what to count at a moment
(queries described, run by ``core.tallies.count``), ``_<section>`` makes an area's figures (labels,
units, links) from those counts. So the same queries count a county's towns side by side and the
county itself (``figures_with_parts``, the report's columns), or one area at two moments
(``figures_at``, the dashboard's now and yesterday), and every answer is the area's ``area_figures``.

Standing resources whose records carry no start date of their own are counted as they stand:
checkpoints (kind and opening hours) and personnel (active). Teams count from the day they were
created or their first member joined, whichever is earlier.

The shape (keys are stable; labels are translated, Chinese in the UI)::

    {
      "area": {"code": "131081103000", "name": "堂二里镇", "level": "town"},
      "date": "2020-02-21",                 # the day reported (local)
      "as_of": "2020-02-21T24:00+08:00",    # ISO; the end of that day, or the moment asked
      "zero_report": bool,                  # nothing new that day (零报告)
      "sections": {
        "<section>": {
          "label": "摸排外来人员",
          "figures": {
            "<figure>": {"label": "湖北旅居史人员", "value": 51, "unit": "人", "url": "/people/ledgers/?…"},
            ...
          },
        },
        ...
      },
      "release_dates": [{"date": "2020-02-23", "count": 1}, ...],   # contacts in quarantine, by planned end
      "sealed_areas": [{"code": "131081103215", "name": "四间房村", "since": "2020-02-09"}],
    }

``url`` is the list the figure counts, scoped to the viewer (absent when no list exists); for
"now" the count and the list agree.

Sections and figures:

- ``screening``: ``hubei`` (湖北旅居史, all time to the day), ``wuhan``, ``hubei_other``,
  ``hubei_fever`` (Hubei arrivals who ever had a fever alert), ``hubei_observing`` (still under
  observation), ``hubei_released`` (completed observation), ``others`` (non-Hubei), ``total``,
  ``new_today``, ``new_hubei_today``, and one ``cat_<code>`` per other ledger category.
- ``observation``: ``active``, ``home``, ``centralised``, ``monitoring``, ``released_total``,
  ``released_today``, ``opened_today``.
- ``alerts``: ``open``, ``opened_today``, ``referred_today``, ``referred_total``, ``tests_overdue``.
- ``cases``: ``confirmed``, ``suspected``, ``asymptomatic``, ``excluded``, ``cured``, ``died``,
  ``in_hospital``, ``new_confirmed``, ``changed_today``.
- ``contacts``: ``close``, ``secondary``, ``became_case``, ``traced_today``, ``placed``,
  ``in_quarantine``, ``released``, ``released_today``.
- ``lockdowns``: ``sealed``, ``passes_pending``, ``passes_applied_today``, ``deliveries_today``.
- ``checkpoints``: ``gates``, ``gates_24h``, ``gates_ordinary``, ``stations``, ``staff_on_duty``,
  ``passages``, ``people``, ``vehicles``, ``came_in``, ``went_out``, ``turned_back``, ``referred``,
  ``fever``, ``overrides``, ``passages_total``.
- ``disinfection``: ``teams``, ``rounds_done``, ``area_m2``, ``rounds_overdue``, ``tasks_overdue``.
- ``forces``: ``screening_teams``, ``teams``, ``personnel`` and one ``kind_<kind>`` per kind.
- ``enterprises``: ``registered``, ``open``, ``open_findings``, ``applied``, ``closed``,
  ``suspended``, ``findings_overdue``.
- ``stock``: ``below_warning``, ``fewest_days_left``, and per item ``on_hand_<item>``,
  ``days_left_<item>``, ``received_<item>``, ``issued_<item>``, ``used_<item>`` (``stock.figures``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case as CaseWhen
from django.db.models import Count, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.cases import figures as case_figures
from cordon.checkpoints import figures as checkpoint_figures
from cordon.core import codes
from cordon.core.privacy import mask_name
from cordon.core.tallies import Listing, Parts, Tally, count, list_url, make_fig, make_section, number, whole
from cordon.enterprises import figures as enterprise_figures
from cordon.forces import figures as forces_figures
from cordon.lockdowns import figures as lockdown_figures
from cordon.observation import stays
from cordon.observation.models import Alert, LabTest, Period, mode_on
from cordon.operations import figures as operations_figures
from cordon.people.models import Arrival, RiskCategory
from cordon.stock import figures as stock_figures

# The ledger categories that make up "湖北旅居史" (the default ledgers' codes; a deployment that
# renames its categories keeps these two codes for Wuhan and the rest of Hubei).
WUHAN = "wuhan"
HUBEI_OTHER = "hubei"
HUBEI = (WUHAN, HUBEI_OTHER)
# A test whose result has not come back this many days after the sample counts as overdue.
TEST_RESULT_DAYS = 2
# The number of queries ``area_figures`` makes, whatever the size of the area (pinned in tests).
QUERIES = 27  # once the viewer's roles are cached (the first read of a request fetches them)
# ``figures_with_parts`` for an area and the areas below it: the same queries grouped by part, and
# those whose counts do not add up over the parts (distinct people) once more over the whole.
QUERIES_WITH_PARTS = QUERIES + 4
# ``figures_at`` for two moments: the queries shared, but the enterprises' (their status then).
QUERIES_AT_TWO_MOMENTS = QUERIES + 1


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of ``day`` in local time: the moment a daily report speaks of."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class Moment:
    """The moment reported and the dates its figures read: the reported ``day`` and its local
    [``start``, ``end``) — "24:00" belongs to the day before —, ``as_of`` (at most the day's end) and
    ``release_day``, the 22nd at "24:00 on the 21st"."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    release_day: dt.date

    @classmethod
    def at(cls, as_of: dt.datetime) -> Moment:
        local = timezone.localtime(as_of)
        day = (local - dt.timedelta(microseconds=1)).date() if local.time() == dt.time.min else local.date()
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        end = start + dt.timedelta(days=1)
        as_of = min(as_of, end)
        return cls(day, start, end, as_of, timezone.localtime(as_of).date())


def area_figures(*, viewer, area: Area, as_of: dt.datetime) -> dict:
    """Every figure of the report for ``area`` as ``viewer`` sees it, as of ``as_of``.

    The caller has fetched ``area`` through the scope (``visible_area``); every count is filtered by
    the viewer's scope again, so a figure never includes a row the viewer may not see.
    """
    return figures_with_parts(viewer=viewer, area=area, as_of=as_of)[0]


def figures_with_parts(
    *, viewer, area: Area, as_of: dt.datetime, parts: Sequence[Area] = ()
) -> tuple[dict, list[dict]]:
    """``area_figures`` of ``area`` and of each of ``parts`` (areas directly below it: a county's
    towns), from one pass of grouped queries (``QUERIES_WITH_PARTS``) whatever the number of parts.
    Each part's figures are exactly its own ``area_figures``; the area's are the sum over all its
    rows (its own level's and those of parts not asked for included), exact where a sum is not."""
    lengths = {len(codes.prefix_of(part.code)) for part in parts}
    if len(lengths) > 1:  # areas of two levels below (a city's counties and its own towns)
        columns = [area_figures(viewer=viewer, area=part, as_of=as_of) for part in parts]
        return area_figures(viewer=viewer, area=area, as_of=as_of), columns
    return _compute(viewer, area, [as_of], parts, Parts(lengths.pop() if lengths else None))[0]


def own_level_figures(*, viewer, area: Area, as_of: dt.datetime, below: str) -> dict:
    """The figures of the rows at ``area``'s own level only (a county's own road station, its own
    cases), none of the areas below it: the rows whose code's first digits for level ``below`` are
    ``area``'s own (a county 131081000000 → towns' 9 digits "131081000", which no town has). What a
    county adds to its towns' sent reports when it sends its own."""
    length = codes.PREFIX_LENGTH[below]
    return _compute(viewer, area, [as_of], [area], Parts(length))[0][1][0]


def summed(area: Area, day: dt.date, parts: Sequence[dict]) -> dict:
    """The figures of ``area`` for ``day`` as the sum of ``parts`` (figures in the report's shape: the
    towns' sent reports and the county's own rows). Every value is added; a figure some part lacks (a
    ledger category of one town) counts 0 there; the labels are the first part's; no list links (the
    sum is of frozen reports, not of the records)."""
    sections: dict = {}
    release: Counter = Counter()
    sealed: list = []
    for part in parts:
        for key, section in part.get("sections", {}).items():
            into = sections.setdefault(key, {"label": section["label"], "figures": {}})
            for fkey, figure in section["figures"].items():
                have = into["figures"].setdefault(
                    fkey, {"label": figure["label"], "value": 0, "unit": figure.get("unit", "")}
                )
                if isinstance(figure.get("value"), int | float):
                    have["value"] += figure["value"]
        for entry in part.get("release_dates", []):
            release[entry["date"]] += entry["count"]
        sealed.extend(part.get("sealed_areas", []))
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "date": day.isoformat(),
        "as_of": timezone.localtime(end_of_day(day)).isoformat(),
        "zero_report": all(
            sections.get(s, {}).get("figures", {}).get(f, {}).get("value", 0) == 0 for s, f in NEW_THAT_DAY
        ),
        "sections": sections,
        "release_dates": [{"date": d, "count": n} for d, n in sorted(release.items())],
        "sealed_areas": sorted(sealed, key=lambda a: a["code"]),
    }


def figures_at(*, viewer, area: Area, moments: Sequence[dt.datetime]) -> list[dict]:
    """``area_figures`` of ``area`` at each of ``moments`` (the dashboard's now and yesterday 24:00),
    from the same queries: ``QUERIES_AT_TWO_MOMENTS`` for two."""
    return [figures for figures, _columns in _compute(viewer, area, moments, (), Parts())]


def _compute(viewer, area: Area, moments, parts: Sequence[Area], grouping: Parts) -> list[tuple[dict, list]]:
    """Per moment, ``area``'s figures and those of each of ``parts`` (counted as ``grouping`` says)."""
    at = [Moment.at(as_of) for as_of in moments]
    names = {c.code: c.name for c in RiskCategory.objects.order_by("priority", "code")}
    catalogue = stock_figures.catalogue()
    sections = {
        "screening": _screening_counts,
        "observation": _observation_counts,
        "alerts": _alerts_counts,
        "cases": case_figures.case_counts,
        "contacts": case_figures.contact_counts,
        "lockdowns": lockdown_figures.counts,
        "checkpoints": checkpoint_figures.counts,
        "teams": forces_figures.team_counts,
        "disinfection": operations_figures.counts,
        "forces": forces_figures.counts,
        "enterprises": enterprise_figures.counts,
        "stock": stock_figures.counts,
    }
    # {section: [{part: counts} per moment]}
    counts = {
        key: count([plan(viewer, area.code, m) for m in at], grouping) for key, plan in sections.items()
    }
    answers = []
    for i, m in enumerate(at):
        raw = {key: c[i] for key, c in counts.items()}
        figures = _figures(viewer, area, m, {key: whole(c) for key, c in raw.items()}, names, catalogue)
        columns = [
            _figures(
                viewer,
                part,
                m,
                {key: c.get(grouping.of(part.code), {}) for key, c in raw.items()},
                names,
                catalogue,
            )
            for part in parts
        ]
        answers.append((figures, columns))
    return answers


def _figures(viewer, area: Area, m: Moment, raw: dict[str, dict], names: dict, catalogue: tuple) -> dict:
    """One area's figures (the report's shape, see the module docstring) from its raw counts."""
    code = area.code
    people, places = _("unit: people"), _("unit: areas")
    lockdowns, sealed = lockdown_figures.section(raw["lockdowns"], code, places)
    sections = {
        "screening": _screening(raw["screening"], names, code, people),
        "observation": _observation(raw["observation"], code, people),
        "alerts": _alerts(raw["alerts"], code, people),
        "cases": case_figures.cases_section(raw["cases"], viewer, code, people),
        "contacts": case_figures.contacts_section(raw["contacts"], people),
        "lockdowns": lockdowns,
        "checkpoints": checkpoint_figures.section(raw["checkpoints"], people),
        "disinfection": operations_figures.section(raw["disinfection"], raw["teams"], code),
        "forces": forces_figures.section(raw["forces"], raw["teams"], code, people),
        "enterprises": enterprise_figures.section(raw["enterprises"], code),
        "stock": stock_figures.section(raw["stock"], catalogue, code),
    }
    release_dates = Counter()
    for end, n in raw["contacts"].get("release", []):
        release_dates[end] += n
    return {
        "area": {"code": code, "name": area.name, "level": area.level},
        "date": m.day.isoformat(),
        "as_of": timezone.localtime(m.as_of).isoformat(),
        "zero_report": is_zero_report(sections),
        "sections": sections,
        "release_dates": [{"date": end.isoformat(), "count": n} for end, n in sorted(release_dates.items())],
        "sealed_areas": sealed,
        "unresolved": _unresolved(raw["screening"]),
    }


def _unresolved(raw: dict) -> list[dict]:
    """The items a figure leaves open, each named (masked): Hubei arrivals never observed."""
    return [
        {
            "kind": "hubei_never_observed",
            "name": mask_name(name or ""),
            "arrival_date": arrived.isoformat(),
            "url": reverse("people:detail", args=[person]),
        }
        for arrived, person, name in sorted(raw.get("never_list", []), key=lambda item: (item[0], item[1]))
    ]


# Figures that, when all zero, make the day's report a zero report (零报告): nothing new happened.
NEW_THAT_DAY = (
    ("screening", "new_today"),
    ("alerts", "opened_today"),
    ("cases", "changed_today"),
    ("contacts", "traced_today"),
)


def is_zero_report(sections: dict) -> bool:
    return all(sections[s]["figures"][f]["value"] == 0 for s, f in NEW_THAT_DAY)


def value(figures: dict, path: str):
    """``value(figs, "screening.hubei")``: one figure's value."""
    section, key = path.split(".")
    return figures["sections"][section]["figures"][key]["value"]


def _fold_categories(counts: dict, row: dict) -> None:
    counts[f"total:{row['category_id']}"] = row["total"]
    counts[f"today:{row['category_id']}"] = row["today"]


def _fold_never_observed(counts: dict, row: dict) -> None:
    counts["never"] = counts.get("never", 0) + 1
    counts.setdefault("never_list", []).append((row["arrival_date"], row["person_id"], row["person_name"]))


def _screening_counts(viewer, code, m: Moment) -> list:
    ended = ended_q(m.day, m.release_day)
    observed = Period.objects.filter(reason=Period.Reason.ARRIVAL, arrival=OuterRef("pk"))
    return [
        Tally(
            Arrival.objects.visible_to(viewer).within(code),
            where=Q(arrival_date__lte=m.day),
            by=("category_id",),
            # Counting a column of the ledger index (not the id, which it lacks on PostgreSQL), so
            # that a county's arrivals are counted from the index alone.
            aggregates={
                "total": Count("arrival_date"),
                "today": Count("arrival_date", filter=Q(arrival_date=m.day)),
            },
            fold=_fold_categories,
        ),
        Tally(
            Period.objects.visible_to(viewer)
            .within(code)
            .filter(reason=Period.Reason.ARRIVAL, arrival__category_id__in=HUBEI),
            where=Q(opened_on__lte=m.day),
            aggregates={
                "observing": Count("id", filter=~ended),
                "released": Count("id", filter=ended & Q(status=Period.Status.COMPLETED)),
                "closed": Count("id", filter=ended & ~Q(status=Period.Status.COMPLETED)),
            },
        ),
        # Hubei arrivals never put under observation by then: unresolved items, each named.
        Listing(
            Arrival.objects.visible_to(viewer).within(code).filter(category_id__in=HUBEI),
            where=Q(arrival_date__lte=m.day) & ~Q(Exists(observed.filter(opened_on__lte=m.day))),
            fields=("id", "person_id", "arrival_date"),
            annotations={"person_name": F("person__name")},
            fold=_fold_never_observed,
        ),
        # The Hubei arrivals who had a fever, counted from their fever alerts (a few per thousand
        # periods) rather than from every period: an alert is in its period's area, so the rows the
        # scope keeps are those of the periods above.
        Tally(
            Alert.objects.visible_to(viewer)
            .within(code)
            .filter(
                kind=Alert.Kind.FEVER,
                period__reason=Period.Reason.ARRIVAL,
                period__arrival__category_id__in=HUBEI,
            ),
            where=Q(opened_at__lt=m.as_of, period__opened_on__lte=m.day),
            exact=("fever",),  # a person may have periods in two towns
            aggregates={"fever": Count("period__person", distinct=True)},
        ),
    ]


def _screening(raw, names, code, people) -> dict:
    def total(codes, key="total"):
        return sum(number(raw, f"{key}:{c}") for c in codes)

    others = [c for c in names if c not in HUBEI]
    ledger = "people:ledger"
    figures = {
        "hubei": make_fig(_("With a travel history in Hubei"), total(HUBEI), people),
        "wuhan": make_fig(
            _("Of which from Wuhan"), total([WUHAN]), people, list_url(ledger, category=WUHAN, area=code)
        ),
        "hubei_other": make_fig(
            _("From elsewhere in Hubei"),
            total([HUBEI_OTHER]),
            people,
            list_url(ledger, category=HUBEI_OTHER, area=code),
        ),
        "hubei_fever": make_fig(_("Of whom had a fever"), number(raw, "fever"), people),
        "hubei_observing": make_fig(_("Of whom still under observation"), number(raw, "observing"), people),
        "hubei_released": make_fig(_("Of whom completed observation"), number(raw, "released"), people),
        "hubei_closed": make_fig(
            _("Of whom ended observation otherwise (became a case, left)"), number(raw, "closed"), people
        ),
        "hubei_never_observed": make_fig(
            _("Of whom never under observation (to resolve)"), number(raw, "never"), people
        ),
        "others": make_fig(_("From places other than Hubei"), total(others), people),
    }
    for category in others:
        figures[f"cat_{category}"] = make_fig(
            names[category], total([category]), people, list_url(ledger, category=category, area=code)
        )
    figures["total"] = make_fig(_("Incoming people screened"), total(names), people)
    figures["new_today"] = make_fig(_("Arrived that day"), total(names, "today"), people)
    figures["new_hubei_today"] = make_fig(_("Arrived from Hubei that day"), total(HUBEI, "today"), people)
    return make_section(_("Incoming people screened"), figures)


PERIOD_COMPLETED = Q(status=Period.Status.COMPLETED)


def ended_q(day: dt.date, release_day: dt.date) -> Q:
    """Periods over by the moment reported, by the one rule of ``observation.stays``: a completed
    period is over at 00:00 of its release day, one closed early at the end of the day it closed."""
    return stays.over_q(end="actual_end", completed=PERIOD_COMPLETED, day=day, released_by=release_day)


# A period's state at a moment (``period_state``): under observation, over by completing it, over
# otherwise (closed early), or not yet opened.
ACTIVE, RELEASED, CLOSED, LATER = "active", "released", "closed", "later"


def period_state(day: dt.date, release_day: dt.date) -> CaseWhen:
    """Where a period stands at the moment of ``day`` (see ``ended_q``): one expression per row, so
    that counting by state and mode reads each row once instead of once per figure."""
    ended = ended_q(day, release_day)
    return CaseWhen(
        When(ended & Q(status=Period.Status.COMPLETED), then=Value(RELEASED)),
        When(ended, then=Value(CLOSED)),
        When(opened_on__lte=day, then=Value(ACTIVE)),
        default=Value(LATER),
    )


def _fold_states(counts: dict, row: dict) -> None:
    """One (mode, state) group of periods into the section's counts."""

    def add(name: str, n: int) -> None:
        counts[name] = counts.get(name, 0) + n

    add("opened_today", row["opened_today"])
    add("released_today", row["released_today"])
    if row["state"] == ACTIVE:
        add("active", row["n"])
        if row["mode_then"] != MOVED_LATER:  # those are counted by ``_fold_moved``
            add(row["mode_then"], row["n"])  # home, centralised or monitoring
    elif row["state"] == RELEASED:
        add("released_total", row["n"])


# The mode a period counts in on a day: its mode now, unless it moved after that day.
MOVED_LATER = "moved_later"


def mode_then(day: dt.date) -> CaseWhen:
    """A period's mode on ``day`` when it has not moved since (its mode now), else ``MOVED_LATER``:
    those few periods are read one by one and counted in the mode their transfers say (``mode_on``)."""
    return CaseWhen(When(moved_on__gt=day, then=Value(MOVED_LATER)), default=F("mode"))


def _fold_moved(day: dt.date):
    def fold(counts: dict, row: dict) -> None:
        mode = mode_on(mode=row["mode"], transfers=(row["plan"] or {}).get("transfers", []), day=day)
        counts[mode] = counts.get(mode, 0) + 1

    return fold


def _observation_counts(viewer, code, m: Moment) -> list:
    day, release_day = m.day, m.release_day
    released_today = stays.ended_that_day_q(
        end="actual_end", completed=PERIOD_COMPLETED, day=day, released_by=release_day
    )
    periods = Period.objects.visible_to(viewer).within(code)
    return [
        Tally(
            periods,
            by_as={"state": period_state(day, release_day), "mode_then": mode_then(day)},
            aggregates={
                "n": Count("id"),
                "released_today": Count("id", filter=released_today),
                "opened_today": Count("id", filter=Q(opened_on=day)),
            },
            fold=_fold_states,
        ),
        # The periods under observation that day that moved between modes after it: each in the
        # mode it was in then (a move counts from its own day, never back to the opening).
        Listing(
            periods,
            where=Q(moved_on__gt=day, opened_on__lte=day) & ~ended_q(day, release_day),
            fields=("mode", "plan"),
            fold=_fold_moved(day),
        ),
    ]


def _observation(raw, code, people) -> dict:
    triage = list_url("observation:triage", area=code)
    return make_section(
        _("Under medical observation"),
        {
            "active": make_fig(_("Under observation"), number(raw, "active"), people, triage),
            "home": make_fig(_("At home"), number(raw, "home"), people),
            "centralised": make_fig(_("Centralised"), number(raw, "centralised"), people),
            "monitoring": make_fig(_("Health monitoring"), number(raw, "monitoring"), people),
            "released_total": make_fig(_("Released from observation"), number(raw, "released_total"), people),
            "released_today": make_fig(_("Released that day"), number(raw, "released_today"), people),
            "opened_today": make_fig(_("Started observation that day"), number(raw, "opened_today"), people),
        },
    )


def _alerts_counts(viewer, code, m: Moment) -> list:
    alerts = Tally(
        Alert.objects.visible_to(viewer).within(code),
        where=Q(opened_at__lt=m.as_of),
        aggregates={
            "open": Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=m.as_of)),
            "opened_today": Count("id", filter=Q(opened_at__gte=m.start)),
            "referred_today": Count("id", filter=Q(referred_at__gte=m.start, referred_at__lt=m.end)),
            "referred_total": Count("id", filter=Q(referred_at__lt=m.as_of)),
        },
    )
    overdue = Tally(
        LabTest.objects.visible_to(viewer).within(code),
        where=Q(sample_date__lte=m.day - dt.timedelta(days=TEST_RESULT_DAYS))
        & (Q(result_date__isnull=True, result=LabTest.Result.PENDING) | Q(result_date__gt=m.day)),
        aggregates={"tests_overdue": Count("id")},
    )
    return [alerts, overdue]


def _alerts(raw, code, people) -> dict:
    return make_section(
        _("Fever alerts and tests"),
        {
            "open": make_fig(
                _("Fever alerts open"),
                number(raw, "open"),
                people,
                list_url("observation:triage", tab="symptomatic", area=code),
            ),
            "opened_today": make_fig(_("Alerts raised that day"), number(raw, "opened_today"), people),
            "referred_today": make_fig(
                _("Referred to the fever clinic that day"), number(raw, "referred_today"), people
            ),
            "referred_total": make_fig(
                _("Referred to the fever clinic"), number(raw, "referred_total"), people
            ),
            "tests_overdue": make_fig(_("Test results overdue"), number(raw, "tests_overdue"), people),
        },
    )
