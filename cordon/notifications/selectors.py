"""Reads of the inbox, the to-do list and the outbox, each through the area scope."""

from __future__ import annotations

from django.db.models import Count, Q

from cordon.accounts.models import held_roles
from cordon.accounts.permissions import OUTBOX_READERS
from cordon.core.scope import prefixes_q, viewer_prefixes
from cordon.notifications.models import Channel, Message, Task


def _roles_of(user) -> set[str]:
    # The roles read once per request by the scope (no query of its own).
    return {role for role, _prefix in held_roles(user)} if user.is_authenticated else set()


def todo_for(user):
    """The user's open tasks: those of each role they hold, within the areas where they hold it, plus
    any assigned to them by name. A task closes itself when its record is dealt with."""
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    query = Q(assignee=user)
    for role in _roles_of(user):
        area_q = prefixes_q("area_id", viewer_prefixes(user, roles=[role]))
        if area_q is not None:
            query |= Q(role=role) & area_q
    # One task per event for the user, even when two of their roles each hold it: the lowest id.
    return Task.objects.open().filter(query)


def todo_rows(user, limit: int = 50) -> list[Task]:
    """The to-do list as shown: one row per event (two roles of one user holding the same event show
    it once), urgent first, oldest first."""
    seen, rows = set(), []
    for task in todo_for(user).order_by("-urgent", "opened_at", "id")[: limit * 2]:
        if task.key in seen:
            continue
        seen.add(task.key)
        rows.append(task)
        if len(rows) >= limit:
            break
    return rows


def inbox_for(user):
    """The user's own inbox messages, newest first."""
    return Message.objects.filter(recipient=user, channel=Channel.INBOX).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return inbox_for(user).filter(read_at__isnull=True).count()


def outbox_for(user):
    """Every message of the command centre's areas (commanders and command staff only)."""
    return Message.objects.visible_to(user, roles=OUTBOX_READERS).select_related("recipient")


def outbox_counts(messages) -> dict[str, int]:
    return dict(messages.order_by().values_list("state").annotate(n=Count("id")))
