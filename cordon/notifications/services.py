"""Raising events, closing tasks, and the settings the command centre keeps.

``notify`` is called by the service that made the change, inside its transaction (like
``audit.record``): the messages and tasks are written with the change or not at all, and sending
happens later in the job worker, so no gateway can block or undo the action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Role, RoleAssignment, User
from cordon.accounts.permissions import NOTIFICATION_SETTERS
from cordon.accounts.scope import has_role_anywhere, require_role, roles_at
from cordon.core import audit, codes
from cordon.core.privacy import mask_name
from cordon.notifications import channels
from cordon.notifications.models import (
    URGENT_KINDS,
    Channel,
    ChannelSetting,
    Kind,
    KindSetting,
    Message,
    Preference,
    Task,
    WecomGroup,
)

# Roles that see the people of their area by name in Cordon's own pages, and so in their inbox and
# e-mail. Everyone else (command-centre staff, viewers) and every message that leaves Cordon by a
# shared channel (a WeCom group, an SMS) gets the name masked: 尹**.
FULL_NAME_ROLES = frozenset(
    {Role.COMMANDER, Role.VILLAGE_HEAD, Role.VILLAGE_CLERK, Role.HEALTH_WORKER, Role.CHECKPOINT_GUARD}
)
PRIVATE_CHANNELS = frozenset({Channel.INBOX, Channel.EMAIL})
SETTERS = NOTIFICATION_SETTERS


def ancestors(code: str) -> list[str]:
    """The area's code and the codes of every area above it: where a role reaching it is held."""
    found = []
    current: str | None = code
    while current:
        found.append(current)
        current = codes.parent_of(current)
    return found


def recipients(*, area: str, roles: Iterable[str]) -> dict[User, set[str]]:
    """The active users holding one of ``roles`` at ``area`` or above it, each with the roles that
    made them responsible. One indexed query: role assignments are held at exact area codes."""
    found: dict[User, set[str]] = {}
    rows = RoleAssignment.objects.filter(
        role__in=list(roles), area_id__in=ancestors(area), user__is_active=True
    ).select_related("user")
    for row in rows:
        found.setdefault(row.user, set()).add(row.role)
    return found


def display_name(name: str, *, roles: set[str], channel: str) -> str:
    """A person's name as this recipient may read it on this channel."""
    if channel in PRIVATE_CHANNELS and roles & FULL_NAME_ROLES:
        return name
    return mask_name(name)


def _fill(template: str, name: str) -> str:
    # Not str.format: the text around {name} may hold what a user typed (a destination with braces).
    return str(template).replace("{name}", name)


def _switched_on(kind: str) -> bool:
    row = KindSetting.objects.filter(kind=kind).first()
    return row is None or row.enabled


def _channels_on() -> set[str]:
    off = set(ChannelSetting.objects.filter(enabled=False).values_list("channel", flat=True))
    return {c for c in Channel.values if c not in off}


