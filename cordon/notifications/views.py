"""The inbox, the to-do list, the command centre's outbox and switches, and a user's own channels."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core.privacy import mask_phone
from cordon.forces.models import Team
from cordon.notifications import delivery, selectors, services
from cordon.notifications.models import (
    Channel,
    ChannelSetting,
    Kind,
    KindSetting,
    Message,
    Preference,
    WecomGroup,
)


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def inbox(request):
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("message") if x.isdigit()] or None
        services.inbox_mark_read(user=request.user, message_ids=ids)
        return redirect("notifications:inbox")
    page = Paginator(selectors.inbox_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def todo(request):
    return render(request, "notifications/todo.html", {"todo": selectors.todo_rows(request.user, limit=200)})


def masked_address(message: Message) -> str:
    if message.channel == Channel.SMS:
        return mask_phone(message.address)
    if message.channel == Channel.EMAIL:
        local, _at, domain = message.address.partition("@")
        return f"{local[:1]}***@{domain}"
    if message.channel == Channel.WECOM:
        return _("WeCom group")
    return message.recipient.full_name if message.recipient else ""


@login_required
def outbox(request):
    if not has_role_anywhere(request.user, *selectors.OUTBOX_READERS):
        raise PermissionDenied(_("Only the command centre reads the outbox."))
    messages = selectors.outbox_for(request.user)
    counts = selectors.outbox_counts(messages)
    filters = {k: request.GET.get(k, "")[:30] for k in ("state", "channel", "kind")}
    if filters["state"] in Message.State.values:
        messages = messages.filter(state=filters["state"])
    if filters["channel"] in Channel.values:
        messages = messages.filter(channel=filters["channel"])
    if filters["kind"] in Kind.values:
        messages = messages.filter(kind=filters["kind"])
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.shown_address = masked_address(message)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "state_tiles": [(v, label, counts.get(v, 0)) for v, label in Message.State.choices],
            "filters": filters,
            "states": Message.State.choices,
            "channels": Channel.choices,
            "kinds": Kind.choices,
            "query_string": query.urlencode(),
        },
    )


@login_required
@require_POST
def outbox_retry(request, pk: int):
    # Only the command centre reads the outbox: anyone else finds no such message (404).
    message = get_visible_or_404(Message.objects, request.user, roles=selectors.OUTBOX_READERS, pk=pk)
    delivery.retry_now(message=message)
    flash.success(request, _("The message is queued again."))
    return redirect("notifications:outbox")


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({"quiet_from": [_("Enter a time as HH:MM.")]}) from None


@login_required
def switches(request):
    """The deployment's switches: each channel (with its quiet hours) and each event kind."""
    if not has_role_anywhere(request.user, *services.SETTERS):
        raise PermissionDenied(_("Only the command centre sets the notifications."))
    if request.method == "POST":
        try:
            for channel in Channel.values:
                if channel == Channel.INBOX:
                    continue
                services.channel_setting_save(
                    actor=request.user,
                    channel=channel,
                    enabled=f"channel_{channel}" in request.POST,
                    quiet_from=_time(request.POST.get(f"quiet_from_{channel}", "")),
                    quiet_until=_time(request.POST.get(f"quiet_until_{channel}", "")),
                )
            for kind in Kind.values:
                services.kind_setting_save(
                    actor=request.user, kind=kind, enabled=f"kind_{kind}" in request.POST
                )
        except ValidationError as exc:
            flash.error(request, _errors(exc))
        else:
            flash.success(request, _("Saved."))
            return redirect("notifications:switches")
    channel_rows = {s.channel: s for s in ChannelSetting.objects.all()}
    kind_rows = {s.kind: s.enabled for s in KindSetting.objects.all()}
    return render(
        request,
        "notifications/switches.html",
        {
            "channels": [
                (value, label, channel_rows.get(value))
                for value, label in Channel.choices
                if value != Channel.INBOX
            ],
            "kinds": [(value, label, kind_rows.get(value, True)) for value, label in Kind.choices],
        },
    )


@login_required
def preferences(request):
    """A user's own channels beyond the inbox."""
    current = Preference.objects.filter(user=request.user).first()
    if request.method == "POST":
        try:
            services.preference_save(
                user=request.user, sms="sms" in request.POST, email="email" in request.POST
            )
        except ValidationError as exc:
            flash.error(request, _errors(exc))
        else:
            flash.success(request, _("Saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"preference": current})


def _teams(user) -> dict[int, object]:
    # The teams the command centre reaches, for a team's group (forces stands above notifications:
    # only the page and the API, entry points, read them).
    return {t.pk: t for t in Team.objects.visible_to(user, roles=services.SETTERS).only("pk", "name", "area")}


@login_required
def groups(request):
    """The command centre's WeCom group robots: one per village, team or the town; add, test, switch off."""
    if not has_role_anywhere(request.user, *services.SETTERS):
        raise PermissionDenied(_("Only the command centre sets the notifications."))
    teams = _teams(request.user)
    if request.method == "POST":
        team = teams.get(int(request.POST["team"])) if request.POST.get("team", "").isdigit() else None
        try:
            code = team.area_id if team else request.POST.get("area", "")
            services.wecom_group_save(
                actor=request.user,
                area=visible_area(request.user, code),
                name=request.POST.get("name", "") or (team.name if team else ""),
                webhook_url=request.POST.get("webhook_url", ""),
                kinds=[k for k in request.POST.getlist("kinds") if k],
                team_id=team.pk if team else None,
            )
        except ValidationError as exc:
            flash.error(request, _errors(exc))
        else:
            flash.success(request, _("The group is added. Send it a test message."))
            return redirect("notifications:groups")
    rows = list(WecomGroup.objects.visible_to(request.user, roles=services.SETTERS).select_related("area"))
    kind_labels = dict(Kind.choices)
    for row in rows:
        row.team = teams.get(row.team_id)
        row.kind_labels = [kind_labels.get(k, k) for k in row.kinds]
    return render(
        request,
        "notifications/groups.html",
        {
            "groups": rows,
            "areas": area_choices(request.user, services.SETTERS),
            "teams": sorted(teams.values(), key=lambda t: (t.area_id, t.name)),
            "kinds": Kind.choices,
        },
    )


def _group_or_404(request, pk: int) -> WecomGroup:
    return get_visible_or_404(WecomGroup.objects, request.user, roles=services.SETTERS, pk=pk)


@login_required
@require_POST
def group_test(request, pk: int):
    group = _group_or_404(request, pk)
    error = services.wecom_group_test(actor=request.user, group=group)
    if error:
        flash.error(request, _("The robot did not take the test message: %(error)s") % {"error": error})
    else:
        flash.success(request, _("The test message was sent to %(name)s.") % {"name": group.name})
    return redirect("notifications:groups")


@login_required
@require_POST
def group_enable(request, pk: int):
    group = _group_or_404(request, pk)
    services.wecom_group_set_enabled(actor=request.user, group=group, enabled=request.POST.get("on") == "1")
    return redirect("notifications:groups")
