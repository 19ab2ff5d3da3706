"""/api/v1/notifications/: the same to-do list and inbox the pages show, and the outbox for the
command centre."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from cordon.accounts.scope import has_role_anywhere
from cordon.core.pagination import Pages
from cordon.notifications import selectors, services

router = Router(tags=["notifications"])


class TodoOut(Schema):
    id: int
    kind: str
    title: str
    area: str
    role: str
    link: str
    urgent: bool
    opened_at: datetime

    @staticmethod
    def resolve_area(task):
        return task.area_id


class MessageOut(Schema):
    id: int
    kind: str
    channel: str
    subject: str
    body: str
    link: str
    state: str
    created_at: datetime
    read_at: datetime | None


class OutboxOut(Schema):
    id: int
    kind: str
    channel: str
    area: str
    subject: str
    state: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_area(message):
        return message.area_id


class ReadIn(Schema):
    ids: list[int] | None = None


@router.get("/todo", response=list[TodoOut], summary="My open tasks (as on my home page)")
def todo(request):
    return selectors.todo_rows(request.user, limit=200)


@router.get("/inbox", response=list[MessageOut], summary="My inbox, newest first")
@paginate(Pages, page_size=50)
def inbox(request, unread: bool = False):
    messages = selectors.inbox_for(request.user)
    return messages.filter(read_at__isnull=True) if unread else messages


@router.post("/inbox/read", response=dict, summary="Mark my inbox messages read (all when no ids)")
def inbox_read(request, payload: ReadIn):
    return {"marked": services.inbox_mark_read(user=request.user, message_ids=payload.ids)}


@router.get("/outbox", response=list[OutboxOut], summary="Every message of my areas (command centre)")
@paginate(Pages, page_size=100)
def outbox(request, state: str = "", channel: str = ""):
    if not has_role_anywhere(request.user, *selectors.OUTBOX_READERS):
        raise PermissionDenied(_("Only the command centre reads the outbox."))
    messages = selectors.outbox_for(request.user)
    if state:
        messages = messages.filter(state=state[:10])
    if channel:
        messages = messages.filter(channel=channel[:10])
    return messages
