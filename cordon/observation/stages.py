"""The stages of a chained plan (e.g. 14 d centralised + 7 d home monitoring): on each later stage's
first day the period is in that stage's mode. The move is written as a transfer dated that day, so a
report of an earlier day reads the period's mode as it reads any move (``models.mode_on``); a move
made on the spot on or after that day outranks the plan. The worker's hourly duty and the daily sweep
run ``periods_follow_stages``; completing or closing a period writes the moves it owed first."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cordon.core import audit
from cordon.observation.models import Period

STAGE_MOVE_REASON = "按方案进入下一阶段"


def _stage_moves(period: Period, *, upto: date) -> list[dict]:
    """The moves a chained plan (e.g. 14 d centralised + 7 d home monitoring) owes up to ``upto``: on
    each later stage's first day the period is in that stage's mode — unless a move was made on or
    after that day (a decision on the spot outranks the plan), or the period opened after it."""
    stages = period.parsed_plan.stages
    transfers = period.plan.get("transfers", [])
    last = transfers[-1]["on"] if transfers else period.opened_on.isoformat()
    mode, moves = period.mode, []
    for stage in stages[1:]:
        on = stage.start.isoformat()
        if stage.start > upto or on <= last or stage.mode == mode:
            continue
        moves.append({"on": on, "from": mode, "to": stage.mode, "reason": STAGE_MOVE_REASON})
        mode, last = stage.mode, on
    return moves


def follow_stages(period: Period, *, upto: date, actor=None) -> bool:
    """Write the moves ``_stage_moves`` owes onto a locked period: its mode now, and the transfers a
    report of an earlier day reads its mode from. Returns whether anything moved."""
    moves = _stage_moves(period, upto=upto)
    if not moves:
        return False
    before = audit.snapshot(period, ("mode",))
    period.plan = {**period.plan, "transfers": [*period.plan.get("transfers", []), *moves]}
    period.mode = moves[-1]["to"]
    period.moved_on = date.fromisoformat(moves[-1]["on"])
    period.updated_at = timezone.now()
    period.save(update_fields=["plan", "mode", "moved_on", "updated_at"])
    audit.record(
        actor=actor,
        action="observation.transfer",
        target=period,
        area=period.area_id,
        changes=audit.diff(before, audit.snapshot(period, ("mode",))),
        reason=STAGE_MOVE_REASON,
    )
    return True


def periods_follow_stages(*, today: date | None = None, area=None) -> int:
    """Move every running period of a chained plan into the mode of the stage it has reached (the
    worker's hourly duty and the daily sweep's). Safe to run again: a stage is entered once."""
    today = today or timezone.localdate()
    periods = Period.objects.filter(status=Period.Status.ACTIVE, plan__stages__1__isnull=False)
    if area is not None:
        periods = periods.within(area)
    moved = 0
    for pk in periods.values_list("pk", flat=True):
        with transaction.atomic():
            moved += follow_stages(Period.objects.select_for_update().get(pk=pk), upto=today)
    return moved
