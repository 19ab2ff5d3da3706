"""Tables partitioned by month on PostgreSQL (declarative ``PARTITION BY RANGE`` on a date column), so
that old months are dropped whole instead of deleted row by row.

A partitioned table has one partition per month, named ``<table>_yYYYYmMM`` and holding the days
``[first of the month, first of the next)``, and a ``<table>_default`` partition that takes any row
of a month not made yet, so that an insert never fails for want of a partition. ``months_make``
makes the months ahead and moves the rows the DEFAULT partition holds into their own month's
partition (made on the way); it is idempotent and cheap when there is nothing to do, so the worker
runs it daily and ``cordon retention run`` and a restore run it again.

Plumbing only: the functions take the table and its date column; which tables are partitioned is
their owners' business (``checkpoints`` for the passages). On SQLite there are no partitions and
every function here answers as for a table without them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection, transaction

AHEAD = 2  # months made ahead of the current one


@dataclass(frozen=True)
class Month:
    """One month's partition: its name and the days it holds, ``[start, end)``."""

    name: str
    start: dt.date
    end: dt.date


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_name(table: str, start: dt.date) -> str:
    return f"{table}_y{start:%Y}m{start:%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def is_partitioned(table: str) -> bool:
    """Whether ``table`` is a partitioned table (never on SQLite)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
        return cursor.fetchone() is not None


def partitioned_tables() -> list[tuple[str, str]]:
    """Every table of the database partitioned by range on one column with a DEFAULT partition named
    as here: (table, column)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid WHERE pg_table_is_visible(c.oid) "
            "AND to_regclass(quote_ident(c.relname || '_default')) IS NOT NULL ORDER BY c.relname"
        )
        rows = cursor.fetchall()
    found = []
    for table, key in rows:
        match = re.fullmatch(r"RANGE \((\w+)\)", key)
        if match:
            found.append((table, match.group(1)))
    return found


_BOUND = re.compile(r"FOR VALUES FROM \('(\d{4}-\d\d-\d\d)'\) TO \('(\d{4}-\d\d-\d\d)'\)")


def months(table: str) -> list[Month]:
    """The table's month partitions, oldest first (not the DEFAULT one)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [table],
        )
        rows = cursor.fetchall()
    found = []
    for name, bound in rows:
        match = _BOUND.fullmatch(bound)
        if match:
            start, end = (dt.date.fromisoformat(value) for value in match.groups())
            found.append(Month(name, start, end))
    return sorted(found, key=lambda month: month.start)


def default_rows(table: str) -> int:
    """How many rows the DEFAULT partition holds (rows of months not made yet)."""
    if not is_partitioned(table):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_q(default_name(table))}")  # noqa: S608 — our own names
        return cursor.fetchone()[0]


def _columns(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        return ", ".join(_q(row[0]) for row in cursor.fetchall())


@transaction.atomic
def months_make(table: str, column: str, *, today: dt.date, ahead: int = AHEAD) -> list[str]:
    """Make the partitions of ``today``'s month and the ``ahead`` next ones, and of every month the
    DEFAULT partition holds rows of (moving those rows into it); returns the names made. Idempotent.

    A month whose rows wait in DEFAULT cannot simply be created (PostgreSQL refuses a partition whose
    rows sit in the default one): its table is made apart, the rows moved into it, and it is attached.
    """
    if not is_partitioned(table):
        return []
    with connection.cursor() as cursor:  # two workers at once: the second waits, then finds them made
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"cordon.partitions.{table}"])
    made_already = {month.start for month in months(table)}
    wanted = set()
    start = month_start(today)
    for _ in range(ahead + 1):
        wanted.add(start)
        start = next_month(start)
    default = default_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', {_q(column)})::date FROM {_q(default)}"  # noqa: S608 — our own names
        )
        waiting = {row[0] for row in cursor.fetchall()}
    made = []
    for start in sorted((wanted | waiting) - made_already):
        end, name = next_month(start), month_name(table, start)
        bounds = f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        with connection.cursor() as cursor:
            if start not in waiting:
                cursor.execute(f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} {bounds}")
            else:
                columns = _columns(table)
                cursor.execute(
                    f"CREATE TABLE {_q(name)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
                )
                where = f"{_q(column)} >= %s AND {_q(column)} < %s"
                cursor.execute(
                    f"WITH moved AS (DELETE FROM {_q(default)} WHERE {where} RETURNING {columns}) "  # noqa: S608 — our own names
                    f"INSERT INTO {_q(name)} ({columns}) SELECT {columns} FROM moved",
                    [start, end],
                )
                cursor.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(name)} {bounds}")
        made.append(name)
    return made


def month_drop(table: str, month: Month) -> None:
    """Detach ``month``'s partition and drop it, in the caller's transaction: its rows are gone at once,
    however many they were. The caller deals with what pointed at them first."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {_q(table)} DETACH PARTITION {_q(month.name)}")
        cursor.execute(f"DROP TABLE {_q(month.name)}")


def housekeep(*, today: dt.date) -> dict[str, list[str]]:
    """``months_make`` for every table partitioned by range on a date column (after a restore, whose
    old rows all land in DEFAULT)."""
    return {table: months_make(table, column, today=today) for table, column in partitioned_tables()}
