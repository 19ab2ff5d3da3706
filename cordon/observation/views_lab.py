"""The lab results page: upload the lab's list; the preview or the import runs as a background job
whose page shows its progress, then its report and the rejected rows to download."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core.models import Job
from cordon.observation import lab_import
from cordon.observation.jobs import LAB_JOB, queue_lab_import
from cordon.people.jobs import job_dir


def _require_importer(request) -> None:
    if not has_role_anywhere(request.user, *lab_import.IMPORTERS):
        raise PermissionDenied(_("Only the health worker or the command centre imports lab results."))


def _lab_job_or_404(request, pk: int) -> Job:
    """A lab import of the user's areas, for those who import lab results there (its rejected rows
    hold whole ID numbers)."""
    return get_visible_or_404(
        Job.objects.filter(kind=LAB_JOB), request.user, roles=lab_import.IMPORTERS, pk=pk
    )


@login_required
def lab_results(request):
    _require_importer(request)
    error = ""
    choices = area_choices(request.user, lab_import.IMPORTERS)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose the lab's file."))
            area = visible_area(request.user, request.POST.get("area", ""))
            job = queue_lab_import(
                actor=request.user, area=area, upload=upload, dry_run="preview" in request.POST
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            return redirect("observation:lab_job", pk=job.pk)
    recent = Job.objects.visible_to(request.user, roles=lab_import.IMPORTERS).filter(
        kind=LAB_JOB, created_by=request.user
    )[:10]
    return render(
        request,
        "observation/lab_results.html",
        {"error": error, "areas": choices, "chosen": request.POST.get("area", ""), "recent": recent},
    )


@login_required
def lab_job(request, pk: int):
    job = _lab_job_or_404(request, pk)
    return render(request, "observation/lab_job.html", {"job": job, "report": job.result or None})


@login_required
def lab_progress(request, pk: int):
    """The progress fragment the job page polls; when the job ends it asks the page to reload."""
    job = _lab_job_or_404(request, pk)
    response = render(request, "observation/_lab_progress.html", {"job": job})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
def lab_rejected(request, pk: int):
    """The rejected rows of a lab import, to fix and import again."""
    job = _lab_job_or_404(request, pk)
    name = (job.result or {}).get("rejected_file")
    path = job_dir(job) / name if name else None
    if path is None or not Path(path).exists():
        raise Http404()
    return FileResponse(path.open("rb"), as_attachment=True, filename="核酸结果-未导入的行.xlsx")


@login_required
@require_POST
def lab_commit(request, pk: int):
    """Import for real the file a finished preview read (the rows are checked again as they are now)."""
    preview = _lab_job_or_404(request, pk)
    if not preview.params.get("dry_run") or preview.status != Job.Status.DONE:
        raise Http404()
    job = queue_lab_import(actor=request.user, area=preview.area, dry_run=False, preview=preview)
    return redirect("observation:lab_job", pk=job.pk)
