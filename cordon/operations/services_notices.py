"""Notices (宣传) and rumours (谣言) with their rebuttals (辟谣).

The command centre (commander, staff) writes and publishes notices for the town or chosen villages; a
village's head or clerk drafts notices for their own village and reports rumours heard there. A rumour
is verified by the command centre — false, true or partly true, with what was found — and a false or
partly true rumour is rebutted by publishing a notice, which links it and closes it as rebutted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import NOTICE_DRAFTERS, NOTICE_PUBLISHERS, RUMOUR_REPORTERS
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit, codes
from cordon.operations import fields as check
from cordon.operations.models import Notice, Rumour

VERIFIERS = NOTICE_PUBLISHERS


def _notice_values(*, actor: User, area: Area, data: dict) -> tuple[dict, list[Area]]:
    """The notice's fields and its audience (the issuing area itself when none is chosen): every
    audience area inside the issuing area and reached by the actor."""
    channels = data.get("channels") or []
    if isinstance(channels, str):
        channels = [channels]
    channels = sorted(set(channels))
    if not channels:
        raise ValidationError({"channels": [_("Choose at least one channel.")]})
    for channel in channels:
        check.choice(channel, "channels", Notice.Channel)
    prefix = codes.prefix_of(area.code)
    audience = list(data.get("audience") or []) or [area]
    for target in audience:
        if not target.code.startswith(prefix) or not has_role(actor, target, *NOTICE_DRAFTERS):
            raise ValidationError({"audience": [_("No such area: %(code)s") % {"code": target.code}]})
    values = {
        "title": check.text(data.get("title"), "title", 100, required=True),
        "body": check.text(data.get("body"), "body", 5000, required=True),
        "channels": channels,
    }
    return values, audience


def _past(moment: datetime | None, field: str) -> datetime:
    """``moment`` (default now), refused in the future."""
    now = timezone.now()
    if moment is None:
        return now
    if moment > now + timedelta(minutes=5):
        raise ValidationError({field: [_("This time is in the future.")]})
    return moment


@transaction.atomic
def notice_save(*, actor: User, area: Area, data: dict, notice: Notice | None = None) -> Notice:
    """Write a new draft notice for ``area`` (the town, or a village for its head or clerk), or change
    a draft. A published notice is not changed: a correction is a new notice."""
    require_role(actor, area, *NOTICE_DRAFTERS)
    values, audience = _notice_values(actor=actor, area=area, data=data)
    if notice is None:
        notice = Notice(area=area, created_by=actor, **values)
        before = {}
    else:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        require_role(actor, notice.area_id, *NOTICE_DRAFTERS)
        if notice.status != Notice.Status.DRAFT:
            raise ValidationError(_("This notice is already published: write a new one to correct it."))
        before = audit.snapshot(notice, ("title", "body", "channels"))
        for key, value in values.items():
            setattr(notice, key, value)
    notice.full_clean()
    notice.save()
    notice.audience.set(audience)
    audit.record(
        actor=actor,
        action="notice.create" if not before else "notice.update",
        target=notice,
        area=notice.area_id,
        changes=audit.diff(
            before,
            {
                **audit.snapshot(notice, ("title", "body", "channels")),
                "audience": sorted(a.code for a in audience),
            },
        ),
    )
    return notice


@transaction.atomic
def notice_publish(*, actor: User, notice: Notice, published_at: datetime | None = None) -> Notice:
    """Publish a draft: by the command centre only, now or at a time already past (a notice read on the
    loudspeaker before it was entered). Publishing it again changes nothing."""
    require_role(actor, notice.area_id, *NOTICE_PUBLISHERS)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == Notice.Status.PUBLISHED:
        return notice
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = _past(published_at, "published_at")
    notice.published_by = actor
    notice.full_clean()
    notice.save()
    audit.record(
        actor=actor,
        action="notice.publish",
        target=notice,
        area=notice.area_id,
        changes={"status": [Notice.Status.DRAFT, Notice.Status.PUBLISHED]},
    )
    return notice


@transaction.atomic
def rumour_report(*, actor: User, area: Area, data: dict, client_id: str = "") -> Rumour:
    """Record a rumour heard in ``area``: what, where, when, reported by whom. Not dated in the future.
    The same ``client_id`` again (a double tap, a retry) returns the rumour it already recorded."""
    require_role(actor, area, *RUMOUR_REPORTERS)
    client_id = check.text(client_id, "client_id", 36)
    if client_id:
        existing = Rumour.objects.filter(created_by=actor, client_id=client_id).first()
        if existing is not None:
            return existing
    heard_on = check.day(data.get("heard_on") or timezone.localdate(), "heard_on")
    if heard_on > timezone.localdate():
        raise ValidationError({"heard_on": [_("This date is in the future.")]})
    rumour = Rumour(
        area=area,
        place=check.text(data.get("place"), "place", 100),
        heard_on=heard_on,
        content=check.text(data.get("content"), "content", 2000, required=True),
        reported_by_name=check.text(data.get("reported_by_name"), "reported_by_name", 40, required=True),
        created_by=actor,
        client_id=client_id,
    )
    rumour.full_clean()
    try:
        with transaction.atomic():
            rumour.save()
    except IntegrityError:  # the same client id saved by a concurrent retry
        return Rumour.objects.get(created_by=actor, client_id=client_id)
    audit.record(
        actor=actor,
        action="rumour.report",
        target=rumour,
        area=rumour.area_id,
        changes={"content": [None, rumour.content[:200]]},
    )
    return rumour


@transaction.atomic
def rumour_verify(
    *, actor: User, rumour: Rumour, verification: str, finding: str = "", verified_at: datetime | None = None
) -> Rumour:
    """Set what verification found. "Being verified" needs no finding; a verdict needs one. A true
    rumour is closed (there is nothing to rebut); a rebutted rumour's verdict no longer moves."""
    require_role(actor, rumour.area_id, *VERIFIERS)
    rumour = Rumour.objects.select_for_update().get(pk=rumour.pk)
    if rumour.status == Rumour.Status.REBUTTED:
        raise ValidationError(_("This rumour was already rebutted."))
    verification = check.choice(verification, "verification", Rumour.Verification)
    if verification == Rumour.Verification.REPORTED:
        raise ValidationError({"verification": [_("Not one of the allowed values.")]})
    finding = check.text(finding, "finding", 2000, required=verification != Rumour.Verification.VERIFYING)
    before = audit.snapshot(rumour, ("verification", "finding", "status"))
    rumour.verification = verification
    rumour.finding = finding or rumour.finding
    rumour.verified_by = actor
    rumour.verified_at = _past(verified_at, "verified_at")
    rumour.status = Rumour.Status.CLOSED if verification == Rumour.Verification.TRUE else Rumour.Status.OPEN
    rumour.full_clean()
    rumour.save()
    audit.record(
        actor=actor,
        action="rumour.verify",
        target=rumour,
        area=rumour.area_id,
        changes=audit.diff(before, audit.snapshot(rumour, ("verification", "finding", "status"))),
    )
    return rumour


