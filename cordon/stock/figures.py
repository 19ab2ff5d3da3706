"""The teams' stock counted: per store, per area, what each team and checkpoint used, days left, and
the stock section of the daily report.

Every figure is a sum of movements (``stock.models``), so for a store, an area or the town,
received − issued − used = on hand, at any moment. "Days left" divides what is on hand by the last
7 days' rate of stock going out: for a store, what it issued and used; for an area, what was used in
it and what went out of it to sealed areas' gates (a transfer between two of its own stores is not
consumption). No going out in those 7 days: no days-left figure. An item is below its warning level
when the area's total on hand is under the level the town set for it (an item the area never
received is not kept there, and is not flagged).

``counts``/``section`` follow ``cordon.reports.figures``' two halves (see its docstring).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.core import codes
from cordon.core.tallies import Tally, list_url, make_fig, make_section
from cordon.stock.models import Item, ItemLevel, Movement, Store

RATE_DAYS = 7
ZERO = Decimal(0)

RECEIVED = Q(kind=Movement.Kind.RECEIVED)
ISSUED = Q(kind=Movement.Kind.ISSUED)
USED = Q(kind=Movement.Kind.USED)
# Stock that left an area: used in it, or delivered to a sealed area's gate.
GONE = USED | Q(kind=Movement.Kind.ISSUED, other_store__isnull=True)


@dataclass
class Line:
    """One item's figures in a store or an area."""

    item: Item
    received: Decimal = ZERO
    issued: Decimal = ZERO
    used: Decimal = ZERO
    out_week: Decimal = ZERO  # what went out in the last RATE_DAYS days
    level: Decimal | None = None  # the town's warning level, when these are one whole town's figures

    @property
    def on_hand(self) -> Decimal:
        return self.received - self.issued - self.used

    @property
    def daily_rate(self) -> Decimal:
        return self.out_week / RATE_DAYS

    @property
    def days_left(self) -> Decimal | None:
        if self.out_week <= 0:
            return None
        return max(ZERO, self.on_hand / self.daily_rate).quantize(Decimal("0.1"))

    @property
    def below_warning(self) -> bool:
        # The level is the town's total; an item the town never received is not kept there.
        return self.level is not None and self.received > 0 and self.on_hand < self.level


def _aggregates(since: dt.datetime, out_q: Q) -> dict:
    return {
        "received": Sum("quantity", filter=RECEIVED),
        "issued": Sum("quantity", filter=ISSUED),
        "used": Sum("quantity", filter=USED),
        "out_week": Sum("quantity", filter=out_q & Q(at__gte=since)),
    }


def _line(item: Item, row: dict | None) -> Line:
    row = row or {}
    return Line(item, *(row.get(k) or ZERO for k in ("received", "issued", "used", "out_week")))


def items() -> list[Item]:
    return list(Item.objects.filter(active=True))


def town_levels(town_code: str) -> dict[int, Decimal]:
    """The town's warning level per item id: the level it set, else the item's default."""
    levels = {i.pk: i.warning_level for i in Item.objects.all()}
    levels.update(ItemLevel.objects.filter(area_id=town_code).values_list("item_id", "warning_level"))
    return levels


def catalogue() -> tuple[list[Item], dict[tuple[str, int], Decimal]]:
    """The active items, and every level a town set ({(town code, item id): level}): what the
    report's sections need, in two queries."""
    levels = {
        (a, i): level for a, i, level in ItemLevel.objects.values_list("area_id", "item_id", "warning_level")
    }
    return items(), levels


def store_lines(stores, as_of: dt.datetime | None = None) -> dict[int, list[Line]]:
    """Per store (by id), one ``Line`` per active item: one query for all ``stores``."""
    as_of = as_of or timezone.now()
    since = as_of - dt.timedelta(days=RATE_DAYS)
    rows = (
        Movement.objects.filter(store__in=stores, at__lt=as_of)
        .order_by()
        .values("store_id", "item_id")
        .annotate(**_aggregates(since, ~RECEIVED))
    )
    by_key = {(r["store_id"], r["item_id"]): r for r in rows}
    catalogue = items()
    return {s.pk: [_line(i, by_key.get((s.pk, i.pk))) for i in catalogue] for s in stores}


def area_lines(movements, as_of: dt.datetime | None = None, *, town: str | None = None) -> list[Line]:
    """One ``Line`` per active item over ``movements`` (an area's, already scoped). ``town``: the
    movements are that whole town's, so its warning levels apply."""
    as_of = as_of or timezone.now()
    since = as_of - dt.timedelta(days=RATE_DAYS)
    rows = movements.filter(at__lt=as_of).order_by().values("item_id").annotate(**_aggregates(since, GONE))
    by_item = {r["item_id"]: r for r in rows}
    lines = [_line(i, by_item.get(i.pk)) for i in items()]
    if town:
        levels = town_levels(town)
        for line in lines:
            line.level = levels.get(line.item.pk)
    return lines


