import functools
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q

from cordon.accounts.permissions import GUARDS
from cordon.accounts.scope import not_found, reaches
from cordon.checkpoints.models import Checkpoint, Passage, PassageDayCount
from cordon.core.statements import first_instance


def checkpoints_for(user, *, area_code: str = "", kind: str = "", status: str = ""):
    """Checkpoints the user reaches, filtered as the list asks, with their area in the same query."""
    checkpoints = Checkpoint.objects.visible_to(user).select_related("area")
    if area_code:
        checkpoints = checkpoints.within(area_code)
    if kind:
        checkpoints = checkpoints.filter(kind=kind)
    if status:
        checkpoints = checkpoints.filter(status=status)
    return checkpoints.order_by("area_id", "name")


def checkpoint_for_passages(user, checkpoint_id: int) -> Checkpoint:
    """The checkpoint a passage is logged at, or Http404 when the user does not reach it (the same
    answer as ``get_visible_or_404``). Every passage reads it, so it is read by its key with a
    statement written once and the scope checked on the row (``reaches``): the ORM building the scoped
    query cost a passage more than the read itself."""
    if not 0 < checkpoint_id < 2**63:
        raise not_found()
    found = first_instance(Checkpoint, _checkpoint_sql(connection.vendor), [checkpoint_id])
    if found is None or not reaches(user, found.area_id):
        raise not_found()
    return found


@functools.cache
def _checkpoint_sql(vendor: str) -> str:
    quote, meta = connection.ops.quote_name, Checkpoint._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 — names are ours, the key a parameter


def checkpoint_counts(checkpoints) -> dict:
    """How many of the listed checkpoints there are, by kind and open around the clock: one query."""
    return checkpoints.aggregate(
        total=Count("pk"),
        stations=Count("pk", filter=Q(kind=Checkpoint.Kind.INSPECTION_STATION)),
        open_24h=Count("pk", filter=Q(status=Checkpoint.Status.OPEN_24H)),
        closed=Count("pk", filter=Q(status=Checkpoint.Status.CLOSED)),
    )


FIGURES = PassageDayCount.FIGURES


def day_passages(checkpoint: Checkpoint, day: date):
    """A checkpoint's passages of one day, newest first: the (checkpoint, day, occurred_at) index."""
    return (
        Passage.objects.filter(checkpoint=checkpoint, day=day)
        .order_by("-occurred_at", "-id")
        .select_related("recorded_by")
    )


def day_counts(checkpoint: Checkpoint, day: date) -> dict:
    """In, out, turned back, referred and fever for a checkpoint's day: its one roll-up row."""
    row = PassageDayCount.objects.filter(checkpoint=checkpoint, day=day).values(
        *FIGURES
    ).first() or dict.fromkeys(FIGURES, 0)
    return row


@dataclass
class CountsTable:
    days: list[date]
    rows: list[dict]  # {"checkpoint", "by_day": [{...counts} per day], "total": {...}}
    totals: list[dict]  # per day over every checkpoint


def counts_by_day_and_checkpoint(viewer, area: str, start: date, end: date) -> CountsTable:
    """Passages per checkpoint and day over the viewer's areas (or ``area`` inside them), from start to
    end: the roll-up's rows over its (area, day, checkpoint) index, one per checkpoint and day — the
    same cost over ten million passages as over ten."""
    counted = PassageDayCount.objects.visible_to(viewer).filter(day__gte=start, day__lte=end)
    if area:
        counted = counted.within(area)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    found: dict[int, dict[date, dict]] = {}
    for row in counted.values("checkpoint_id", "day", *FIGURES).order_by():
        found.setdefault(row["checkpoint_id"], {})[row["day"]] = row
    checkpoints = Checkpoint.objects.filter(pk__in=found).select_related("area").order_by("area_id", "name")
    empty = dict.fromkeys(FIGURES, 0)
    rows = []
    for checkpoint in checkpoints:
        by_day = [found[checkpoint.pk].get(day, empty) for day in days]
        rows.append(
            {"checkpoint": checkpoint, "by_day": by_day, "total": sum(cell["total"] for cell in by_day)}
        )
    totals = [{"total": sum(r["by_day"][i]["total"] for r in rows)} for i in range(len(days))]
    return CountsTable(days=days, rows=rows, totals=totals)


def guards_for(checkpoint: Checkpoint, viewer) -> list:
    """Accounts the viewer sees that can log passages at the checkpoint (a guarding role held at its
    area or above it), for the roster form: one query, not a role lookup per account."""
    from cordon.accounts.models import RoleAssignment, User
    from cordon.core import codes

    above, code = [], checkpoint.area_id
    while code:
        above.append(code)
        code = codes.parent_of(code)
    holders = RoleAssignment.objects.filter(role__in=GUARDS, area_id__in=above).values("user_id")
    return list(User.objects.visible_to(viewer).filter(is_active=True, pk__in=holders).order_by("username"))


def counted_under_areas() -> dict:
    """What an area's page counts of this app under each of its children: checkpoints, and the road
    inspection stations among them (``accounts.selectors.child_summaries``)."""
    return {
        "checkpoints": Checkpoint.objects.all(),
        "stations": Checkpoint.objects.filter(kind=Checkpoint.Kind.INSPECTION_STATION),
    }
