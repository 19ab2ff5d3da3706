"""Importing ledgers (台账) from .xlsx, .xls and .csv: row by row, nothing lost, idempotent.

The file is read (cordon.core.spreadsheets), its headers matched to ledger fields (the names towns
actually use, plus mappings a user made once and Cordon remembered), every row checked by the same
plain functions as the registration form, then matched against the registry in bulk and written in
chunks through the database's fast path (cordon.people.import_writer). A row is stored whole — its
person and its arrival — or reported with its row number, column and a message; a preview (dry run)
gives the same report without writing. Importing a file again changes nothing; a re-sent ledger with
new phones updates those people and says so. Empty cells never erase what is stored. A row never
renames a known person nor moves them to another village (people.identity); rows that are not people
(totals, signature lines) are skipped with a note, and a cell's words that are not a phone number are
noted, not fatal (people.import_cells).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from django.utils import timezone

from cordon.accounts.models import Area
from cordon.accounts.permissions import PEOPLE_REGISTRARS
from cordon.accounts.scope import require_role, visible_prefixes
from cordon.core import codes
from cordon.core.spreadsheet_types import normalize_header
from cordon.core.spreadsheets import read_table
from cordon.people.classify import load_categories
from cordon.people.import_child import check_in_a_second_process
from cordon.people.import_rows import Checker, Direct, Run
from cordon.people.import_types import Report, field_for
from cordon.people.import_writer import Writer
from cordon.people.models import HeaderMapping
from cordon.people.signals import announce_arrivals


def remembered_mappings(area: Area) -> dict[str, str]:
    """Header mappings users made for this area or any area above it, nearest first."""
    chain = [area.code]
    parent = codes.parent_of(area.code)
    while parent:
        chain.append(parent)
        parent = codes.parent_of(parent)
    found: dict[str, str] = {}
    rows = HeaderMapping.objects.filter(area_id__in=chain).values_list("area_id", "header", "field")
    for _area_code, header, name in sorted(rows, key=lambda r: chain.index(r[0]), reverse=True):
        found[header] = name
    return found


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while a file is imported, restored afterwards.

    An import makes hundreds of thousands of small dicts and tuples that live until it ends (the
    rows, the people's states, the report), none of them in cycles; every full pass of the collector
    walked them all again and everything the process had loaded: a third of the writing process's
    time (measured on 20,000 rows). The checking child inherits the pause."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(
    *,
    actor,
    area: Area,
    source,
    filename: str,
    dry_run: bool,
    mapping: dict[str, str] | None = None,
    batch=None,
    on_progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    move: bool = False,
) -> Report:
    """Import (or preview) a ledger file into ``area``. The one service every entry point calls:
    the web (through a background job), the API and ``cordon import people``.

    A known person is never renamed nor moved by a row (people.identity): a row that names them
    otherwise, or puts them in another village, is rejected — unless ``move`` (the CLI's ``--move``),
    when a row that puts a person the actor may register in another village moves them there,
    audited as a transfer."""
    require_role(actor, area, *PEOPLE_REGISTRARS)
    with _collector_paused():
        return _run_import(
            actor=actor,
            area=area,
            source=source,
            filename=filename,
            dry_run=dry_run,
            mapping=mapping,
            batch=batch,
            on_progress=on_progress,
            today=today,
            move=move,
        )


def _run_import(
    *, actor, area, source, filename, dry_run, mapping, batch, on_progress, today, move
) -> Report:
    report = Report(filename=filename, dry_run=dry_run)
    remembered = remembered_mappings(area) | {normalize_header(k): v for k, v in (mapping or {}).items()}
    writer = Writer(
        actor=actor,
        area=area,
        report=report,
        dry_run=dry_run,
        batch=batch,
        categories=load_categories(),
        # Only villages where the actor registers people: a read-only role elsewhere changes nothing.
        prefixes=visible_prefixes(actor, roles=PEOPLE_REGISTRARS),
        now=timezone.now(),
        move=move,
    )
    run = Run(
        checker=Checker(area, today or timezone.localdate()),
        sink=Direct(writer, report, on_progress),
        total=0,
    )

    def read():
        # Run in the checking child process: the file is untrusted (cordon.core.sandbox).
        return read_table(
            source,
            filename=filename,
            known_headers=lambda text: field_for(text, remembered) is not None,
            examples=["姓名", "身份证号", "来源地", "到达日期"],
        )

    done, message, readable = check_in_a_second_process(run, read, remembered)
    if not readable:
        report.message = message
        return report
    if message:
        report.message = message
    writer.flush()
    if on_progress:
        on_progress(done, max(done, run.total))
    writer.finish()
    if not dry_run and (report.created or report.updated):
        # Arrivals in a ledger the rules in force observe are put under observation, as on the form.
        report.observation_opened = announce_arrivals(actor=actor, area=area)
    report.errors.sort(key=lambda e: (e.sheet, e.row))
    report.notes.sort(key=lambda n: (n.sheet, n.row or 0))
    return report