def used_by(movements, start: dt.date, end: dt.date) -> list[dict]:
    """What each team and checkpoint store used from ``start`` to ``end`` (both days included): rows
    ``{store, kind, item, unit, used}``, the biggest users first."""
    rows = (
        movements.filter(
            USED, day__gte=start, day__lte=end, store__kind__in=[Store.Kind.TEAM, Store.Kind.CHECKPOINT]
        )
        .order_by()
        .values("store_id", "store__name", "store__kind", "item__name", "item__unit", "item__order")
        .annotate(used=Sum("quantity"))
        .order_by("store__name", "item__order")
    )
    return [
        {
            "store_id": r["store_id"],
            "store": r["store__name"],  # the team's or checkpoint's own name
            "kind": r["store__kind"],
            "item": r["item__name"],
            "unit": r["item__unit"],
            "used": r["used"],
        }
        for r in rows
    ]


# --- The daily report's section ----------------------------------------------------------------------


def _fold_items(counts: dict, row: dict) -> None:
    for name in ("received", "issued", "used", "out_week"):
        counts[f"{name}:{row['item_id']}"] = row[name] or ZERO


def counts(viewer, code, m) -> list:
    """The area's movements by then, summed per item (one query)."""
    since = m.as_of - dt.timedelta(days=RATE_DAYS)
    return [
        Tally(
            Movement.objects.visible_to(viewer).within(code),
            where=Q(at__lt=m.as_of),
            by=("item_id",),
            aggregates={
                "received": Sum("quantity", filter=RECEIVED),
                "issued": Sum("quantity", filter=ISSUED),
                "used": Sum("quantity", filter=USED),
                "out_week": Sum("quantity", filter=GONE & Q(at__gte=since, at__lt=m.as_of)),
            },
            fold=_fold_items,
        )
    ]


def lines_from(raw: dict, items: list[Item], levels: dict | None = None) -> list[Line]:
    """``levels``: {item id: level} when the counts are one whole town's."""
    return [
        Line(
            i,
            *(raw.get(f"{k}:{i.pk}") or ZERO for k in ("received", "issued", "used", "out_week")),
            level=None if levels is None else levels.get(i.pk, i.warning_level),
        )
        for i in items
    ]


def section(raw: dict, catalogue: tuple, code) -> dict:
    """``below_warning`` (a town's items under its level; only in a town's section), then per
    item ``on_hand_<code>``, ``days_left_<code>`` (absent without stock going out that week),
    ``received_<code>``, ``issued_<code>``, ``used_<code>`` — the last three so the identity
    received − issued − used = on hand can be read off the report."""
    items, set_levels = catalogue
    town = codes.level_of(code) == codes.TOWN
    levels = {i.pk: set_levels.get((code, i.pk), i.warning_level) for i in items} if town else None
    lines = lines_from(raw, items, levels)
    url = list_url("stock:index", area=code)
    figures = {}
    if town:  # the levels are a town's: a village's report has none, a county's sums its towns'
        figures["below_warning"] = make_fig(
            _("Items below their warning level"),
            sum(1 for line in lines if line.below_warning),
            _("unit: items"),
            url,
        )
    days = [line.days_left for line in lines if line.days_left is not None]
    if days:  # no figure at all rather than a 0 that would read "nothing left"
        figures["fewest_days_left"] = make_fig(
            _("Fewest days of stock left (last 7 days' rate)"), float(min(days)), _("unit: days")
        )
    for line in lines:
        c, name, unit = line.item.code, line.item.name, line.item.unit
        figures[f"on_hand_{c}"] = make_fig(
            _("%(item)s on hand") % {"item": name}, float(line.on_hand), unit, url
        )
        if line.days_left is not None:
            figures[f"days_left_{c}"] = make_fig(
                _("%(item)s: days left") % {"item": name}, float(line.days_left), _("unit: days")
            )
        figures[f"received_{c}"] = make_fig(
            _("%(item)s received") % {"item": name}, float(line.received), unit
        )
        figures[f"issued_{c}"] = make_fig(_("%(item)s issued") % {"item": name}, float(line.issued), unit)
        figures[f"used_{c}"] = make_fig(_("%(item)s used") % {"item": name}, float(line.used), unit)
    return make_section(_("Protective supplies"), figures)
