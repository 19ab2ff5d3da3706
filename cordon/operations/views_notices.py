"""Pages: notices (list, export, write, publish, the printable poster) and rumours (report, verify,
rebut with a published notice)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.models import Area
from cordon.accounts.permissions import NOTICE_DRAFTERS, NOTICE_PUBLISHERS, RUMOUR_REPORTERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core import codes
from cordon.core.forms import act_and_return, add_service_errors, cleaned_or_raise, to_choose
from cordon.operations import exports
from cordon.operations import services_notices as services
from cordon.operations.forms import NoticeForm, RebutForm, RumourForm, VerifyForm
from cordon.operations.models import Notice, Rumour


@login_required
def notice_list(request):
    status = request.GET.get("status", "")
    status = status if status in Notice.Status.values else ""
    notices = Notice.objects.visible_to(request.user).select_related("area").prefetch_related("audience")
    if status:
        notices = notices.filter(status=status)
    fmt = request.GET.get("export", "")
    if fmt in ("xlsx", "csv"):
        return exports.notice_export(request.user, notices[:20000], fmt)
    return render(
        request,
        "operations/notice_list.html",
        {
            "notices": list(notices[:200]),
            "status": status,
            "statuses": Notice.Status.choices,
            "may_draft": has_role_anywhere(request.user, *NOTICE_DRAFTERS),
            "query": request.GET.urlencode(),
        },
    )


def _audience_choices(user) -> list[tuple[str, str]]:
    areas = Area.objects.visible_to(user, NOTICE_DRAFTERS).filter(level=codes.VILLAGE).order_by("code")
    return [(a.code, a.name) for a in areas.only("code", "name")]


def _notice_form(request, notice=None) -> NoticeForm:
    initial = {}
    if notice is not None:
        initial = {
            "area": notice.area_id,
            "title": notice.title,
            "body": notice.body,
            "channels": notice.channels,
            "audience": [a.code for a in notice.audience.all() if a.code != notice.area_id],
        }
    form = NoticeForm(request.POST or None, initial=initial)
    form.fields["area"].choices = area_choices(request.user, NOTICE_DRAFTERS)
    form.fields["audience"].choices = _audience_choices(request.user)
    return form


def _save_notice(request, form, notice=None):
    data = form.cleaned_data
    try:
        area = visible_area(request.user, data["area"]) if notice is None else notice.area
        audience = [visible_area(request.user, code, field="audience") for code in data["audience"]]
        return services.notice_save(
            actor=request.user, area=area, notice=notice, data={**data, "audience": audience}
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@login_required
def notice_new(request):
    if not has_role_anywhere(request.user, *NOTICE_DRAFTERS):
        raise PermissionDenied
    form = _notice_form(request)
    if request.method == "POST" and form.is_valid():
        notice = _save_notice(request, form)
        if notice is not None:
            messages.success(request, _("Draft saved."))
            return redirect("operations:notice", notice.pk)
    return render(request, "operations/notice_form.html", {"form": form})


def _notice(request, pk: int) -> Notice:
    return get_visible_or_404(
        Notice.objects.select_related("area", "created_by", "published_by").prefetch_related("audience"),
        request.user,
        pk=pk,
    )


@login_required
def notice_edit(request, pk: int):
    notice = _notice(request, pk)
    if notice.status != Notice.Status.DRAFT or not has_role(request.user, notice.area_id, *NOTICE_DRAFTERS):
        raise PermissionDenied
    form = _notice_form(request, notice)
    form.fields["area"].disabled = True
    if request.method == "POST" and form.is_valid() and _save_notice(request, form, notice) is not None:
        messages.success(request, _("Draft saved."))
        return redirect("operations:notice", notice.pk)
    return render(request, "operations/notice_form.html", {"form": form, "notice": notice})


@login_required
def notice_detail(request, pk: int):
    notice = _notice(request, pk)
    return render(
        request,
        "operations/notice_detail.html",
        {
            "notice": notice,
            "rumours": list(notice.rumours.all()),
            "may_edit": notice.status == Notice.Status.DRAFT
            and has_role(request.user, notice.area_id, *NOTICE_DRAFTERS),
            "may_publish": notice.status == Notice.Status.DRAFT
            and has_role(request.user, notice.area_id, *NOTICE_PUBLISHERS),
        },
    )


@login_required
@require_POST
def notice_publish(request, pk: int):
    notice = _notice(request, pk)

    def action():
        services.notice_publish(actor=request.user, notice=notice)
        return _("Published.")

    return act_and_return(request, action, reverse("operations:notice", args=[notice.pk]))


@login_required
def notice_poster(request, pk: int):
    """The notice as an A4 poster in big type, to print and put up."""
    notice = _notice(request, pk)
    return render(request, "operations/notice_poster.html", {"notice": notice, "today": timezone.localdate()})


@login_required
def rumour_list(request):
    status = request.GET.get("status", "")
    status = status if status in Rumour.Status.values else ""
    rumours = Rumour.objects.visible_to(request.user).select_related("area", "rebuttal")
    if status:
        rumours = rumours.filter(status=status)
    return render(
        request,
        "operations/rumour_list.html",
        {
            "rumours": list(rumours[:200]),
            "status": status,
            "statuses": Rumour.Status.choices,
            "may_report": has_role_anywhere(request.user, *RUMOUR_REPORTERS),
        },
    )


@login_required
def rumour_new(request):
    if not has_role_anywhere(request.user, *RUMOUR_REPORTERS):
        raise PermissionDenied
    form = RumourForm(
        request.POST or None, initial={"heard_on": timezone.localdate(), "client_id": uuid.uuid4().hex}
    )
    form.fields["area"].choices = to_choose(area_choices(request.user, RUMOUR_REPORTERS))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = visible_area(request.user, data["area"])
            rumour = services.rumour_report(
                actor=request.user, area=area, data=data, client_id=data["client_id"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rumour reported: the command centre will verify it."))
            return redirect("operations:rumour", rumour.pk)
    return render(request, "operations/rumour_form.html", {"form": form})


def _rumour(request, pk: int) -> Rumour:
    return get_visible_or_404(
        Rumour.objects.select_related("area", "rebuttal", "verified_by", "created_by"), request.user, pk=pk
    )


@login_required
def rumour_detail(request, pk: int):
    rumour = _rumour(request, pk)
    may_verify = has_role(request.user, rumour.area_id, *services.VERIFIERS)
    rebuttable = rumour.status == Rumour.Status.OPEN and rumour.verification in (
        Rumour.Verification.FALSE,
        Rumour.Verification.PARTLY_TRUE,
    )
    return render(
        request,
        "operations/rumour_detail.html",
        {
            "rumour": rumour,
            "verify_form": VerifyForm(
                initial={"verification": rumour.verification, "finding": rumour.finding}
            )
            if may_verify and rumour.status != Rumour.Status.REBUTTED
            else None,
            "rebut_form": RebutForm(
                initial={"title": _("Rumour rebuttal"), "channels": ["loudspeaker", "chat"]}
            )
            if may_verify and rebuttable
            else None,
        },
    )


@login_required
@require_POST
def rumour_verify(request, pk: int):
    rumour = _rumour(request, pk)

    def action():
        data = cleaned_or_raise(VerifyForm(request.POST))
        services.rumour_verify(
            actor=request.user, rumour=rumour, verification=data["verification"], finding=data["finding"]
        )
        return _("Verification saved.")

    return act_and_return(request, action, reverse("operations:rumour", args=[rumour.pk]))


@login_required
@require_POST
def rumour_rebut(request, pk: int):
    rumour = _rumour(request, pk)

    def action():
        data = cleaned_or_raise(RebutForm(request.POST))
        area = None
        if data["town_wide"]:
            code = codes.prefix_of(rumour.area_id)[:9].ljust(12, "0")
            area = visible_area(request.user, code)
        services.rumour_rebut(actor=request.user, rumour=rumour, data=data, area=area)
        return _("Rebuttal published.")

    return act_and_return(request, action, reverse("operations:rumour", args=[rumour.pk]))
