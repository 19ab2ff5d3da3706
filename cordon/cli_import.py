"""``cordon import people FILE``: a village's ledger, row by row, as the web import does it (the same
reader, checks and summary); the rejected rows written beside the file to fix and import again."""

from __future__ import annotations

import json
import sys

from django.utils.translation import gettext as _

from cordon.cli_common import CommandError, _actor, _area


def cmd_import(args) -> int:
    """A ledger into an area, row by row. Exit 0: every row taken (rows that are not people — totals,
    signatures — skipped with a note); 1: some rejected (the rest kept); 2: nothing could be read."""
    from pathlib import Path

    from cordon.core import jobs
    from cordon.people.importer import run_import
    from cordon.people.jobs import report_result

    actor = _actor(args)
    area = _area(actor, args.area)
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": args.file})
    batch = None
    if not args.dry_run:
        batch = jobs.enqueue(
            status="running",
            kind="people.import",
            area=area,
            actor=actor,
            params={
                "stored_file": str(path.resolve()),
                "filename": path.name,
                "dry_run": False,
                "move": args.move,
                "source": "cli",
            },
        )
    report = run_import(
        actor=actor,
        area=area,
        source=str(path),
        filename=path.name,
        dry_run=args.dry_run,
        batch=batch,
        on_progress=(lambda done, total: jobs.progress(batch, done, total)) if batch else None,
        move=args.move,
    )
    if batch is not None:
        from django.utils import timezone

        from cordon.core.models import Job

        Job.objects.filter(pk=batch.pk).update(
            status=Job.Status.DONE, finished_at=timezone.now(), result=report_result(report, None)
        )
    summary = {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "skipped": report.skipped,
        "errors": [
            {"row": e.row, "column": e.column, "message": e.message, "sheet": e.sheet} for e in report.errors
        ],
        "notes": [
            {"row": n.row, "column": n.column, "message": n.message, "sheet": n.sheet} for n in report.notes
        ],
    }
    if report.message:
        summary["message"] = report.message
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        if report.message:
            print(report.message, file=sys.stderr)
        head = _("Preview (nothing stored)") if args.dry_run else _("Imported")
        print(
            _(
                "%(head)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
                "%(rejected)s rejected, %(skipped)s skipped (not people)."
            )
            % {"head": head, **summary}
        )
        for note in report.notes:
            where = (
                _("Row %(row)s, %(column)s") % {"row": note.row, "column": note.column or "—"}
                if note.row
                else _("Sheet %(sheet)s") % {"sheet": note.sheet}
            )
            print(_("Note: %(where)s: %(message)s") % {"where": where, "message": note.message})
        for error in report.errors:
            print(
                _("Row %(row)s, %(column)s: %(message)s")
                % {"row": error.row, "column": error.column or "—", "message": error.message},
                file=sys.stderr,
            )
        if report.moves_refused and not args.move:
            print(
                _(
                    "%(count)s rows were refused because the person lives in another village. If they "
                    "have moved, import again with --move: each is moved to the ledger's village and "
                    "recorded as a transfer in the audit trail."
                )
                % {"count": report.moves_refused},
                file=sys.stderr,
            )
    if report.message and not report.total:
        return 2
    return 1 if report.rejected or report.message else 0