def notify(
    *,
    kind: str,
    key: str,
    area: str,
    roles: Iterable[str],
    subject: str,
    text: str,
    link: str = "",
    person_name: str = "",
    task: bool = True,
    exclude: Iterable[int] = (),
    users: Iterable[User] = (),
) -> int:
    """Raise an event: a message per responsible user and chosen channel (the inbox always), one to
    each WeCom group of the area that takes this kind, and a task per role when ``task``.

    ``text`` may hold ``{name}``, filled per recipient with the person's name masked as the
    recipient's role and the channel require. ``users`` are told as well, whatever their roles (the
    applicant of a decided pass), with the roles they hold at the area. ``key`` names the event:
    raising it again adds nothing (one fever alert, one message per recipient). Returns the number of
    messages queued.
    """
    roles = list(roles)
    users = list(users)
    area = area if isinstance(area, str) else area.code
    urgent = kind in URGENT_KINDS
    now = timezone.now()
    if task:
        for role in roles:
            Task.objects.get_or_create(
                key=key,
                role=role,
                defaults={
                    "kind": kind,
                    "area_id": area,
                    "title": _fill(subject, display_name(person_name, roles={role}, channel=Channel.INBOX))[
                        :120
                    ],
                    "person_name": person_name[:40],
                    "link": link,
                    "urgent": urgent,
                    "opened_at": now,
                },
            )
        # Those told by name (whoever started a failed import) get the task as their own.
        for user in users:
            if user is not None and user.is_active:
                Task.objects.get_or_create(
                    key=key,
                    role=f"user:{user.pk}",
                    defaults={
                        "kind": kind,
                        "area_id": area,
                        "title": _fill(subject, person_name)[:120],
                        "person_name": person_name[:40],
                        "link": link,
                        "urgent": urgent,
                        "assignee": user,
                        "opened_at": now,
                    },
                )
    if not _switched_on(kind):
        return 0
    channels = _channels_on()
    excluded = set(exclude)
    preferences = {}
    people = recipients(area=area, roles=roles) if roles else {}
    for user in users:
        if user is not None and user.is_active:
            people.setdefault(user, set()).update(roles_at(user, area))
    if people:
        preferences = {p.user_id: p for p in Preference.objects.filter(user__in=[u.pk for u in people])}
    rows: list[Message] = []

    def add(channel, address, *, recipient=None, group=None, held_roles=frozenset()):
        name = display_name(person_name, roles=set(held_roles), channel=channel)
        sent = channel == Channel.INBOX
        rows.append(
            Message(
                kind=kind,
                key=key,
                channel=channel,
                address=address,
                recipient=recipient,
                group=group,
                area_id=area,
                subject=_fill(subject, name)[:120],
                body=_fill(text, name)[:500],
                link=link,
                urgent=urgent,
                state=Message.State.SENT if sent else Message.State.QUEUED,
                sent_at=now if sent else None,
                next_attempt_at=None if sent else now,
                created_at=now,
            )
        )

    for user, held in people.items():
        if user.pk in excluded:
            continue
        add(Channel.INBOX, f"user:{user.pk}", recipient=user, held_roles=held)
        preference = preferences.get(user.pk)
        if preference and preference.sms and user.phone and Channel.SMS in channels:
            add(Channel.SMS, user.phone, recipient=user, held_roles=held)
        if preference and preference.email and user.email and Channel.EMAIL in channels:
            add(Channel.EMAIL, user.email, recipient=user, held_roles=held)
    if Channel.WECOM in channels:
        groups = WecomGroup.objects.filter(enabled=True, area_id__in=ancestors(area))
        for group in groups:
            if not group.kinds or kind in group.kinds:
                add(Channel.WECOM, f"group:{group.pk}", group=group)
    if not rows:
        return 0
    before = Message.objects.filter(key=key).count()
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    return Message.objects.filter(key=key).count() - before


