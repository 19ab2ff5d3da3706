"""The job worker's observation work.

- every hour, record the checks nobody entered, move chained plans into the stage they reached, and
  raise the missed-checks events (the daily sweep does the same, and the test-due events, for cron);
- a lab's result list (``observation.lab_import``), imported or previewed as a background job like a
  ledger: the page, the API and ``cordon import-lab-results`` queue or record it, the page polls its
  progress, and whoever started it is told when it ends.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.scope import require_role
from cordon.core import jobs
from cordon.core.models import Job
from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx
from cordon.core.spreadsheets import SpreadsheetError
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind
from cordon.observation import due_events, lab_import, reminders, services_checks, stages
from cordon.people.jobs import job_dir, store_upload

LAB_JOB = "observation.lab_import"
MAX_UPLOAD = 20 * 1024 * 1024
REJECTED_FILE = "rejected.xlsx"


@jobs.periodic("observation.missed_checks", every=timedelta(hours=1))
def missed_checks_hourly() -> dict:
    marked = services_checks.checks_mark_missed()
    staged = stages.periods_follow_stages()
    return {"marked": marked, "stage_moves": staged, "checks_missed": due_events.raise_missed_checks()}


@jobs.periodic("observation.self_reminders", every=timedelta(minutes=5))
def self_reminders() -> int:
    """The monitored people's own morning and evening SMS (each slot once)."""
    return reminders.send_due_reminders()


@transaction.atomic
def queue_lab_import(
    *, actor, area, dry_run: bool, upload=None, preview: Job | None = None, source: str = "web"
) -> Job:
    """Check the importer may import here, keep the file, and queue the job (a preview or the import).
    ``preview``: import for real the file a finished preview read (once: a second tap gets the same job)."""
    require_role(actor, area, *lab_import.IMPORTERS)
    if preview is not None:
        preview = Job.objects.select_for_update().get(pk=preview.pk)
        if preview.params.get("committed_job"):
            return Job.objects.get(pk=preview.params["committed_job"])
        stored, filename = preview.params["stored_file"], preview.params["filename"]
    else:
        if upload.size > MAX_UPLOAD:
            raise ValidationError({"file": [_("The file is larger than 20 MB: split it.")]})
        stored, filename = store_upload(upload), Path(upload.name).name[:200]
    job = jobs.enqueue(
        kind=LAB_JOB,
        area=area,
        actor=actor,
        params={"stored_file": stored, "filename": filename, "dry_run": dry_run, "source": source},
    )
    if preview is not None:
        preview.params = {**preview.params, "committed_job": job.pk}
        preview.save(update_fields=["params"])
    return job


def write_rejected(report: lab_import.LabImport, path: Path, actor) -> None:
    """The rejected rows as read, plus what is wrong: fix them and import the file again."""
    columns = [Column(h, text=True) for h in report.headers] + [Column("错误说明", width=40, error=True)]
    write_xlsx(
        path,
        [SheetSpec(name="未导入的行", columns=columns, rows=report.rejected_rows)],
        properties={"title": "核酸检测结果未导入的行", "author": actor.username},
    )


def lab_result(report: lab_import.LabImport, directory: Path | None, actor, filename: str) -> dict:
    """What the job keeps: the counts, the first errors, and the rejected rows' file."""
    rejected = ""
    if directory is not None and report.rejected_rows:
        write_rejected(report, directory / REJECTED_FILE, actor)
        rejected = REJECTED_FILE
    return {
        **report.as_dict(),
        "errors": report.errors[:500],
        "error_count": len(report.errors),
        "filename": filename,
        "rejected_file": rejected,
    }


@jobs.handler(LAB_JOB)
def run_lab_import_job(job: Job) -> dict:
    params = job.params
    try:
        with open(params["stored_file"], "rb") as handle:
            report = lab_import.import_lab_results(
                actor=job.created_by,
                area=job.area,
                path_or_file=handle,
                filename=params["filename"],
                dry_run=params.get("dry_run", True),
                on_progress=lambda done, total: jobs.progress(job, done, total),
            )
    except SpreadsheetError as exc:
        # A file that cannot be read is the job's answer, not its failure: the page says why.
        return {"message": exc.message, "filename": params["filename"], "dry_run": params.get("dry_run")}
    return lab_result(report, job_dir(job), job.created_by, params["filename"])


def lab_import_finished(job: Job) -> None:
    """A real lab import (not a preview) ended: its starter is told, with the counts or the failure."""
    if job.kind != LAB_JOB or job.params.get("dry_run"):
        return
    failed = job.status == Job.Status.FAILED
    result = job.result or {}
    notifications.notify(
        kind=Kind.IMPORT_FAILED if failed else Kind.IMPORT_DONE,
        key=f"import:{job.pk}",
        area=job.area_id,
        roles=(),
        users=[job.created_by],
        subject=_("Lab results import failed") if failed else _("Lab results imported"),
        text=job.message
        if failed
        else _("%(created)s new, %(updated)s updated, %(positives)s positive, %(rejected)s rejected.")
        % {
            "created": result.get("created", 0),
            "updated": result.get("updated", 0),
            "positives": result.get("positives", 0),
            "rejected": result.get("rejected", 0),
        },
        link=reverse("observation:lab_job", args=[job.pk]),
        task=failed,
    )


jobs.FINISHED_HOOKS.append(lab_import_finished)