@transaction.atomic
def rumour_rebut(
    *,
    actor: User,
    rumour: Rumour,
    data: dict | None = None,
    notice: Notice | None = None,
    area: Area | None = None,
    published_at: datetime | None = None,
) -> Rumour:
    """Rebut a rumour found false or partly true: publish ``notice`` (an existing one), or a new notice
    written from ``data`` for ``area`` (default: where the rumour was heard; the town for a town-wide
    rebuttal); link it and mark the rumour rebutted. The notice must reach where the rumour was heard.
    Rebutting again returns the rumour as it is."""
    require_role(actor, rumour.area_id, *NOTICE_PUBLISHERS)
    rumour = Rumour.objects.select_for_update().get(pk=rumour.pk)
    if rumour.status == Rumour.Status.REBUTTED:
        return rumour
    if rumour.verification not in (Rumour.Verification.FALSE, Rumour.Verification.PARTLY_TRUE):
        raise ValidationError(_("Verify the rumour first: only a false or partly true rumour is rebutted."))
    if notice is None:
        area = area or Area.objects.get(code=rumour.area_id)
        if not codes.covers(codes.prefix_of(area.code), rumour.area_id):
            raise ValidationError({"area": [_("This notice does not reach where the rumour was heard.")]})
        notice = notice_save(actor=actor, area=area, data=data or {})
    elif not codes.covers(codes.prefix_of(notice.area_id), rumour.area_id):
        raise ValidationError({"notice": [_("This notice does not reach where the rumour was heard.")]})
    notice = notice_publish(actor=actor, notice=notice, published_at=published_at)
    rumour.rebuttal = notice
    rumour.status = Rumour.Status.REBUTTED
    rumour.full_clean()
    rumour.save()
    audit.record(
        actor=actor,
        action="rumour.rebut",
        target=rumour,
        area=rumour.area_id,
        changes={"status": [Rumour.Status.OPEN, Rumour.Status.REBUTTED], "rebuttal": [None, str(notice.pk)]},
    )
    return rumour
