"""Background jobs of the people registry: ledger imports (and their previews) and large exports."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cordon.accounts.permissions import PEOPLE_REGISTRARS
from cordon.core import jobs
from cordon.core.models import Job
from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx

MAX_UPLOAD = 50 * 1024 * 1024


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

    require_role(actor, area, *PEOPLE_REGISTRARS)
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


@transaction.atomic
def queue_commit(*, actor, preview: Job, source: str = "web") -> Job:
    """Import for real what a finished preview showed — once: the preview row is locked and remembers
    its import, so a double tap (or a retried API call) gets the same job, not a second import."""
    from django.core.exceptions import ValidationError

    preview = Job.objects.select_for_update().get(pk=preview.pk)
    if not preview.params.get("dry_run") or preview.status != Job.Status.DONE:
        raise ValidationError(_("Only a finished preview can be imported."))
    committed = preview.params.get("committed_job")
    if committed:
        return Job.objects.get(pk=committed)
    job = queue_import(
        actor=actor,
        area=preview.area,
        stored_file=preview.params["stored_file"],
        filename=preview.params["filename"],
        dry_run=False,
        mapping=preview.params.get("mapping", {}),
        source=source,
    )
    preview.params = {**preview.params, "committed_job": job.pk}
    preview.save(update_fields=["params"])
    return job


def job_dir(job: Job) -> Path:
    path = Path(settings.VAR_DIR) / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_result(report, directory: Path | None) -> dict:
    """What a job keeps of an import report: counts, the first errors and notes, a sample of the
    updates, the sheets' mappings, and the rejected rows as an .xlsx to fix and import again."""
    from cordon.people.import_types import FIELDS

    rejected_file = ""
    if directory is not None and report.rejected_rows:
        rejected_file = "rejected.xlsx"
        write_rejected(report, directory / rejected_file)
    return {
        "filename": report.filename,
        "dry_run": report.dry_run,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "skipped": report.skipped,
        "error_count": len(report.errors),
        "errors": [e.as_dict() for e in report.errors[:500]],
        "note_count": len(report.notes),
        "notes": [n.as_dict() for n in report.notes[:500]],
        "updates": [
            {**u, "fields": [_field_label(f, FIELDS) for f in u["fields"]]} for u in report.updates[:200]
        ],
        "sheets": report.sheets,
        "message": report.message,
        "observation_opened": report.observation_opened,
        "rejected_file": rejected_file,
    }


def _field_label(name: str, fields: dict) -> str:
    if name in fields:
        return str(fields[name][0])
    return {"village": _("Village"), "category": _("Category")}.get(name, name)


def write_rejected(report, path: Path) -> None:
    """The rejected rows, as they were in the file, with a column saying what is wrong: fix, re-import."""
    from django.utils.translation import gettext as _

    by_sheet: dict[str, tuple[list, list]] = {}
    for sheet, labels, values, why in report.rejected_rows:
        entry = by_sheet.setdefault(sheet, (labels, []))
        entry[1].append([*values, why])
    specs = [
        SheetSpec(
            name=sheet,
            columns=[
                *(Column(label, 16, text=True) for label in labels),
                Column(_("What is wrong"), 50, error=True),
            ],
            rows=rows,
        )
        for sheet, (labels, rows) in by_sheet.items()
    ]
    write_xlsx(path, specs, properties={"title": _("Rejected rows of %(file)s") % {"file": report.filename}})


@jobs.handler("people.import")
def run_import_job(job: Job) -> dict:
    from cordon.people.importer import run_import

    params = job.params
    report = run_import(
        actor=job.created_by,
        area=job.area,
        source=params["stored_file"],
        filename=params["filename"],
        dry_run=params.get("dry_run", True),
        mapping=params.get("mapping") or {},
        batch=None if params.get("dry_run", True) else job,
        on_progress=lambda done, total: jobs.progress(job, done, total),
    )
    return report_result(report, job_dir(job))


@jobs.handler("people.export")
def run_export_job(job: Job) -> dict:
    from datetime import date

    from cordon.people import exports
    from cordon.people.selectors import LedgerFilters

    params = job.params
    filters = LedgerFilters(
        **{
            k: (date.fromisoformat(v) if k.startswith("date_") and v else v)
            for k, v in params["filters"].items()
        }
    )
    wanted = exports.ExportRequest(
        filters=filters, format=params["format"], unmasked=params["unmasked"], reason=params["reason"]
    )
    name = f"ledger.{wanted.format}"
    jobs.progress(job, 0, params.get("total", 0))
    rows = exports.write_ledger(job.created_by, wanted, str(job_dir(job) / name))
    exports.record_export(job.created_by, wanted, rows, job.area_id)
    jobs.progress(job, rows, rows)
    return {"file": name, "format": wanted.format, "rows": rows}
