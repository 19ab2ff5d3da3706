"""Sending the outbox: the job worker calls ``deliver_due`` every few seconds.

A message is claimed by a conditional UPDATE of its ``next_attempt_at`` (two workers never send it
twice), sent through its channel's adapter, and marked sent — or retried after a growing pause
(1 min, 5 min, 30 min, 2 h), and failed after the last. Quiet hours hold a message until they end,
unless its kind is urgent (fever, urgent exits, positive tests). A channel switched off marks its
waiting messages "switched off" instead of sending them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from cordon.core import jobs
from cordon.notifications import channels
from cordon.notifications.models import Channel, ChannelSetting, Message, WecomGroup

log = logging.getLogger("cordon.notifications")

BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = dt.timedelta(minutes=2)  # a claimed message that a dead worker held is tried again after this


def in_quiet_hours(setting: ChannelSetting | None, moment: dt.datetime) -> dt.datetime | None:
    """When ``moment`` falls in the channel's quiet hours, the moment they end; else None."""
    if setting is None or setting.quiet_from is None or setting.quiet_until is None:
        return None
    local = timezone.localtime(moment)
    now_t, start, end = local.time(), setting.quiet_from, setting.quiet_until
    inside = start <= now_t < end if start < end else (now_t >= start or now_t < end)
    if not inside:
        return None
    end_day = local.date() if now_t < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(end_day, end))


def _rate_limited(now: dt.datetime) -> bool:
    limit = int(channels.sms_config().get("rate_per_minute") or 0)
    if not limit:
        return False
    recent = Message.objects.filter(channel=Channel.SMS, sent_at__gte=now - dt.timedelta(minutes=1)).count()
    return recent >= limit


def _send(message: Message) -> None:
    if message.channel == Channel.SMS:
        channels.send_sms(message, message.address)
    elif message.channel == Channel.EMAIL:
        channels.send_email(message, message.address)
    elif message.channel == Channel.WECOM:
        group = WecomGroup.objects.filter(pk=message.group_id, enabled=True).first()
        if group is None:
            raise channels.DeliveryError("group removed or switched off", permanent=True)
        channels.send_wecom(message, group.webhook_url)
    # The inbox needs no sending: its messages are written sent.


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> dict:
    """Send every message whose time has come; returns counts by outcome. Safe alongside another worker."""
    now = now or timezone.now()
    settings_by_channel = {s.channel: s for s in ChannelSetting.objects.all()}
    counts = {"sent": 0, "retrying": 0, "failed": 0, "held": 0, "skipped": 0}
    due = (
        Message.objects.filter(state__in=[Message.State.QUEUED, Message.State.RETRYING])
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .order_by("-urgent", "next_attempt_at", "id")[:limit]
    )
    for message in list(due):
        setting = settings_by_channel.get(message.channel)
        if setting is not None and not setting.enabled:
            Message.objects.filter(pk=message.pk).update(state=Message.State.SKIPPED)
            counts["skipped"] += 1
            continue
        quiet_end = None if message.urgent else in_quiet_hours(setting, now)
        if quiet_end is None and message.channel == Channel.SMS and _rate_limited(now):
            quiet_end = now + dt.timedelta(minutes=1)
        if quiet_end is not None:
            Message.objects.filter(pk=message.pk).update(next_attempt_at=quiet_end)
            counts["held"] += 1
            continue
        claimed = Message.objects.filter(pk=message.pk, next_attempt_at=message.next_attempt_at).update(
            next_attempt_at=now + LEASE
        )
        if not claimed:
            continue
        attempts = message.attempts + 1
        try:
            _send(message)
        except channels.DeliveryError as exc:
            final = exc.permanent or attempts >= MAX_ATTEMPTS
            state = Message.State.FAILED if final else Message.State.RETRYING
            Message.objects.filter(pk=message.pk).update(
                state=state,
                attempts=attempts,
                last_error=str(exc),
                next_attempt_at=None if final else now + BACKOFF[attempts - 1],
            )
            log.warning("message %s (%s) %s: %s", message.pk, message.channel, state, exc)
            counts["failed" if final else "retrying"] += 1
        else:
            Message.objects.filter(pk=message.pk).update(
                state=Message.State.SENT,
                attempts=attempts,
                sent_at=timezone.now(),
                last_error="",
                next_attempt_at=None,
            )
            counts["sent"] += 1
    return counts


@jobs.periodic("notifications.deliver", every=dt.timedelta(seconds=5))
def _deliver_periodically() -> dict:
    return deliver_due()


def retry_now(*, message: Message) -> Message:
    """Put a failed message back in the queue (the command centre's "send again")."""
    Message.objects.filter(pk=message.pk, state=Message.State.FAILED).update(
        state=Message.State.RETRYING, next_attempt_at=timezone.now()
    )
    message.refresh_from_db()
    return message
