"""Sending teams and people to villages, checkpoints and duty shifts; the command centre's commendations
and notes (发现干部、重用人才)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import COMMAND, FORCES_MANAGERS
from cordon.accounts.scope import require_role
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.core import audit, codes
from cordon.forces.models import Assignment, Commendation, Personnel, Team
from cordon.people import validation

ASSIGNMENT_FIELDS = ("team", "personnel", "area", "checkpoint", "shift", "starts_on", "ends_on", "note")


def _within(outer: str, inner: str) -> bool:
    return codes.covers(codes.prefix_of(outer), inner)


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    team: Team | None = None,
    personnel: Personnel | None = None,
    area: Area | None = None,
    checkpoint: Checkpoint | None = None,
    shift: DutyShift | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    note: str = "",
) -> Assignment:
    """Send a team or one person to an area, a checkpoint and/or a duty shift.

    Refused: a target outside the actor's areas; a village's team or person sent to another village; a
    checkpoint outside the chosen area; a shift of another checkpoint or one already over; an ending
    before the start; and the same assignee sent to the same target for overlapping days while the
    first assignment stands (a form sent twice makes one assignment).
    """
    if (team is None) == (personnel is None):
        raise ValidationError(_("Assign either a team or a person."))
    # The rows as they are now (a stale copy might still say "active").
    team = Team.objects.get(pk=team.pk) if team is not None else None
    personnel = Personnel.objects.get(pk=personnel.pk) if personnel is not None else None
    assignee_area = team.area_id if team is not None else personnel.area_id
    require_role(actor, assignee_area, *FORCES_MANAGERS)
    if team is not None and not team.active:
        raise ValidationError({"team": [_("This team has been stood down.")]})
    if personnel is not None and not personnel.active:
        raise ValidationError({"personnel": [_("This person is no longer active.")]})
    if shift is not None:
        if checkpoint is not None and shift.checkpoint_id != checkpoint.pk:
            raise ValidationError({"shift": [_("This shift is at another checkpoint.")]})
        if shift.ends_at <= timezone.now():
            raise ValidationError({"shift": [_("This shift is already over.")]})
        checkpoint = checkpoint or shift.checkpoint
    if checkpoint is not None:
        if area is not None and not _within(area.code, checkpoint.area_id):
            raise ValidationError({"checkpoint": [_("This checkpoint is in another village.")]})
        target = checkpoint.area_id
    elif area is not None:
        target = area.code
    else:
        raise ValidationError({"area": [_("Choose where to send them: a village, a checkpoint or a shift.")]})
    require_role(actor, target, *FORCES_MANAGERS)
    if not _within(assignee_area, target):
        field = "checkpoint" if checkpoint is not None else "area"
        raise ValidationError({field: [_("They serve in another village: they can be sent only within it.")]})
    today = timezone.localdate()
    starts_on = starts_on or (timezone.localtime(shift.starts_at).date() if shift else today)
    if shift is not None:
        ends_on = ends_on or timezone.localtime(shift.ends_at).date()
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The assignment ends after it begins.")]})
    note = validation.clean_text(note, "note", 200)
    # Lock whom is sent, so that two identical requests at once are one assignment and one refusal
    # (locking the matching assignments would lock nothing when there are none yet).
    if team is not None:
        Team.objects.select_for_update().filter(pk=team.pk).first()
    else:
        Personnel.objects.select_for_update().filter(pk=personnel.pk).first()
    same = Assignment.objects.filter(
        team=team,
        personnel=personnel,
        area_id=target,
        checkpoint=checkpoint,
        shift=shift,
        cancelled_at__isnull=True,
    )
    same = same.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        same = same.filter(starts_on__lte=ends_on)
    if same.exists():
        raise ValidationError(_("They are already assigned there for these days."))
    assignment = Assignment(
        team=team,
        personnel=personnel,
        area_id=target,
        checkpoint=checkpoint,
        shift=shift,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by=actor,
    )
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    audit.record(
        actor=actor,
        action="assignment.create",
        target=assignment,
        area=assignment.area_id,
        changes=audit.diff({}, audit.snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    return assignment


@transaction.atomic
def assignment_cancel(*, actor: User, assignment: Assignment, reason: str = "") -> Assignment:
    """Call an assignment off (it stays on record, marked cancelled)."""
    require_role(actor, assignment.area_id, *FORCES_MANAGERS)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.cancelled_at is not None:
        raise ValidationError(_("This assignment was already called off."))
    assignment.cancelled_at = timezone.now()
    assignment.cancelled_by = actor
    assignment.save(update_fields=["cancelled_at", "cancelled_by"])
    audit.record(
        actor=actor,
        action="assignment.cancel",
        target=assignment,
        area=assignment.area_id,
        changes={"cancelled_at": [None, assignment.cancelled_at.isoformat()]},
        reason=validation.clean_text(reason, "reason", 200),
    )
    return assignment


@transaction.atomic
def commendation_write(*, actor: User, personnel: Personnel, kind: str, text: str) -> Commendation:
    """The command centre commends a member of the forces, or writes a note on them. Only the command
    centre writes (and reads) these."""
    require_role(actor, personnel.area_id, *COMMAND)
    if kind not in Commendation.Kind.values:
        raise ValidationError({"kind": [_("Choose a commendation or a note.")]})
    text = validation.clean_text(text, "text", 500, required=True)
    # The same words by the same writer a moment ago: a form sent twice, not a second commendation.
    recent = Commendation.objects.filter(
        personnel=personnel,
        written_by=actor,
        kind=kind,
        text=text,
        written_at__gte=timezone.now() - timedelta(minutes=10),
    ).first()
    if recent is not None:
        return recent
    commendation = Commendation.objects.create(
        personnel=personnel, area_id=personnel.area_id, kind=kind, text=text, written_by=actor
    )
    audit.record(
        actor=actor,
        action="commendation.write",
        target=personnel,
        area=personnel.area_id,
        changes={"kind": [None, kind], "text": [None, text]},
    )
    return commendation
