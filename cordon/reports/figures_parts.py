"""How the report's counts are keyed: the whole area at once, or each part below it in the same query.

A county's report shows its towns side by side. Counting each town apart would cost the report's
queries once per town; instead each query groups its rows by the first digits of their area code
(a town's 9, ``codes.prefix_of``), so the same queries give every town's counts. The county's own are
their sum over every part — rows of towns the viewer may not read and rows at the county's own level
included. A count that does not add up over the parts (distinct people: a person may have records in
two towns) is counted once more over the whole area, so the county's figure stays exact.

Counts come back as ``{part: {name: number}}``; the whole area's part is ``WHOLE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Substr

WHOLE = ""  # the key of the whole area's counts


@dataclass(frozen=True)
class Parts:
    """``length`` None: count the whole area (every count under ``WHOLE``, as ``aggregate`` does).
    Else: count each part, keyed by the first ``length`` digits of the row's area code."""

    length: int | None = None

    def of(self, code: str) -> str:
        """The part a row of area ``code`` counts in."""
        return WHOLE if self.length is None else code[: self.length]

    def aggregate(self, queryset, *, field: str | None = None, exact=(), **aggregates) -> dict[str, dict]:
        """``queryset.aggregate(**aggregates)`` for each part. ``field`` holds the rows' area code
        (the queryset's scope field unless said); ``exact`` names the aggregates that do not add up over
        the parts, counted once more over the whole area."""
        if self.length is None:
            return {WHOLE: queryset.aggregate(**aggregates)}
        counts = {row.pop("_part"): row for row in self.values(queryset, field=field).annotate(**aggregates)}
        if exact:
            counts[WHOLE] = queryset.aggregate(**{name: aggregates[name] for name in exact})
        return counts

    def values(self, queryset, *fields, field: str | None = None, **expressions):
        """``queryset.values(*fields, **expressions)`` with the part of each row as ``_part`` (read it
        with ``part``), to group by with ``annotate``."""
        queryset = queryset.order_by()
        if self.length is None:
            return queryset.values(*fields, **expressions)
        code = Substr(field or queryset.scope_field, 1, self.length)
        return queryset.annotate(_part=code).values("_part", *fields, **expressions)

    @staticmethod
    def part(row: dict) -> str:
        return row.get("_part", WHOLE)


def merge(*counts: dict[str, dict]) -> dict[str, dict]:
    """Several queries' ``{part: {name: number}}`` as one (their names do not clash)."""
    merged: dict[str, dict] = {}
    for each in counts:
        for part, row in each.items():
            merged.setdefault(part, {}).update(row)
    return merged


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
