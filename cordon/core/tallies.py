"""Counting an area and its parts at one moment or several, in the same queries: how the report's and
the apps' figures are counted.

A section of the report says what it counts as a list of queries for one moment (``Tally``: aggregates
over the rows ``where`` keeps; ``Listing``: rows read one by one); ``count`` runs them.

Parts. A county's report shows its towns side by side. Counting each town apart would cost the
report's queries once per town; instead each query groups its rows by the first digits of their area
code (a town's 9, ``codes.prefix_of``) — or, when its counts add up, by the area code itself (the
indexes' order: no code cut per row), summed into parts here — so the same queries give every
town's counts. The county's
own are their sum over every part — rows of towns the viewer may not read and rows at the county's own
level included. A count that does not add up over the parts (distinct people: a person may have
records in two towns) is counted once more over the whole area (``exact``), so the county's figure
stays exact.

Moments. The dashboard compares now with yesterday 24:00. The same query answers both: its rows are
those either moment keeps, and each aggregate is filtered by its own moment's ``where`` (``Listing``:
each row says which moments keep it). A grouping by an expression of the moment (``Tally.by_as``: a
period's state then) becomes one column per moment. A query whose aggregates read an annotation made
for the moment (``Tally.annotations``) is run once per moment.

Counts come back as ``{part: {name: value}}`` per moment; the whole area's part is ``WHOLE``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Substr

WHOLE = ""  # the key of the whole area's counts


@dataclass(frozen=True)
class Parts:
    """``length`` None: count the whole area (every count under ``WHOLE``). Else: count each part,
    keyed by the first ``length`` digits of the row's area code."""

    length: int | None = None

    def of(self, code: str) -> str:
        """The part a row of area ``code`` counts in."""
        return WHOLE if self.length is None else code[: self.length]


def _update(counts: dict, row: dict) -> None:
    counts.update(row)


@dataclass
class Tally:
    """``aggregates`` over the rows of ``queryset`` that ``where`` keeps, grouped by the fields ``by``
    (and expressions ``by_as``) when given; ``fold`` puts each result row into its part's counts.
    ``area_field`` holds the rows' area code (the queryset's scope field unless said); ``exact`` names the
    aggregates that do not add up over the parts; ``annotations`` are made before the aggregates (which
    may filter on them)."""

    queryset: object
    aggregates: dict
    where: Q | None = None
    by: tuple = ()
    by_as: dict = field(default_factory=dict)
    area_field: str | None = None
    exact: tuple = ()
    annotations: dict = field(default_factory=dict)
    fold: Callable[[dict, dict], None] = _update


@dataclass
class Listing:
    """The rows of ``queryset`` that ``where`` keeps, each read as its ``fields`` and ``annotations``
    and folded into its part's counts (a few hundred rows: a county's cases, its sealed areas)."""

    queryset: object
    fold: Callable[[dict, dict], None]
    fields: tuple = ()
    annotations: dict = field(default_factory=dict)
    where: Q | None = None


def count(plans: list[list], parts: Parts) -> list[dict[str, dict]]:
    """Run the queries of each moment (``plans[i]``: moment i's, the same queries in the same order);
    per moment, ``{part: counts}``."""
    results: list[dict[str, dict]] = [{} for _ in plans]
    for specs in zip(*plans, strict=True):
        if len(specs) > 1 and not (isinstance(specs[0], Tally) and specs[0].annotations):
            _shared(list(specs), parts, results)
        else:
            for spec, counts in zip(specs, results, strict=True):
                _shared([spec], parts, [counts])
    return results


def _values(queryset, parts: Parts, area_field: str | None, *fields, **expressions):
    queryset = queryset.order_by()
    if parts.length is None:
        return queryset.values(*fields, **expressions)
    code = Substr(area_field or queryset.scope_field, 1, parts.length)
    return queryset.annotate(_part=code).values("_part", *fields, **expressions)


def _by_area(queryset, parts: Parts, area_field: str | None, by: tuple, by_as: dict, aggregates: dict):
    """The rows of ``_values(…).annotate(**aggregates)``, grouped by the rows' own area code (in the
    order of the indexes that lead with it, so no code is cut per row) and summed into parts here:
    only for aggregates that add up over areas (no distinct count)."""
    field_name = area_field or queryset.scope_field
    rows = queryset.order_by().values(field_name, *by, **by_as).annotate(**aggregates)
    merged: dict[tuple, dict] = {}
    for row in rows:
        part = parts.of(row.pop(field_name))
        key = (part, *(row[name] for name in (*by, *by_as)))
        into = merged.get(key)
        if into is None:
            merged[key] = {**row, "_part": part}
            continue
        for name in aggregates:
            if row[name] is not None:
                into[name] = row[name] if into[name] is None else into[name] + row[name]
    return merged.values()


def _aggregate(queryset, aggregates: dict) -> dict:
    """``queryset.aggregate(**aggregates)``, made as an annotation of no group instead: Django's
    ``aggregate`` rewrites each aggregate's filter against every one before it, which for the
    dashboard's 14 filtered counts of two moments cost more than the query."""
    row = queryset.order_by().values(_one=Value(1)).annotate(**aggregates).values(*aggregates)
    return next(iter(row), None) or dict.fromkeys(aggregates)


