"""The monitored person's own reminder (Sara Alert's daily reminder): a person under home observation
who gave a phone gets their self-report link by SMS each morning and evening.

- ``reminder_set``: the health worker (or the village's staff) records the person's preference — on
  or off, the morning and evening times; turning it on again clears an opt-out.
- ``reminder_opt_out``: the person stops it, from the link's page or by replying to the SMS
  (``opt_out_by_reply``: 退订, TD, N…), or the health worker does; when and how is kept.
- ``send_due_reminders``: the job worker's duty (every few minutes): each period whose morning or
  evening time has come (within ``SEND_WINDOW``) gets that slot's SMS once (its key) — a fresh
  reminder link, the one before stopped. The SMS carries the link and nothing else of the person:
  no name, no ID number, no phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import OBSERVERS
from cordon.accounts.scope import require_role
from cordon.core import audit
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind, Message
from cordon.observation.models import Period, SelfReminder, SelfReportLink
from cordon.observation.services import link_expiry

SLOTS = ("morning", "evening")
# How late a slot's SMS may still go out (a worker that was down at 08:00 sends at 09:30, not at 17:00).
SEND_WINDOW = dt.timedelta(hours=3)
# What a person may reply to stop the reminders (compared without case or spaces).
STOP_WORDS = frozenset({"TD", "T", "N", "STOP", "退订", "取消", "不要"})


def reminder_of(period: Period) -> SelfReminder:
    """The period's reminder as recorded, or the defaults (not saved) when nobody set it."""
    found = SelfReminder.objects.filter(period=period).first()
    return found or SelfReminder(period=period, area_id=period.area_id)


def reminder_key(period_id: int, day: dt.date, slot: str) -> str:
    return f"{Kind.SELF_REMINDER}:{period_id}:{day.isoformat()}:{slot}"


@transaction.atomic
def reminder_set(
    *,
    actor: User,
    period: Period,
    enabled: bool,
    morning_at: dt.time | None = None,
    evening_at: dt.time | None = None,
) -> SelfReminder:
    """Record the person's preference. Refuses a morning time not before the evening one; turning
    the reminder on clears an opt-out (the person asked again), turning it off is the worker's opt-out."""
    require_role(actor, period.area_id, *OBSERVERS)
    reminder, _created = SelfReminder.objects.select_for_update().get_or_create(
        period=period, defaults={"area_id": period.area_id}
    )
    before = {"enabled": reminder.sends, "times": f"{reminder.morning_at:%H:%M}-{reminder.evening_at:%H:%M}"}
    reminder.morning_at = morning_at or reminder.morning_at
    reminder.evening_at = evening_at or reminder.evening_at
    if reminder.morning_at >= reminder.evening_at:
        raise ValidationError({"morning_at": [_("The morning reminder comes before the evening one.")]})
    reminder.enabled = enabled
    if enabled:
        reminder.opted_out_at, reminder.opted_out_via = None, ""
    elif reminder.opted_out_at is None:
        reminder.opted_out_at, reminder.opted_out_via = timezone.now(), SelfReminder.Via.WORKER
    reminder.set_by, reminder.updated_at = actor, timezone.now()
    reminder.full_clean()
    reminder.save()
    audit.record(
        actor=actor,
        action="observation.reminder",
        target=period,
        area=period.area_id,
        changes={
            "enabled": [before["enabled"], reminder.sends],
            "times": [before["times"], f"{reminder.morning_at:%H:%M}-{reminder.evening_at:%H:%M}"],
        },
    )
    return reminder


@transaction.atomic
def reminder_opt_out(*, period: Period, via: str) -> SelfReminder:
    """The person (by the link or a reply) stops their reminders. Doing it twice changes nothing."""
    reminder, _created = SelfReminder.objects.select_for_update().get_or_create(
        period=period, defaults={"area_id": period.area_id}
    )
    if reminder.opted_out_at is None:
        reminder.enabled = False
        reminder.opted_out_at, reminder.opted_out_via = timezone.now(), via
        reminder.updated_at = timezone.now()
        reminder.save()
        audit.record(
            actor=None,
            action="observation.reminder_opt_out",
            target=period,
            area=period.area_id,
            changes={"enabled": [True, False], "via": [None, via]},
        )
    return reminder


def opt_out_by_reply(*, phone: str, text: str) -> int:
    """A reply to the reminder SMS: a stop word stops the reminders of every active period of the
    people with that phone. Returns how many were stopped (0 for any other reply)."""
    word = "".join((text or "").split()).upper()
    if word not in STOP_WORDS or not phone:
        return 0
    periods = Period.objects.filter(status=Period.Status.ACTIVE, person__phone=phone[:20]).select_related(
        "person"
    )
    stopped = 0
    for period in periods:
        reminder_opt_out(period=period, via=SelfReminder.Via.REPLY)
        stopped += 1
    return stopped


def _due_slot(reminder: SelfReminder, now: dt.datetime) -> str | None:
    for slot, at in (("evening", reminder.evening_at), ("morning", reminder.morning_at)):
        start = timezone.make_aware(dt.datetime.combine(now.date(), at))
        if start <= now < start + SEND_WINDOW:
            return slot
    return None


@transaction.atomic
def _send(period: Period, slot: str, day: dt.date) -> bool:
    key = reminder_key(period.pk, day, slot)
    if Message.objects.filter(key=key).exists():
        return False  # sent already: the link it carries stays the live one
    now = timezone.now()
    period.links.filter(for_reminder=True, revoked_at__isnull=True).update(revoked_at=now)
    secret = secrets.token_urlsafe(24)
    SelfReportLink.objects.create(
        period=period,
        area_id=period.area_id,
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
        hint=secret[:6],
        created_by=period.opened_by,
        created_at=now,
        expires_at=link_expiry(period.planned_end),
        for_reminder=True,
    )
    text = (
        _("Please report this morning's temperature. Reply TD to stop these reminders.")
        if slot == "morning"
        else _("Please report this evening's temperature. Reply TD to stop these reminders.")
    )
    sent = notifications.notify_person(
        kind=Kind.SELF_REMINDER,
        key=key,
        area=period.area_id,
        phone=period.person.phone,
        text=text,
        link=reverse("self_report", args=[secret]),
    )
    if not sent:
        transaction.set_rollback(True)  # switched off: no link made for nothing
    return sent


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders whose time has come; safe to run any number of times. Returns how many."""
    now = timezone.localtime(now or timezone.now())
    periods = (
        Period.objects.filter(
            status=Period.Status.ACTIVE,
            mode=Period.Mode.HOME,
            opened_on__lte=now.date(),
            planned_end__gte=now.date(),  # past its end the period waits to be completed, not reported
        )
        .exclude(person__phone="")
        .select_related("person")
    )
    recorded = {r.period_id: r for r in SelfReminder.objects.filter(period__in=periods.values("pk"))}
    sent = 0
    for period in periods.iterator(chunk_size=500):
        reminder = recorded.get(period.pk) or SelfReminder(period=period, area_id=period.area_id)
        if not reminder.sends:
            continue
        slot = _due_slot(reminder, now)
        if slot is not None and _send(period, slot, now.date()):
            sent += 1
    return sent
