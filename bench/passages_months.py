"""Passages by month on PostgreSQL (issue 17): what the migration that partitions the table costs, and
what dropping a month whole saves retention against deleting it row by row.

The data: bench/passages_counts.py's town and 64 checkpoints, and BENCH_MONTHS_PASSAGES (default
1,000,000) passages over the 91 days from 1 January 2020 (three whole months), inserted raw into the
table as it was before the migration (checkpoints 0011, one plain table), then ANALYZE. Measured:

- the migration (checkpoints 0012): the table rebuilt as partitions, keys and indexes, timed;
- one month (January, about a third of the rows) deleted row by row, as retention did before: the
  bare ``DELETE … WHERE day …`` (the floor of that way) and Django's ``QuerySet.delete()`` (what
  retention runs: it collects the people on board and the self-registrations first), each rolled
  back;
- the same month dropped whole (``partitions.passage_month_drop``: its people on board deleted, its
  self-registrations unlinked, the partition detached and dropped), committed.

PostgreSQL only (SQLite has no partitions): without BENCH_DATABASE_URL it reports nothing.
"""

import os
import time
from datetime import date

from bench.common import analyze, note, scratch_database, setup_django, step

PASSAGES = int(os.environ.get("BENCH_MONTHS_PASSAGES", "1000000"))
FIRST_DAY = date(2020, 1, 1)
DAYS = 91


def run() -> dict:
    if not os.environ.get("BENCH_DATABASE_URL"):
        return {"benchmark": "passages_months", "skipped": "PostgreSQL only: set BENCH_DATABASE_URL"}
    with scratch_database("postgresql", "months") as (url, workdir):
        loaded = step("bench.passages_months:load", url, workdir)
        migrated = step("bench.passages_months:migrate", url, workdir)
        measured = step("bench.passages_months:measure", url, workdir)
    return {"benchmark": "passages_months", "passages": PASSAGES, "load": loaded, **migrated, **measured}


def load() -> dict:
    """Step: the schema as it was before the partitions, the town, its checkpoints, the passages raw."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("migrate", "checkpoints", "0011", verbosity=0)

    from bench import passages_counts
    from bench.common import build_town
    from bench.data import TOWN, VILLAGES
    from cordon.accounts.models import Area, User
    from cordon.checkpoints.services import checkpoint_create

    town = build_town()
    commander = User.objects.get(pk=town["commander_id"])
    for code, name in VILLAGES:
        for gate in ("东口", "西口"):
            checkpoint_create(actor=commander, area=Area.objects.get(code=code), name=f"{name}{gate}卡点")
    town_area = Area.objects.get(code=TOWN[0])
    for i in range(64 - 2 * len(VILLAGES)):
        checkpoint_create(actor=commander, area=town_area, name=f"镇卡点{i + 1}")
    from cordon.checkpoints.models import Checkpoint

    checkpoints = list(Checkpoint.objects.order_by("pk").values_list("pk", "area_id"))
    passages_counts.PASSAGES, passages_counts.DAYS, passages_counts.FIRST_DAY = PASSAGES, DAYS, FIRST_DAY
    note(f"inserting {PASSAGES} passages into the plain table")
    start = time.perf_counter()
    passages_counts.insert_raw(checkpoints, town["commander_id"])
    inserted = time.perf_counter() - start
    analyze()
    return {"insert_seconds": round(inserted, 1)}


def migrate() -> dict:
    """Step: checkpoints 0012, the table rebuilt as partitions by month, timed."""
    setup_django()
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", "checkpoints", "0012", verbosity=0)
    took = time.perf_counter() - start
    from cordon.checkpoints import partitions

    return {
        "migration_seconds": round(took, 1),
        "migration_rows_per_second": round(PASSAGES / took),
        "months": [m.name for m in partitions.passage_months()],
        "waiting_in_default": partitions.passages_waiting(),
    }


def measure() -> dict:
    """Step: January deleted row by row (bare SQL, then Django's delete; both rolled back), then dropped."""
    setup_django()
    from django.db import connection, transaction

    from cordon.checkpoints import partitions
    from cordon.checkpoints.models import Passage

    january = next(m for m in partitions.passage_months() if m.start == FIRST_DAY)
    rows = Passage.objects.filter(day__gte=january.start, day__lt=january.end).count()

    class Rollback(Exception):
        pass

    def timed(function) -> float:
        start = time.perf_counter()
        try:
            with transaction.atomic():
                function()
                took = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
        return took

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM checkpoints_passage WHERE day >= %s AND day < %s", [january.start, january.end]
            )

    def django_delete():
        Passage.objects.filter(day__gte=january.start, day__lt=january.end).delete()

    note(f"January: {rows} passages")
    bare_seconds = timed(bare)
    note(f"  bare DELETE {bare_seconds:.1f} s")
    django_seconds = timed(django_delete)
    note(f"  Django delete {django_seconds:.1f} s")
    start = time.perf_counter()
    partitions.passage_month_drop(january)
    dropped = time.perf_counter() - start
    return {
        "month_rows": rows,
        "delete_bare_seconds": round(bare_seconds, 2),
        "delete_django_seconds": round(django_seconds, 2),
        "drop_seconds": round(dropped, 3),
        "drop_vs_bare_delete": round(bare_seconds / dropped),
        "drop_vs_django_delete": round(django_seconds / dropped),
    }