def _adds_up(aggregates: dict) -> bool:
    return not any(getattr(aggregate, "distinct", False) for aggregate in aggregates.values())


def _kept(queryset, wheres: list):
    """The rows any moment keeps (all of them when one moment keeps every row)."""
    if any(where is None for where in wheres):
        return queryset
    return queryset.filter(reduce(or_, wheres))


def _within(aggregate, where: Q | None):
    """``aggregate`` counting only the rows ``where`` keeps."""
    if where is None:
        return aggregate
    aggregate = aggregate.copy()
    aggregate.filter = where if aggregate.filter is None else where & aggregate.filter
    return aggregate


def _shared(specs: list, parts: Parts, results: list[dict]) -> None:
    """One query for the moments of ``specs`` (one spec per moment), folded into ``results``."""
    first = specs[0]
    if len(specs) == 1:  # one moment: its ``where`` filters the rows, the aggregates as written
        queryset = first.queryset if first.where is None else first.queryset.filter(first.where)
        named = [{name: name for name in _names(first)}]
    else:
        queryset = _kept(first.queryset, [spec.where for spec in specs])
        named = [{name: f"{name}@{i}" for name in _names(first)} for i in range(len(specs))]
    if isinstance(first, Listing):
        _listing(specs, parts, results, queryset, named)
        return
    if first.annotations:
        queryset = queryset.annotate(**first.annotations)
    aggregates = {}
    for spec, names in zip(specs, named, strict=True):
        where = spec.where if len(specs) > 1 else None
        aggregates.update({names[n]: _within(a, where) for n, a in spec.aggregates.items()})
    # Groups by an expression of the moment (a period's state then) are one column per moment.
    by_moment = len(specs) > 1 and any(spec.by_as != first.by_as for spec in specs)
    by_as, by_names = first.by_as, [{key: key for key in (*first.by, *first.by_as)} for _spec in specs]
    if by_moment:
        by_as = {f"{key}@{i}": e for i, spec in enumerate(specs) for key, e in spec.by_as.items()}
        by_names = [
            {**{key: key for key in first.by}, **{key: f"{key}@{i}" for key in spec.by_as}}
            for i, spec in enumerate(specs)
        ]
    grouped = parts.length is not None or first.by or first.by_as
    if not grouped:
        rows = [_aggregate(queryset, aggregates)]
    elif parts.length is not None and _adds_up(aggregates):
        rows = _by_area(queryset, parts, first.area_field, first.by, by_as, aggregates)
    else:
        rows = _values(queryset, parts, first.area_field, *first.by, **by_as).annotate(**aggregates)
    for row in rows:
        part = row.get("_part", WHOLE)
        for spec, names, groups, counts in zip(specs, named, by_names, results, strict=True):
            view = {name: row[key] for name, key in names.items()}
            if len(specs) > 1 and (first.by or first.by_as) and not any(view.values()):
                continue  # a group no row of this moment is in
            view.update({name: row[key] for name, key in groups.items()})
            spec.fold(counts.setdefault(part, {}), view)  # its own moment's
    if first.exact and parts.length is not None:
        whole = _aggregate(queryset, {names[n]: aggregates[names[n]] for names in named for n in first.exact})
        for names, counts in zip(named, results, strict=True):
            counts.setdefault(WHOLE, {}).update({n: whole[names[n]] for n in first.exact})


def _names(spec) -> list[str]:
    return list(spec.annotations) if isinstance(spec, Listing) else list(spec.aggregates)


def _listing(specs: list, parts: Parts, results: list[dict], queryset, named: list[dict]) -> None:
    first = specs[0]
    annotations = {}
    for spec, names in zip(specs, named, strict=True):
        annotations.update({names[n]: e for n, e in spec.annotations.items()})
    kept = {}
    if len(specs) > 1:
        kept = {
            f"_in@{i}": ExpressionWrapper(spec.where, output_field=BooleanField())
            for i, spec in enumerate(specs)
            if spec.where is not None
        }
    rows = _values(queryset, parts, None, *first.fields, **annotations, **kept)
    for row in rows:
        part = row.get("_part", WHOLE)
        for i, (spec, names, counts) in enumerate(zip(specs, named, results, strict=True)):
            if kept and f"_in@{i}" in kept and not row[f"_in@{i}"]:
                continue
            view = {name: row[key] for name, key in names.items()}
            view.update({key: row[key] for key in first.fields})
            spec.fold(counts.setdefault(part, {}), view)  # its own moment's


def whole(counts: dict[str, dict]) -> dict:
    """The whole area's counts: the sum over its parts (lists put end to end), then the exact counts
    made over the whole area in place of their sums."""
    total: dict = {}
    for part, row in counts.items():
        if part == WHOLE:
            continue
        for name, value in row.items():
            if value is None:
                continue
            total[name] = total[name] + value if name in total else value
    total.update(counts.get(WHOLE, {}))
    return total
