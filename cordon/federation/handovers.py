"""A person handed to a town on another server (A9 across servers), as signed packages.

- ``handover_send``: the sending town's staff hand a person to a town on a peer's server (its parent,
  a child or a neighbouring county's). A ``handover`` package carries only what the receiver needs:
  the person's identity and contact, the observation period with its planned dates and rules, the
  reason, the source town. The person and the period stay the sender's until the answer says
  accepted.
- ``handover_receive``: the receiver verifies the package (``receiving.take``) and keeps it pending.
- ``handover_accept`` / ``handover_decline``: the receiving town's command centre (or clerk) decides;
  accepting registers the person and continues the period from the hand-over day with the same
  exposure date, planned end, rules and plan. Either way a signed ``handover_answer`` goes back.
- ``answer_receive``: on the sender, an accepted answer closes the period ("left the area") on the
  hand-over day: the sender counts the person up to the day before, the receiver from that day.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import HANDOVER_RECEIVERS, HANDOVER_SENDERS
from cordon.accounts.scope import require_role
from cordon.accounts.services import operator_account
from cordon.core import audit, codes, jobs
from cordon.federation import packages
from cordon.federation.models import Inbox, Outbox, Peer, RemoteHandover
from cordon.federation.services import PUSH_JOB, AlreadyReceived, _refuse
from cordon.handovers.models import Handover
from cordon.observation.models import Period, ProtocolEdition
from cordon.observation.selectors import rules_in_force
from cordon.people import services as people
from cordon.people.models import Person

PERSON_KEYS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "document_number",
    "phone",
    "phone_other",
    "address",
)
PERIOD_KEYS = ("reason", "reason_detail", "mode", "rules", "plan", "checks_per_day", "first_slot")
PERIOD_DATES = ("exposure_date", "opened_on", "planned_end")


def _town_of(code: str) -> str:
    return codes.prefix_of(code)[:9].ljust(12, "0")


def peer_for(to_code: str) -> Peer | None:
    """The peer whose server holds the town ``to_code`` (the one with the narrowest area)."""
    found = [p for p in Peer.objects.all() if codes.covers(codes.prefix_of(p.area_code), to_code)]
    return max(found, key=lambda p: len(codes.prefix_of(p.area_code)), default=None)


def _queue(*, actor: User, peer: Peer, kind: str, area_code: str, package: dict) -> Outbox:
    entry = Outbox.objects.create(peer=peer, kind=kind, area_code=area_code, package=package)
    if peer.url:
        jobs.enqueue(kind=PUSH_JOB, area=area_code, actor=actor, params={"outbox": entry.pk})
    return entry


def _content(person: Person, period: Period | None) -> dict:
    data = {k: getattr(person, k) for k in PERSON_KEYS}
    data["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
    if period is None:
        return {"person": data, "period": None}
    carried = {k: getattr(period, k) for k in PERIOD_KEYS}
    carried.update({k: getattr(period, k).isoformat() for k in PERIOD_DATES})
    carried["edition"] = period.edition_id
    return {"person": data, "period": carried}


@transaction.atomic
def handover_send(
    *, actor: User, person: Person, to_code: str, to_name: str = "", note: str = ""
) -> RemoteHandover:
    """Hand ``person`` to the town ``to_code`` on another server. Refuses a town this server holds
    (hand over here instead), a town no peer holds, a second hand-over while one awaits an answer,
    and a period with an open fever alert (closed here first)."""
    require_role(actor, person.area_id, *HANDOVER_SENDERS)
    to_code = to_code.strip()
    if not codes.is_valid_code(to_code) or codes.level_of(to_code) != codes.TOWN:
        raise ValidationError({"to_area": _("A person is handed to a town (a 12-digit town code).")})
    if Area.objects.filter(code=to_code).exists():
        raise ValidationError({"to_area": _("This town is on this server: hand the person over here.")})
    peer = peer_for(to_code)
    if peer is None:
        raise ValidationError({"to_area": _("No linked server holds town %(code)s.") % {"code": to_code}})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if (
        Handover.objects.filter(person=person, status=Handover.Status.PENDING).exists()
        or RemoteHandover.objects.filter(
            person=person, direction=RemoteHandover.Direction.OUT, status=RemoteHandover.Status.PENDING
        ).exists()
    ):
        raise ValidationError(_("A hand-over of this person is already awaiting the receiver."))
    period = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    if period and period.alert_open:
        raise ValidationError(_("A fever alert is open: the sending town closes it first."))
    sender = Area.objects.get(code=_town_of(person.area_id))
    uid = uuid.uuid4().hex
    content = _content(person, period)
    note = note.strip()[:200]
    package = packages.seal(
        kind="handover",
        sender_area=sender.code,
        content={
            "handover": {
                "id": uid,
                "from": {"code": sender.code, "name": sender.name},
                "to": {"code": to_code, "name": to_name.strip()[:100]},
                "note": note,
                **content,
            }
        },
    )
    handover = RemoteHandover(
        uid=uid,
        direction=RemoteHandover.Direction.OUT,
        peer=peer,
        from_code=sender.code,
        from_name=sender.name,
        to_code=to_code,
        to_name=to_name.strip()[:100] or to_code,
        person_name=person.name,
        note=note,
        person=person,
        period=period,
        requested_by=actor,
    )
    handover.full_clean()
    handover.save()
    _queue(actor=actor, peer=peer, kind="handover", area_code=sender.code, package=package)
    audit.record(
        actor=actor,
        action="federation.handover_send",
        target=handover,
        area=sender.code,
        changes={"to": to_code, "peer": peer.key_id, "uid": uid},
    )
    return handover


def _inbox(*, body: dict, peer: Peer, package, kind: str, area_code: str, via: str) -> None:
    digest = packages.digest(body)
    if Inbox.objects.filter(digest=digest).exists():
        _refuse(_("This package was already received."), AlreadyReceived)
    try:
        with transaction.atomic():
            Inbox.objects.create(
                key_id=peer.key_id,
                kind=kind,
                area_code=area_code,
                digest=digest,
                package=package if isinstance(package, dict) else json.loads(package),
                via=via,
            )
    except IntegrityError:
        _refuse(_("This package was already received."), AlreadyReceived)


def _date(value) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _check_content(item: dict) -> None:
    person, period = item.get("person"), item.get("period")
    if not isinstance(person, dict) or not str(person.get("name", "")).strip():
        raise ValueError("person")
    if period is not None:
        if not isinstance(period, dict) or not all(k in period for k in (*PERIOD_KEYS, *PERIOD_DATES)):
            raise ValueError("period")
        for k in PERIOD_DATES:
            _date(period[k])


@transaction.atomic
def handover_receive(*, body: dict, peer: Peer, package, via: str) -> RemoteHandover:
    """Keep a verified ``handover`` package pending for the receiving town. Refuses, storing nothing:
    a sender outside the peer's area, a town not on this server, an incomplete package, a replay."""
    item = body.get("handover") or {}
    sender_area = str(body.get("sender", {}).get("area", ""))
    from_code = str((item.get("from") or {}).get("code", ""))
    if not codes.covers(codes.prefix_of(peer.area_code), sender_area) or from_code != sender_area:
        _refuse(
            _("%(peer)s hands over people of %(own)s only; this package is from %(other)s.")
            % {"peer": peer.name, "own": peer.area_code, "other": from_code or sender_area or "?"}
        )
    to_code = str((item.get("to") or {}).get("code", ""))
    to_area = Area.objects.filter(code=to_code).first()
    if to_area is None or codes.level_of(to_code) != codes.TOWN:
        _refuse(_("Town %(code)s is not on this server.") % {"code": to_code or "?"})
    uid = str(item.get("id", ""))
    try:
        if not (0 < len(uid) <= 32):
            raise ValueError("id")
        _check_content(item)
    except (ValueError, TypeError, AttributeError):
        _refuse(_("The hand-over package is incomplete (the person, the period's dates and rules)."))
    _inbox(body=body, peer=peer, package=package, kind="handover", area_code=to_code, via=via)
    if RemoteHandover.objects.filter(direction=RemoteHandover.Direction.IN, uid=uid).exists():
        _refuse(_("This package was already received."), AlreadyReceived)
    handover = RemoteHandover(
        uid=uid,
        direction=RemoteHandover.Direction.IN,
        peer=peer,
        from_code=from_code,
        from_name=str((item.get("from") or {}).get("name", ""))[:100] or from_code,
        to_code=to_code,
        to_name=to_area.name,
        person_name=str(item["person"]["name"])[:40],
        note=str(item.get("note", ""))[:200],
        content={"person": item["person"], "period": item.get("period")},
    )
    handover.full_clean()
    handover.save()
    audit.record(
        actor=operator_account(),
        action="federation.handover_receive",
        target=handover,
        area=to_code,
        changes={"from": from_code, "uid": uid, "via": via},
    )
    return handover


