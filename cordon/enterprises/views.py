"""Pages: the enterprise list (filters, counts per status, export), registering and correcting an
enterprise, its page (applications, inspections, findings, status history), applying to reopen with
the checklist, and the command centre's decision, suspension and resumption."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import (
    ENTERPRISE_DECIDERS,
    ENTERPRISE_PHONE_READERS,
    ENTERPRISE_REGISTRARS,
    INSPECTORS,
)
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices, audit_history, top_areas
from cordon.core.access import log_access
from cordon.core.forms import act_and_return, add_service_errors, cleaned_or_raise, to_choose
from cordon.core.privacy import mask_phone
from cordon.core.spreadsheet_writers import SheetSpec, write_csv, write_xlsx
from cordon.enterprises import selectors, services
from cordon.enterprises.forms import ApplicationForm, DecisionForm, EnterpriseForm, SuspendForm
from cordon.enterprises.models import Enterprise, Finding, ReopeningApplication

PAGE_SIZE = 50


def _filters(request):
    choices = area_choices(request.user)
    return selectors.Filters.from_query(request.GET, {code for code, _label in choices}), choices


@login_required
def index(request):
    filters, choices = _filters(request)
    rows = selectors.enterprises(request.user, filters).order_by("area_id", "name", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "page": page,
            "enterprises": list(page.object_list),
            "filters": filters,
            "counts": selectors.status_counts(request.user, filters),
            "overdue": selectors.overdue_count(request.user, filters),
            "area_choices": choices,
            "sectors": Enterprise.Sector.choices,
            "query_string": filters.as_query(),
            "can_register": has_role_anywhere(request.user, *ENTERPRISE_REGISTRARS),
        },
    )


@never_cache
@login_required
def export(request):
    """The filtered list as .xlsx or .csv, phones masked, the export written to the access log."""
    filters, _choices = _filters(request)
    kind = "csv" if request.GET.get("format") == "csv" else "xlsx"
    if filters.area:
        area_code = filters.area
    else:
        tops = top_areas(request.user)
        if not tops:
            raise PermissionDenied
        area_code = tops[0].code
    rows = selectors.enterprises(request.user, filters).order_by("area_id", "name", "id")
    now = timezone.now()
    line = _("Exported by %(who)s at %(when)s · phones masked") % {
        "who": request.user.display_name,
        "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
    }
    columns = selectors.export_columns()
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        count = write_csv(
            response, [c.header for c in columns], selectors.export_rows(rows), header_lines=[line]
        )
    else:
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        (count,) = write_xlsx(
            response,
            [SheetSpec(_("Enterprises"), columns, selectors.export_rows(rows), header_lines=[line])],
            properties={
                "title": _("Enterprises"),
                "author": request.user.display_name,
                "comments": line,
                "created": now,
            },
        )
    log_access(
        actor=request.user,
        kind="export",
        target_type="enterprises.enterprise",
        target_label=_("Enterprises"),
        area=area_code,
        detail={"rows": count, "format": kind, "filter": filters.as_query(), "unmasked": False},
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    chinese = quote(f"企业-{stamp}.{kind}")
    response["Content-Disposition"] = (
        f"attachment; filename=\"enterprises-{stamp}.{kind}\"; filename*=UTF-8''{chinese}"
    )
    return response


def _area_choices(user, roles):
    return area_choices(user, roles)


@login_required
def enterprise_new(request):
    if not has_role_anywhere(request.user, *ENTERPRISE_REGISTRARS):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None)
    form.fields["area"].choices = to_choose(_area_choices(request.user, ENTERPRISE_REGISTRARS))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            area = visible_area(request.user, data.pop("area"))
            enterprise = services.enterprise_register(actor=request.user, area=area, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": enterprise.name})
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": None})


def _enterprise(request, pk: int) -> Enterprise:
    return get_visible_or_404(Enterprise.objects.select_related("area"), request.user, pk=pk)


@login_required
def enterprise_edit(request, pk: int):
    enterprise = _enterprise(request, pk)
    if not has_role(request.user, enterprise.area_id, *ENTERPRISE_REGISTRARS):
        raise PermissionDenied
    initial = {f: getattr(enterprise, f) for f in services.ENTERPRISE_FIELDS if f != "area"}
    initial["area"] = enterprise.area_id
    form = EnterpriseForm(request.POST or None, initial=initial)
    form.fields["area"].choices = to_choose(_area_choices(request.user, ENTERPRISE_REGISTRARS))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            area = visible_area(request.user, data.pop("area"))
            services.enterprise_update(actor=request.user, enterprise=enterprise, area=area, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_detail(request, pk: int):
    enterprise = _enterprise(request, pk)
    user, area = request.user, enterprise.area_id
    applications = list(enterprise.applications.select_related("submitted_by", "decided_by"))
    inspections = list(enterprise.inspections.select_related("inspector"))
    findings = list(
        Finding.objects.visible_to(user)
        .filter(inspection__enterprise=enterprise)
        .select_related("inspection", "rectified_by")
        .defer("photo")
        .order_by("rectified_at", "deadline", "id")
    )
    by_inspection: dict[int, list] = {}
    for finding in findings:
        by_inspection.setdefault(finding.inspection_id, []).append(finding)
    for inspection in inspections:
        inspection.finding_list = by_inspection.get(inspection.pk, [])
    may_decide = has_role(user, area, *ENTERPRISE_DECIDERS)
    phone = enterprise.contact_phone
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "phone": phone if has_role(user, area, *ENTERPRISE_PHONE_READERS) else mask_phone(phone),
            "applications": applications,
            "open_application": next((a for a in applications if a.is_open), None),
            "inspections": inspections,
            "open_findings": [f for f in findings if f.is_open],
            "changes": list(enterprise.status_changes.select_related("by")),
            "may_edit": has_role(user, area, *ENTERPRISE_REGISTRARS),
            "may_apply": has_role(user, area, *ENTERPRISE_REGISTRARS)
            and enterprise.status in (Enterprise.Status.CLOSED, Enterprise.Status.SUSPENDED)
            and not any(a.is_open for a in applications),
            "may_decide": may_decide,
            "may_inspect": has_role(user, area, *INSPECTORS),
            "may_suspend": may_decide
            and enterprise.status in (Enterprise.Status.APPROVED, Enterprise.Status.FINDINGS),
            "may_resume": may_decide and enterprise.status == Enterprise.Status.SUSPENDED,
            "suspend_form": SuspendForm(),
            "history": list(audit_history(enterprise, user)[:50]),
        },
    )


@login_required
def application_new(request, pk: int):
    enterprise = _enterprise(request, pk)
    if not has_role(request.user, enterprise.area_id, *ENTERPRISE_REGISTRARS):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                actor=request.user,
                enterprise=enterprise,
                planned_on=form.cleaned_data["planned_on"],
                prevention_plan=form.cleaned_data["prevention_plan"],
                **form.checklist_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Applied: waiting for the command centre's decision."))
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "enterprises/application_form.html", {"form": form, "enterprise": enterprise})


@login_required
def application_decide(request, pk: int):
    application = get_visible_or_404(
        ReopeningApplication.objects.select_related("enterprise__area", "submitted_by", "decided_by"),
        request.user,
        pk=pk,
    )
    enterprise = application.enterprise
    if not has_role(request.user, enterprise.area_id, *ENTERPRISE_DECIDERS):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decide(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decided."))
            return redirect("enterprises:detail", enterprise.pk)
    return render(
        request,
        "enterprises/application_decide.html",
        {"form": form, "application": application, "enterprise": enterprise},
    )


@login_required
@require_POST
def enterprise_suspend(request, pk: int):
    enterprise = _enterprise(request, pk)

    def action():
        data = cleaned_or_raise(SuspendForm(request.POST))
        services.enterprise_suspend(actor=request.user, enterprise=enterprise, reason=data["reason"])
        return _("%(name)s is suspended.") % {"name": enterprise.name}

    return act_and_return(request, action, reverse("enterprises:detail", args=[enterprise.pk]))


@login_required
@require_POST
def enterprise_resume(request, pk: int):
    enterprise = _enterprise(request, pk)

    def action():
        services.enterprise_resume(
            actor=request.user, enterprise=enterprise, comment=request.POST.get("comment", "")
        )
        return _("%(name)s may work again.") % {"name": enterprise.name}

    return act_and_return(request, action, reverse("enterprises:detail", args=[enterprise.pk]))
