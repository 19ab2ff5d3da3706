"""/api/v1/notifications/: the same to-do list and inbox the pages show, and the outbox for the
command centre."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.core.pagination import Pages
from cordon.forces.models import Team
from cordon.notifications import selectors, services
from cordon.notifications.models import WecomGroup

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


class GroupOut(Schema):
    """A WeCom group robot; the webhook only in part (it is a key to post into the group)."""

    id: int
    name: str
    area: str
    team: int | None
    webhook: str
    kinds: list[str]
    enabled: bool

    @staticmethod
    def resolve_area(group):
        return group.area_id

    @staticmethod
    def resolve_team(group):
        return group.team_id

    @staticmethod
    def resolve_webhook(group):
        return group.masked_webhook


class GroupIn(Schema):
    name: str = Field(..., max_length=60)
    area: str = Field("", max_length=15)
    team: int | None = None
    webhook_url: str = Field(..., max_length=300)
    kinds: list[str] = []


class GroupEnabledIn(Schema):
    enabled: bool


def _require_setter(request) -> None:
    if not has_role_anywhere(request.user, *services.SETTERS):
        raise PermissionDenied(_("Only the command centre sets the notifications."))


def _group(request, group_id: int) -> WecomGroup:
    return get_visible_or_404(WecomGroup.objects, request.user, roles=services.SETTERS, pk=group_id)


@router.get("/wecom-groups", response=list[GroupOut], summary="The WeCom group robots of my areas")
def group_list(request):
    _require_setter(request)
    return list(WecomGroup.objects.visible_to(request.user, roles=services.SETTERS))


@router.post("/wecom-groups", response={201: GroupOut}, summary="Add a village's or a team's WeCom group")
def group_add(request, payload: GroupIn):
    _require_setter(request)
    code = payload.area
    if payload.team is not None:
        team = get_visible_or_404(Team.objects, request.user, roles=services.SETTERS, pk=payload.team)
        code = team.area_id
    group = services.wecom_group_save(
        actor=request.user,
        area=visible_area(request.user, code),
        name=payload.name,
        webhook_url=payload.webhook_url,
        kinds=payload.kinds,
        team_id=payload.team,
    )
    return Status(201, group)


@router.post("/wecom-groups/{int:group_id}/test", response=dict, summary="Post a test message now")
def group_test(request, group_id: int):
    error = services.wecom_group_test(actor=request.user, group=_group(request, group_id))
    return {"sent": not error, "error": error}


@router.post("/wecom-groups/{int:group_id}/enabled", response=GroupOut, summary="Switch a group off or on")
def group_enabled(request, group_id: int, payload: GroupEnabledIn):
    return services.wecom_group_set_enabled(
        actor=request.user, group=_group(request, group_id), enabled=payload.enabled
    )
