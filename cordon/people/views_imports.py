"""Ledger imports on the web: upload, a preview with its report, mapping unknown columns, commit.

The work runs as a background job (cordon worker); the page polls its progress, so a large file never
holds a request open, and closing the page loses nothing.
"""

import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core import jobs
from cordon.core.models import Job
from cordon.people import import_files, services
from cordon.people.forms import ImportUploadForm
from cordon.people.importer import FIELDS

MAX_UPLOAD = 50 * 1024 * 1024


def _require_registrar(request):
    if not has_role_anywhere(request.user, *services.REGISTRARS):
        raise PermissionDenied(_("Your role does not register people."))


def _import_job_or_404(request, pk) -> Job:
    return get_visible_or_404(Job.objects.filter(kind="people.import"), request.user, pk=pk)


def store_upload(upload) -> str:
    """Keep an uploaded file under var/uploads with a random name (never the user's), return its path."""
    directory = Path(settings.VAR_DIR) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()[:6] if Path(upload.name).suffix.isascii() else ""
    path = directory / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return str(path)


def queue_import(
    *,
    actor,
    area,
    upload=None,
    stored_file: str = "",
    filename: str = "",
    dry_run: bool,
    mapping: dict | None = None,
    source: str = "web",
) -> Job:
    """Check the uploader may import here, keep the file, and queue the job (a preview by default)."""
    from cordon.accounts.scope import require_role

    require_role(actor, area, *services.REGISTRARS)
    if upload is not None:
        if upload.size > MAX_UPLOAD:
            raise ValidationError(
                {
                    "file": [
                        _("The file is %(size)s MB; the limit is 50 MB. Split it into smaller files.")
                        % {"size": upload.size // (1024 * 1024)}
                    ]
                }
            )
        stored_file, filename = store_upload(upload), Path(upload.name).name[:200]
    return jobs.enqueue(
        kind="people.import",
        area=area,
        actor=actor,
        params={
            "stored_file": stored_file,
            "filename": filename,
            "dry_run": dry_run,
            "mapping": mapping or {},
            "source": source,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    _require_registrar(request)
    choices = area_choices(request.user, roles=services.REGISTRARS)
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
    recent = Job.objects.visible_to(request.user).filter(kind="people.import", created_by=request.user)[:20]
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
        services.header_mapping_save(actor=request.user, area=job.area, mapping=chosen)
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
    again = queue_import(
        actor=request.user,
        area=job.area,
        stored_file=job.params["stored_file"],
        filename=job.params["filename"],
        dry_run=False,
        mapping=job.params.get("mapping", {}),
    )
    return redirect("people:import_job", pk=again.pk)


@login_required
def rejected(request, pk: int):
    job = _import_job_or_404(request, pk)
    name = (job.result or {}).get("rejected_file")
    path = Path(settings.VAR_DIR) / "jobs" / str(job.pk) / (name or "-")
    if not name or not path.exists():
        return render(
            request, "error.html", {"title": _("Not found"), "message": _("The file is gone.")}, status=404
        )
    response = FileResponse(
        path.open("rb"), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="rejected-rows.xlsx"'
    return response
