"""Ledger imports on the web: upload, a preview with its report, mapping unknown columns, commit.

The work runs as a background job (cordon worker); the page polls its progress, so a large file never
holds a request open, and closing the page loses nothing.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts.permissions import PEOPLE_REGISTRARS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core.models import Job
from cordon.people import import_files, services_ledger
from cordon.people.forms import ImportUploadForm
from cordon.people.import_types import FIELDS
from cordon.people.jobs import queue_commit, queue_import


def _require_registrar(request):
    if not has_role_anywhere(request.user, *PEOPLE_REGISTRARS):
        raise PermissionDenied(_("Your role does not register people."))


def _import_job_or_404(request, pk) -> Job:
    """An import of the user's villages — for those who register people there: its report and its
    rejected rows hold whole ID numbers and phones."""
    return get_visible_or_404(
        Job.objects.filter(kind="people.import"), request.user, roles=PEOPLE_REGISTRARS, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    _require_registrar(request)
    choices = area_choices(request.user, roles=PEOPLE_REGISTRARS)
    form = ImportUploadForm(request.POST or None, request.FILES or None, area_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            area = visible_area(request.user, form.cleaned_data["area"])
            job = queue_import(actor=request.user, area=area, upload=form.cleaned_data["file"], dry_run=True)
        except ValidationError as exc:
            from cordon.core.forms import add_service_errors

            add_service_errors(form, exc)
        else:
            return redirect("people:import_job", pk=job.pk)
    recent = Job.objects.visible_to(request.user, roles=PEOPLE_REGISTRARS).filter(
        kind="people.import", created_by=request.user
    )[:20]
    return render(request, "people/imports.html", {"form": form, "recent": recent})


@login_required
def template(request):
    """The ledger template: the headers, two example rows and a row of notes."""
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    import_files.write_template(response)
    response["Content-Disposition"] = (
        "attachment; filename=\"ledger-template.xlsx\"; filename*=UTF-8''" + quote("台账模板.xlsx")
    )
    return response


def _job_context(job):
    result = job.result or {}
    mapped_fields = [(name, str(label)) for name, (label, _t, _a) in FIELDS.items()]
    return {
        "job": job,
        "result": result,
        "field_choices": mapped_fields,
        "has_unknown": any(s.get("unknown") for s in result.get("sheets", [])),
    }


@login_required
def job(request, pk: int):
    job = _import_job_or_404(request, pk)
    return render(request, "people/import_job.html", _job_context(job))


@login_required
def progress(request, pk: int):
    """The progress fragment the job page polls; when the job ends it asks the page to reload."""
    job = _import_job_or_404(request, pk)
    response = render(request, "people/_import_progress.html", {"job": job})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def mapping(request, pk: int):
    """Map unknown columns to ledger fields; remember the mapping for this area; preview again."""
    job = _import_job_or_404(request, pk)
    known_fields = set(FIELDS)
    chosen = {}
    for sheet in (job.result or {}).get("sheets", []):
        for header in sheet.get("unknown", []):
            value = request.POST.get(f"map:{header}", "")
            if value in known_fields or value == "":
                chosen[header] = value
    try:
        services_ledger.header_mapping_save(actor=request.user, area=job.area, mapping=chosen)
        again = queue_import(
            actor=request.user,
            area=job.area,
            stored_file=job.params["stored_file"],
            filename=job.params["filename"],
            dry_run=True,
            mapping={**job.params.get("mapping", {}), **chosen},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("people:import_job", pk=job.pk)
    messages.success(request, _("The columns are mapped and remembered; here is the new preview."))
    return redirect("people:import_job", pk=again.pk)


@login_required
@require_POST
def commit(request, pk: int):
    """Import for real what the preview showed (the file is checked again: the registry may have moved)."""
    job = _import_job_or_404(request, pk)
    if not job.params.get("dry_run") or job.status != Job.Status.DONE:
        messages.error(request, _("Only a finished preview can be imported."))
        return redirect("people:import_job", pk=job.pk)
    again = queue_commit(actor=request.user, preview=job)
    return redirect("people:import_job", pk=again.pk)


@login_required
def rejected(request, pk: int):
    job = _import_job_or_404(request, pk)
    return import_files.rejected_response(request.user, job)