def notify_person(*, kind: str, key: str, area: str, phone: str, text: str, link: str = "") -> bool:
    """An SMS to a monitored person themselves (their own reminder): never carries a name or number
    but the link. Deduplicated by ``key`` like every message; False when switched off or already sent."""
    if not phone or not _switched_on(kind) or Channel.SMS not in _channels_on():
        return False
    now = timezone.now()
    try:
        with transaction.atomic():
            Message.objects.create(
                kind=kind,
                key=key,
                channel=Channel.SMS,
                address=phone,
                area_id=area,
                subject=str(Kind(kind).label)[:120],
                body=text[:500],
                link=link,
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        return False
    return True


def tasks_close(*, key: str, roles: Iterable[str] | None = None) -> int:
    """Close the open tasks of an event whose record was dealt with (all roles, or the ones named)."""
    tasks = Task.objects.filter(key=key, closed_at__isnull=True)
    if roles is not None:
        tasks = tasks.filter(role__in=list(roles))
    return tasks.update(closed_at=timezone.now())


def tasks_close_prefix(*, prefix: str) -> int:
    """Close the open tasks whose key starts with ``prefix`` (every missed-checks task of a period)."""
    return Task.objects.filter(key__startswith=prefix, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


def inbox_mark_read(*, user: User, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own inbox messages read (all of them when no ids are given)."""
    messages = Message.objects.filter(recipient=user, channel=Channel.INBOX, read_at__isnull=True)
    if message_ids is not None:
        messages = messages.filter(pk__in=list(message_ids))
    return messages.update(read_at=timezone.now())


def preference_save(*, user: User, sms: bool, email: bool) -> Preference:
    """A user's own channels: SMS needs a phone on the account, e-mail an address."""
    if sms and not user.phone:
        raise ValidationError({"sms": [_("Your account has no phone number for SMS.")]})
    if email and not user.email:
        raise ValidationError({"email": [_("Your account has no e-mail address.")]})
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"sms": sms, "email": email, "updated_at": timezone.now()}
    )
    return preference


def _require_setter(actor: User) -> None:
    # The switches are the deployment's: only a commander or command staff of a town or above sets them.
    if not has_role_anywhere(actor, *SETTERS):
        raise PermissionDenied(_("Your role does not allow this here."))


@transaction.atomic
def channel_setting_save(
    *,
    actor: User,
    channel: str,
    enabled: bool,
    quiet_from: dt.time | None = None,
    quiet_until: dt.time | None = None,
) -> ChannelSetting:
    """Switch a channel on or off and set its quiet hours (both or neither; the inbox has none)."""
    _require_setter(actor)
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    if (quiet_from is None) != (quiet_until is None) or (
        quiet_from is not None and quiet_from == quiet_until
    ):
        raise ValidationError(
            {"quiet_from": [_("Give quiet hours as a start and a different end, or neither.")]}
        )
    if channel == Channel.INBOX and (quiet_from is not None or not enabled):
        raise ValidationError({"channel": [_("The in-app inbox is always on and has no quiet hours.")]})
    row, _created = ChannelSetting.objects.update_or_create(
        channel=channel,
        defaults={
            "enabled": enabled,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "updated_at": timezone.now(),
        },
    )
    audit.record(
        actor=actor,
        action="notifications.channel",
        target=row,
        changes={"enabled": [None, enabled], "quiet": [None, f"{quiet_from}-{quiet_until}"]},
    )
    return row


@transaction.atomic
def kind_setting_save(*, actor: User, kind: str, enabled: bool) -> KindSetting:
    """Switch an event kind's messages on or off for the deployment (its tasks open regardless)."""
    _require_setter(actor)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Unknown event.")]})
    row, _created = KindSetting.objects.update_or_create(
        kind=kind, defaults={"enabled": enabled, "updated_at": timezone.now()}
    )
    audit.record(actor=actor, action="notifications.kind", target=row, changes={"enabled": [None, enabled]})
    return row


@transaction.atomic
def wecom_group_save(
    *, actor: User, area, name: str, webhook_url: str, kinds: Iterable[str] = (), team_id: int | None = None
) -> WecomGroup:
    """Register a WeCom group robot for a village, a team (at the team's area, ``team_id``) or the
    town: only the command centre over that area does it (a webhook is a key to a group, so it is
    never shown whole again)."""
    require_role(actor, area, *SETTERS)
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in Kind.values]
    if unknown:
        raise ValidationError({"kinds": [_("Unknown event.")]})
    group = WecomGroup(
        area_id=area if isinstance(area, str) else area.code,
        name=(name or "").strip()[:60],
        webhook_url=(webhook_url or "").strip(),
        kinds=kinds,
        team_id=team_id,
        created_by=actor,
    )
    group.full_clean()
    group.save()
    audit.record(
        actor=actor,
        action="notifications.wecom_group",
        target=group,
        area=group.area_id,
        changes={"name": [None, group.name]},
    )
    return group


@transaction.atomic
def wecom_group_set_enabled(*, actor: User, group: WecomGroup, enabled: bool) -> WecomGroup:
    """Switch a group off (its waiting messages are then skipped by the worker) or on again."""
    require_role(actor, group.area_id, *SETTERS)
    group = WecomGroup.objects.select_for_update().get(pk=group.pk)
    if group.enabled != enabled:
        group.enabled = enabled
        group.save(update_fields=["enabled"])
        audit.record(
            actor=actor,
            action="notifications.wecom_group_enabled",
            target=group,
            area=group.area_id,
            changes={"enabled": [not enabled, enabled]},
        )
    return group


class _TestMessage:
    """What a channel adapter reads of a message, for a test post that is not an event."""

    link = ""

    def __init__(self, subject: str, body: str):
        self.subject, self.body = subject, body


def wecom_group_test(*, actor: User, group: WecomGroup) -> str:
    """Post a test message to the group's robot now and say how it went ("" when it arrived, else
    the robot's or the network's error). The command centre presses it after adding a group; it is
    the one send that does not go through the outbox, because the answer is what it is for."""
    require_role(actor, group.area_id, *SETTERS)
    message = _TestMessage(
        _("Cordon test message"),
        _("This group will receive Cordon's notifications for %(area)s.") % {"area": group.area.name},
    )
    try:
        channels.send_wecom(message, group.webhook_url)
    except channels.DeliveryError as exc:
        error = str(exc)
    else:
        error = ""
    audit.record(
        actor=actor,
        action="notifications.wecom_group_test",
        target=group,
        area=group.area_id,
        changes={"result": error or "ok"},
    )
    return error


def base_url() -> str:
    """Where links in messages that leave Cordon point (``CORDON_BASE_URL``)."""
    return getattr(settings, "CORDON_BASE_URL", "").rstrip("/")
