"""Background jobs of the people registry: ledger imports (and their previews) and large exports."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from cordon.core import jobs
from cordon.core.models import Job
from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx


def job_dir(job: Job) -> Path:
    path = Path(settings.VAR_DIR) / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_result(report, directory: Path | None) -> dict:
    from cordon.people.importer import FIELDS

    """What a job keeps of an import report: counts, the first errors, a sample of the updates, the
    sheets' mappings, and the rejected rows as an .xlsx to fix and import again."""
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
        "error_count": len(report.errors),
        "errors": [e.as_dict() for e in report.errors[:500]],
        "updates": [
            {**u, "fields": [str(FIELDS[f][0]) if f in FIELDS else f for f in u["fields"]]}
            for u in report.updates[:200]
        ],
        "sheets": report.sheets,
        "message": report.message,
        "rejected_file": rejected_file,
    }


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