def _pending_in(handover: RemoteHandover) -> RemoteHandover:
    handover = RemoteHandover.objects.select_for_update().get(pk=handover.pk)
    if handover.direction != RemoteHandover.Direction.IN or handover.status != RemoteHandover.Status.PENDING:
        raise ValidationError(_("This hand-over has already been decided."))
    return handover


def _answer(*, actor: User, handover: RemoteHandover, reason: str = "") -> None:
    package = packages.seal(
        kind="handover_answer",
        sender_area=handover.to_code,
        content={
            "answer": {
                "id": handover.uid,
                "status": handover.status,
                "handed_on": handover.handed_on.isoformat() if handover.handed_on else None,
                "reason": reason,
                "to": {"code": handover.to_code, "name": handover.to_name},
            }
        },
    )
    _queue(
        actor=actor, peer=handover.peer, kind="handover_answer", area_code=handover.to_code, package=package
    )


@transaction.atomic
def handover_accept(
    *, actor: User, handover: RemoteHandover, area: Area | None = None, on: dt.date | None = None
) -> RemoteHandover:
    """The receiving town takes the person into ``area`` (the town or one of its villages) from ``on``
    (today by default): registered here, and their period continued with its dates and rules. The
    signed answer goes back to the sender, which closes its period on the same day."""
    area = area or Area.objects.get(code=handover.to_code)
    if not codes.covers(codes.prefix_of(handover.to_code), area.code):
        raise ValidationError(
            {"area": _("The person is taken into the receiving town or one of its villages.")}
        )
    require_role(actor, area, *HANDOVER_RECEIVERS)
    handover = _pending_in(handover)
    today = timezone.localdate()
    on = on or today
    carried = handover.content.get("period")
    if on > today or (carried and on < _date(carried["opened_on"])):
        raise ValidationError({"on": _("The hand-over day lies between the period's opening and today.")})
    data = {k: handover.content["person"].get(k) or "" for k in PERSON_KEYS}
    data["birth_date"] = handover.content["person"].get("birth_date") or None
    person, _created = people.person_save(actor=actor, area=area, data=data)
    period = None
    if carried:
        if Period.objects.filter(person=person, status=Period.Status.ACTIVE).exists():
            raise ValidationError(_("%(name)s is already under observation here.") % {"name": person.name})
        edition = ProtocolEdition.objects.filter(code=carried["edition"]).first()
        period = Period(
            person=person,
            area=area,
            mode=carried["mode"],
            reason=carried["reason"],
            reason_detail=str(carried["reason_detail"])[:200],
            exposure_date=_date(carried["exposure_date"]),
            opened_on=on,
            planned_end=_date(carried["planned_end"]),
            edition=edition or rules_in_force(area.code).edition,
            rules=carried["rules"],
            plan=carried["plan"],
            checks_per_day=carried["checks_per_day"],
            first_slot=carried["first_slot"],
            opened_by=actor,
        )
        period.full_clean(validate_constraints=False)
        period.save()
    handover.status, handover.person, handover.period = RemoteHandover.Status.ACCEPTED, person, period
    handover.decided_by, handover.decided_at, handover.handed_on = actor, timezone.now(), on
    handover.save()
    _answer(actor=actor, handover=handover)
    audit.record(
        actor=actor,
        action="federation.handover_accept",
        target=handover,
        area=handover.to_code,
        changes={"from": handover.from_code, "to": area.code, "on": on.isoformat()},
    )
    return handover


