"""Handing a person to another town on the same server (A9).

- ``handover_request``: the sender's command centre, health worker or village staff asks; the person
  stays the sender's, and their observation goes on, until the receiver decides.
- ``handover_accept``: the receiving town's command centre, health worker or a clerk of the village
  that takes the person. On the day of the hand-over the sender's period ends ("left the area", to the
  receiver) and a period continues in the receiver's area with the same exposure date, planned end,
  edition, rules and plan; the person's record moves to the receiver. So the sender counts the person
  up to the day before, the receiver from the day itself: neither twice, neither loses them.
- ``handover_decline``: the receiver says no, with a reason; nothing moves.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import HANDOVER_RECEIVERS, HANDOVER_SENDERS
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.handovers import events
from cordon.handovers.models import Handover
from cordon.observation.models import Period
from cordon.people.models import Person


def _town_of(code: str) -> str:
    return codes.prefix_of(code)[:9].ljust(12, "0")


@transaction.atomic
def handover_request(*, actor: User, person: Person, to_area: Area, note: str = "") -> Handover:
    """Ask another town to take ``person``. Refuses a receiver that is not another town, and a second
    request while one is pending."""
    require_role(actor, person.area_id, *HANDOVER_SENDERS)
    if codes.level_of(to_area.code) != codes.TOWN:
        raise ValidationError({"to_area": _("A person is handed to a town.")})
    sender = _town_of(person.area_id)
    if to_area.code == sender:
        raise ValidationError({"to_area": _("The person is already in this town.")})
    if Handover.objects.filter(person=person, status=Handover.Status.PENDING).exists():
        raise ValidationError(_("A hand-over of this person is already awaiting the receiver."))
    period = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    handover = Handover(
        person=person,
        period=period,
        area_id=sender,
        to_area=to_area,
        note=note.strip()[:200],
        requested_by=actor,
    )
    handover.full_clean()
    handover.save()
    audit.record(
        actor=actor, action="handover.request", target=handover, area=sender, changes={"to": to_area.code}
    )
    events.handover_waiting(handover=handover)
    return handover


def _pending(handover: Handover) -> Handover:
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != Handover.Status.PENDING:
        raise ValidationError(_("This hand-over has already been decided."))
    return handover


@transaction.atomic
def handover_accept(
    *, actor: User, handover: Handover, area: Area | None = None, on: dt.date | None = None
) -> Handover:
    """The receiver takes the person into ``area`` (the receiving town or one of its villages) from
    ``on`` (today by default). Refuses a day before the period opened or after today, an area outside
    the receiving town, and a period with an open fever alert (the sender closes it first)."""
    area = area or Area.objects.get(code=handover.to_area_id)
    if not codes.covers(codes.prefix_of(handover.to_area_id), area.code):
        raise ValidationError(
            {"area": _("The person is taken into the receiving town or one of its villages.")}
        )
    require_role(actor, area, *HANDOVER_RECEIVERS)
    handover = _pending(handover)
    today = timezone.localdate()
    on = on or today
    period = (
        Period.objects.select_for_update().filter(pk=handover.period_id, status=Period.Status.ACTIVE).first()
        if handover.period_id
        else None
    )
    if on > today or (period and on < period.opened_on):
        raise ValidationError({"on": _("The hand-over day lies between the period's opening and today.")})
    if period and period.alert_open:
        raise ValidationError(_("A fever alert is open: the sending town closes it first."))
    if period:
        continuation = Period(
            person_id=period.person_id,
            area=area,
            reason=period.reason,
            reason_detail=period.reason_detail,
            mode=period.mode,
            place="",
            exposure_date=period.exposure_date,
            opened_on=on,
            planned_end=period.planned_end,
            edition_id=period.edition_id,
            rules=period.rules,
            plan=period.plan,
            checks_per_day=period.checks_per_day,
            first_slot=period.first_slot,
            opened_by=actor,
        )
        period.status, period.outcome, period.actual_end = Period.Status.CLOSED, Period.Outcome.LEFT_AREA, on
        period.outcome_note = (_("Handed over to %(town)s") % {"town": handover.to_area.name})[:200]
        period.updated_at = timezone.now()
        period.save(update_fields=["status", "outcome", "outcome_note", "actual_end", "updated_at"])
        continuation.full_clean()
        continuation.save()
        handover.new_period = continuation
    Person.objects.filter(pk=handover.person_id).update(area=area, updated_at=timezone.now())
    handover.status, handover.decided_by, handover.decided_at = (
        Handover.Status.ACCEPTED,
        actor,
        timezone.now(),
    )
    handover.handed_on = on
    handover.save(update_fields=["status", "decided_by", "decided_at", "handed_on", "new_period"])
    audit.record(
        actor=actor,
        action="handover.accept",
        target=handover,
        area=handover.to_area_id,
        changes={"from": handover.area_id, "to": area.code, "on": on.isoformat()},
    )
    events.handover_decided(handover=handover)
    return handover


@transaction.atomic
def handover_decline(*, actor: User, handover: Handover, reason: str) -> Handover:
    """The receiver declines, saying why; the person stays with the sender."""
    require_role(actor, handover.to_area_id, *HANDOVER_RECEIVERS)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the hand-over is declined.")})
    handover = _pending(handover)
    handover.status, handover.decided_by, handover.decided_at = (
        Handover.Status.DECLINED,
        actor,
        timezone.now(),
    )
    handover.decline_reason = reason.strip()[:200]
    handover.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit.record(
        actor=actor, action="handover.decline", target=handover, area=handover.to_area_id, reason=reason
    )
    events.handover_decided(handover=handover)
    return handover
