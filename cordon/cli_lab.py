"""``cordon import-lab-results FILE --as USER [--area CODE] [--dry-run] [--json]``: a lab's result
list, imported in this process as the page's job does it (recorded as a job, so the page lists it and
its starter is told), with the rows refused printed and written beside the file to fix and re-import.

Exit 0: every row taken; 1: some rows rejected (the rest kept) or refused; 2: the file cannot be read.
"""

from __future__ import annotations

import json
import sys

from django.utils.translation import gettext as _

from cordon.cli_common import CommandError, _actor, _area

NOTES = """The list's columns are found by their titles (姓名, 身份证号, 采样日期, 混管号, 检测结果, 报告日期,
检测机构, and the other names labs use), under any title lines. Each row is matched by ID number to a
registered person of the area; a positive opens the alert, a positive pool marks its tube for retest.
Importing the same list again changes nothing. Rejected rows are written to FILE-rejected.xlsx."""


def add_parser(sub) -> None:
    import argparse

    p = sub.add_parser(
        "import-lab-results",
        help="import a lab's nucleic-acid result list: cordon import-lab-results FILE --as USER",
        epilog=NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.add_argument("--as", dest="as_user", metavar="USERNAME", required=True, help="the importing user")
    p.add_argument("--area", help="division code of the town or village (default: the user's own area)")
    p.add_argument("--dry-run", action="store_true", help="check and report, store nothing")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_import_lab_results)


def cmd_import_lab_results(args) -> int:
    from pathlib import Path

    from django.utils import timezone

    from cordon.core import jobs
    from cordon.core.models import Job
    from cordon.core.spreadsheets import SpreadsheetError
    from cordon.observation import lab_import
    from cordon.observation.jobs import LAB_JOB, lab_result, write_rejected

    actor = _actor(args)
    area = _area(actor, args.area or actor.area_id)
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": args.file})
    job = jobs.enqueue(
        status=Job.Status.RUNNING,
        kind=LAB_JOB,
        area=area,
        actor=actor,
        params={
            "stored_file": str(path.resolve()),
            "filename": path.name,
            "dry_run": args.dry_run,
            "source": "cli",
        },
    )
    try:
        with path.open("rb") as handle:
            report = lab_import.import_lab_results(
                actor=actor,
                area=area,
                path_or_file=handle,
                filename=path.name,
                dry_run=args.dry_run,
                on_progress=lambda done, total: jobs.progress(job, done, total),
            )
    except SpreadsheetError as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, finished_at=timezone.now(), result={"message": exc.message}
        )
        print(exc.message, file=sys.stderr)
        return 2
    except Exception:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=_("The import was refused.")
        )
        raise
    rejected_path = None
    if report.rejected_rows:
        rejected_path = path.with_name(f"{path.stem}-rejected.xlsx")
        write_rejected(report, rejected_path, actor)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, finished_at=timezone.now(), result=lab_result(report, None, actor, path.name)
    )
    job.refresh_from_db()
    for hook in jobs.FINISHED_HOOKS:  # its starter is told, as when the worker runs it
        hook(job)
    summary = {**report.as_dict(), "rejected_file": str(rejected_path) if rejected_path else ""}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        head = _("Preview (nothing stored)") if args.dry_run else _("Imported")
        print(
            _(
                "%(head)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
                "%(positives)s positive, %(retests)s to retest (pool), %(rejected)s rejected."
            )
            % {"head": head, **summary}
        )
        for error in report.errors:
            print(
                _("Row %(row)s, %(column)s: %(message)s")
                % {"row": error["row"], "column": error["column"] or "—", "message": error["message"]},
                file=sys.stderr,
            )
        if rejected_path:
            print(_("Rejected rows: %(path)s") % {"path": rejected_path}, file=sys.stderr)
    return 1 if report.rejected else 0
