"""Counselling (心理疏导) sessions — sensitive records.

Only counsellors and the commander of an area read its sessions (``COUNSELLING_READERS``); everyone else,
command
staff and health workers included, gets the same 404 as for a session that does not exist. Every read
— a list as well as one session — is written to the access log. Sessions are never exported.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Role, User
from cordon.accounts.permissions import COUNSELLING_READERS, COUNSELLORS
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit
from cordon.core.access import log_access
from cordon.core.models import AccessLog
from cordon.operations import fields as check
from cordon.operations.models import CounsellingSession

FIELDS = ("person", "household", "counsellor", "held_on", "mode", "follow_up_needed", "follow_up_on")


def readable(user):
    """The sessions ``user`` may read: through the counsellor's or the commander's role only."""
    return CounsellingSession.objects.visible_to(user, roles=COUNSELLING_READERS)


def log_read(*, actor: User, session: CounsellingSession | None = None, area=None, count: int = 0) -> None:
    """Write one read to the access log: a session opened, or a list of ``count`` sessions shown."""
    if session is not None:
        log_access(actor=actor, kind=AccessLog.Kind.VIEW, target=session, area=session.area_id)
    else:
        log_access(
            actor=actor,
            kind=AccessLog.Kind.VIEW,
            target_type="operations.counsellingsession",
            target_label=_("%(n)s counselling sessions") % {"n": count},
            area=area,
            detail={"list": True, "count": count},
        )


@transaction.atomic
def session_create(
    *,
    actor: User,
    data: dict,
    person=None,
    household=None,
    counsellor: User | None = None,
    client_id: str = "",
) -> tuple[CounsellingSession, bool]:
    """Record a session with a person or a household, by a counsellor of their area.

    Refused in the future, with neither a person nor a household, or with a follow-up needed but not
    dated (or dated before the session). A retried submission (same ``client_id``) is absorbed."""
    if person is None and household is None:
        raise ValidationError({"person": [_("Choose the person or the household.")]})
    area_code = person.area_id if person is not None else household.area_id
    require_role(actor, area_code, *COUNSELLORS)
    client_id = check.text(client_id, "client_id", 36)
    if client_id:
        existing = CounsellingSession.objects.filter(created_by=actor, client_id=client_id).first()
        if existing is not None:
            return existing, False
    counsellor = counsellor or actor
    if not has_role(counsellor, area_code, Role.COUNSELLOR):
        raise ValidationError({"counsellor": [_("This account is not a counsellor here.")]})
    if person is not None and household is not None and person.household_id != household.pk:
        raise ValidationError({"household": [_("This person is not in that household.")]})
    held_on = check.day(data.get("held_on") or timezone.localdate(), "held_on")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("This date is in the future.")]})
    follow_up_needed = bool(data.get("follow_up_needed"))
    follow_up_on = check.day(data.get("follow_up_on"), "follow_up_on", required=follow_up_needed)
    if not follow_up_needed:
        follow_up_on = None
    elif follow_up_on < held_on or follow_up_on > held_on + timedelta(days=180):
        raise ValidationError(
            {"follow_up_on": [_("The follow-up is due after the session, within 180 days.")]}
        )
    session = CounsellingSession(
        area_id=area_code,
        person=person,
        household=household,
        counsellor=counsellor,
        held_on=held_on,
        mode=check.choice(data.get("mode"), "mode", CounsellingSession.Mode),
        concerns=check.text(data.get("concerns"), "concerns", 2000, required=True),
        follow_up_needed=follow_up_needed,
        follow_up_on=follow_up_on,
        note=check.text(data.get("note"), "note", 2000),
        client_id=client_id,
        created_by=actor,
    )
    session.full_clean()
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        return CounsellingSession.objects.get(created_by=actor, client_id=client_id), False
    # The trail names the session, never its content: the audit log is read by more people.
    audit.record(
        actor=actor,
        action="counselling.create",
        target=session,
        area=session.area_id,
        changes={k: [None, v] for k, v in audit.snapshot(session, FIELDS).items()},
    )
    return session, True
