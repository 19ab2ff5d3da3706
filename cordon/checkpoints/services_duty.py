"""The duty roster: shifts at checkpoints, who is on duty now, and the gaps in round-the-clock cover."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import GUARDS, ROSTER_KEEPERS
from cordon.accounts.scope import has_role, require_role
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.core import audit

MAX_SHIFT = timedelta(hours=24)


@transaction.atomic
def shift_save(
    *,
    actor: User,
    checkpoint: Checkpoint,
    starts_at: datetime,
    ends_at: datetime,
    people: list[User],
    note: str = "",
) -> DutyShift:
    """Put people on duty at a checkpoint for a shift of at most 24 hours. Each must be an account that
    can log passages there."""

    require_role(actor, checkpoint.area_id, *ROSTER_KEEPERS)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The shift ends after it begins.")]})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": [_("A shift lasts at most 24 hours.")]})
    if not people:
        raise ValidationError({"people": [_("Choose who is on duty.")]})
    unfit = [p.display_name or p.username for p in people if not has_role(p, checkpoint.area_id, *GUARDS)]
    if unfit:
        raise ValidationError(
            {"people": [_("Not able to log passages here: %(names)s.") % {"names": "、".join(unfit)}]}
        )
    shift = DutyShift.objects.create(
        checkpoint=checkpoint,
        area_id=checkpoint.area_id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=(note or "").strip()[:200],
        created_by=actor,
    )
    shift.people.set(people)
    audit.record(
        actor=actor,
        action="shift.create",
        target=checkpoint,
        area=checkpoint.area_id,
        changes={
            "shift": [
                None,
                f"{timezone.localtime(starts_at):%m-%d %H:%M}–{timezone.localtime(ends_at):%m-%d %H:%M}",
            ]
        },
    )
    return shift


@transaction.atomic
def shift_delete(*, actor: User, shift: DutyShift) -> None:
    require_role(actor, shift.area_id, *ROSTER_KEEPERS)
    audit.record(
        actor=actor,
        action="shift.delete",
        target=shift.checkpoint,
        area=shift.area_id,
        changes={"shift": [f"{timezone.localtime(shift.starts_at):%m-%d %H:%M}", None]},
    )
    shift.delete()


@dataclass
class Gap:
    starts_at: datetime
    ends_at: datetime


def gaps(checkpoint: Checkpoint, start: datetime, end: datetime, shifts=None) -> list[Gap]:
    """The stretches between ``start`` and ``end`` when nobody is on duty at a 24-hour checkpoint."""
    if checkpoint.status != Checkpoint.Status.OPEN_24H:
        return []
    if shifts is None:
        shifts = DutyShift.objects.filter(checkpoint=checkpoint, ends_at__gt=start, starts_at__lt=end)
    covered = sorted((max(s.starts_at, start), min(s.ends_at, end)) for s in shifts)
    found, cursor = [], start
    for begin, finish in covered:
        if begin > cursor:
            found.append(Gap(cursor, begin))
        cursor = max(cursor, finish)
    if cursor < end:
        found.append(Gap(cursor, end))
    return found
