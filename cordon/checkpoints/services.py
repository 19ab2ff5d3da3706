"""Changes to checkpoints. Each checks the actor's role and writes the audit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import CHECKPOINT_MANAGERS
from cordon.accounts.scope import require_role
from cordon.checkpoints.models import Checkpoint
from cordon.core import audit

FIELDS = ("name", "kind", "area", "location", "hours", "status", "note")


@transaction.atomic
def checkpoint_create(
    *,
    actor: User,
    area: Area,
    name: str,
    kind: str = Checkpoint.Kind.VILLAGE_GATE,
    location: str = "",
    hours: str = "",
    status: str = Checkpoint.Status.OPEN_24H,
    note: str = "",
) -> Checkpoint:
    """Set up a checkpoint in an area. The town's command centre decides where checkpoints stand."""
    require_role(actor, area, *CHECKPOINT_MANAGERS)
    checkpoint = Checkpoint(
        area=area,
        name=(name or "").strip(),
        kind=kind,
        location=(location or "").strip(),
        hours=(hours or "").strip(),
        status=status,
        note=(note or "").strip(),
    )
    checkpoint.full_clean(validate_constraints=False)
    if Checkpoint.objects.filter(area=area, name=checkpoint.name).exists():
        raise ValidationError({"name": _("This area already has a checkpoint with this name.")})
    checkpoint.save()
    audit.record(
        actor=actor,
        action="checkpoint.create",
        target=checkpoint,
        area=area,
        changes=audit.diff({}, audit.snapshot(checkpoint, FIELDS)),
    )
    return checkpoint


@transaction.atomic
def checkpoint_update(*, actor: User, checkpoint: Checkpoint, **values) -> Checkpoint:
    """Change a checkpoint's name, place, hours or status (not its area: close it and open another)."""
    require_role(actor, checkpoint.area_id, *CHECKPOINT_MANAGERS)
    checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    before = audit.snapshot(checkpoint, FIELDS)
    for field in ("name", "kind", "location", "hours", "status", "note"):
        if field in values:
            setattr(checkpoint, field, (values[field] or "").strip())
    checkpoint.full_clean(validate_constraints=False)
    if (
        Checkpoint.objects.filter(area_id=checkpoint.area_id, name=checkpoint.name)
        .exclude(pk=checkpoint.pk)
        .exists()
    ):
        raise ValidationError({"name": _("This area already has a checkpoint with this name.")})
    checkpoint.save()
    changes = audit.diff(before, audit.snapshot(checkpoint, FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="checkpoint.update",
            target=checkpoint,
            area=checkpoint.area_id,
            changes=changes,
        )
    return checkpoint