@transaction.atomic
def handover_decline(*, actor: User, handover: RemoteHandover, reason: str) -> RemoteHandover:
    """The receiving town declines, saying why; what the package carried of the person is erased here
    (the name stays for the list) and the answer goes back: the person stays with the sender."""
    require_role(actor, handover.to_code, *HANDOVER_RECEIVERS)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the hand-over is declined.")})
    handover = _pending_in(handover)
    handover.status, handover.decided_by, handover.decided_at = (
        RemoteHandover.Status.DECLINED,
        actor,
        timezone.now(),
    )
    handover.decline_reason, handover.content = reason.strip()[:200], {}
    handover.save()
    _answer(actor=actor, handover=handover, reason=handover.decline_reason)
    audit.record(
        actor=actor,
        action="federation.handover_decline",
        target=handover,
        area=handover.to_code,
        reason=reason,
    )
    return handover


@transaction.atomic
def answer_receive(*, body: dict, peer: Peer, package, via: str) -> RemoteHandover:
    """The receiver's answer to a hand-over sent from here. Accepted: the period ends ("left the
    area", handed to the receiver) on the hand-over day. Declined: nothing moves. Refuses, storing
    nothing: an answer to no hand-over sent to that peer, from another town, or a replay."""
    item = body.get("answer") or {}
    handover = (
        RemoteHandover.objects.select_for_update()
        .filter(direction=RemoteHandover.Direction.OUT, uid=str(item.get("id", "")), peer=peer)
        .first()
    )
    if handover is None:
        _refuse(_("This answer is about no hand-over this server sent to %(peer)s.") % {"peer": peer.name})
    if str(body.get("sender", {}).get("area", "")) != handover.to_code:
        _refuse(
            _("Only town %(town)s answers this hand-over; this package is from %(other)s.")
            % {"town": handover.to_code, "other": body.get("sender", {}).get("area", "?")}
        )
    status = item.get("status")
    try:
        if status not in (RemoteHandover.Status.ACCEPTED, RemoteHandover.Status.DECLINED):
            raise ValueError("status")
        handed_on = _date(item["handed_on"]) if status == RemoteHandover.Status.ACCEPTED else None
    except (KeyError, TypeError, ValueError):
        _refuse(_("The answer is incomplete (accepted or declined, and the day)."))
    _inbox(
        body=body, peer=peer, package=package, kind="handover_answer", area_code=handover.from_code, via=via
    )
    if handover.status != RemoteHandover.Status.PENDING:
        _refuse(_("This hand-over was already answered."), AlreadyReceived)
    handover.status, handover.decided_at = status, timezone.now()
    if handed_on:
        handover.handed_on = handed_on
        period = (
            Period.objects.select_for_update()
            .filter(pk=handover.period_id, status=Period.Status.ACTIVE)
            .first()
            if handover.period_id
            else None
        )
        if period:
            period.status, period.outcome = Period.Status.CLOSED, Period.Outcome.LEFT_AREA
            period.actual_end = max(handed_on, period.opened_on)
            period.outcome_note = (
                _("Handed over to %(town)s (another server)") % {"town": handover.to_name}
            )[:200]
            period.updated_at = timezone.now()
            period.save(update_fields=["status", "outcome", "outcome_note", "actual_end", "updated_at"])
    else:
        handover.decline_reason = str(item.get("reason", ""))[:200]
    handover.save()
    audit.record(
        actor=operator_account(),
        action="federation.handover_answer",
        target=handover,
        area=handover.from_code,
        changes={"status": status, "on": handed_on.isoformat() if handed_on else None, "via": via},
    )
    return handover
