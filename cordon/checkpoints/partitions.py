"""The passages' months on PostgreSQL: the table is partitioned by month on ``day`` (migration 0012), the
months ahead are made daily by the worker (``jobs.passage_months``) and by ``cordon retention run``,
and retention drops a month whole once every town's period has passed it. On SQLite there are no
months: every function answers as for a table without them, and retention deletes row by row.

A dropped month takes its passages' people on board with it and leaves their self-registrations
without a passage, as deleting the passages one by one would (neither has a database constraint to
the passages: a partitioned table's id alone is no key a foreign key can point at). The daily
roll-up (``PassageDayCount``) is another table and stays: every count and report reads it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from cordon.checkpoints.models import Occupant, Passage, SelfRegistration
from cordon.core import partitions
from cordon.core.partitions import Month

log = logging.getLogger("cordon.checkpoints")

TABLE = Passage._meta.db_table


def passage_months_make(*, today: dt.date | None = None) -> list[str]:
    """Make this month's partition and the next ones, and move any passage waiting in the DEFAULT
    partition into its month's (made on the way); the names made. Idempotent; nothing on SQLite."""
    made = partitions.months_make(TABLE, "day", today=today or timezone.localdate())
    if made:
        log.info("passage partitions made: %s", ", ".join(made))
    return made


def passage_months() -> list[Month]:
    """The passages' month partitions, oldest first ([] on SQLite)."""
    return partitions.months(TABLE)


def passages_waiting() -> int:
    """Passages in the DEFAULT partition: of a month whose partition is not made yet (0 on SQLite)."""
    return partitions.default_rows(TABLE)


def passage_month_counts(month: Month, *, prefix: int) -> dict[str, int]:
    """The month's passages counted by the first ``prefix`` characters of their area code."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr({q('area_id')}, 1, %s), COUNT(*) FROM {q(month.name)} GROUP BY 1",  # noqa: S608 — our own names
            [prefix],
        )
        return dict(cursor.fetchall())


@transaction.atomic
def passage_month_drop(month: Month) -> None:
    """Drop a month of passages whole: first their people on board and their self-registrations'
    link (what ``Passage.delete`` would do to them), then the partition, detached and dropped."""
    q = connection.ops.quote_name
    ids = f"SELECT {q('id')} FROM {q(month.name)}"  # noqa: S608 — our own names
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {q(Occupant._meta.db_table)} WHERE {q('passage_id')} IN ({ids})")  # noqa: S608
        cursor.execute(
            f"UPDATE {q(SelfRegistration._meta.db_table)} SET {q('passage_id')} = NULL "  # noqa: S608
            f"WHERE {q('passage_id')} IN ({ids})"
        )
    partitions.month_drop(TABLE, month)
