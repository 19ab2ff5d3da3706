"""Pages for the field: recording an inspection on a phone (checklist, findings with photos, earlier
findings found rectified), confirming a finding rectified, and a finding's photo."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cordon.accounts.permissions import ENTERPRISE_DECIDERS, INSPECTORS
from cordon.accounts.scope import get_visible_or_404, has_role
from cordon.core.forms import add_service_errors
from cordon.enterprises import services_inspections
from cordon.enterprises.forms import FINDING_ROWS, InspectionForm, RectifyForm
from cordon.enterprises.models import Enterprise, Finding


def _new_findings(form, files) -> list[services_inspections.NewFinding]:
    data, found = form.cleaned_data, []
    for i in range(1, FINDING_ROWS + 1):
        description = (data.get(f"finding_{i}") or "").strip()
        upload = files.get(f"finding_{i}_photo")
        if not description and not upload:
            continue
        if upload is not None and upload.size > services_inspections.MAX_PHOTO_BYTES:
            raise ValidationError(
                {"findings": [_("Finding %(i)s: the photo is larger than 3 MB.") % {"i": i}]}
            )
        found.append(
            services_inspections.NewFinding(
                description=description,
                deadline=data.get(f"finding_{i}_deadline"),
                serious=data.get(f"finding_{i}_serious", False),
                photo=upload.read() if upload is not None else None,
            )
        )
    return found


@login_required
def inspection_new(request, pk: int):
    enterprise = get_visible_or_404(Enterprise.objects.select_related("area"), request.user, pk=pk)
    if not has_role(request.user, enterprise.area_id, *INSPECTORS):
        raise PermissionDenied
    open_findings = list(
        Finding.objects.visible_to(request.user)
        .filter(inspection__enterprise=enterprise, rectified_at__isnull=True)
        .defer("photo")
    )
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        open_findings=open_findings,
        initial={"inspected_on": timezone.localdate(), "client_id": str(uuid.uuid4())},
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["rectified"])
        try:
            services_inspections.inspection_record(
                actor=request.user,
                enterprise=enterprise,
                inspected_on=form.cleaned_data["inspected_on"],
                findings=_new_findings(form, request.FILES),
                rectified=[f for f in open_findings if str(f.pk) in wanted],
                rectification_note=form.cleaned_data["rectification_note"],
                suspend=form.cleaned_data["suspend"],
                comment=form.cleaned_data["comment"],
                client_id=form.cleaned_data["client_id"],
                **form.checklist_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The inspection is recorded."))
            return redirect("enterprises:detail", enterprise.pk)
    return render(
        request,
        "enterprises/inspection_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "may_suspend": has_role(request.user, enterprise.area_id, *ENTERPRISE_DECIDERS),
        },
    )


def _finding(request, pk: int) -> Finding:
    return get_visible_or_404(
        Finding.objects.select_related("inspection__enterprise__area", "inspection__inspector"),
        request.user,
        pk=pk,
    )


@login_required
def finding_rectify(request, pk: int):
    finding = _finding(request, pk)
    enterprise = finding.inspection.enterprise
    if not has_role(request.user, enterprise.area_id, *INSPECTORS):
        raise PermissionDenied
    form = RectifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_inspections.finding_rectify(
                actor=request.user, finding=finding, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The finding is rectified."))
            return redirect("enterprises:detail", enterprise.pk)
    return render(
        request,
        "enterprises/finding_rectify.html",
        {"form": form, "finding": finding, "enterprise": enterprise},
    )


@never_cache
@login_required
def finding_photo(request, pk: int):
    finding = _finding(request, pk)
    if not finding.photo_type:
        raise Http404(_("No such record."))
    response = HttpResponse(bytes(finding.photo), content_type=finding.photo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
