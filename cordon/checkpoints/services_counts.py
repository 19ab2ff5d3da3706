"""The passages' daily roll-up (``PassageDayCount``): kept exact as passages are logged, and rebuilt
from the passages when they were loaded some other way.

One upsert per passage, in the passage's own transaction: a passage and its count commit together or
not at all, so the day's figures and the day's list never disagree. The statement is the same on
SQLite and PostgreSQL (``INSERT … ON CONFLICT … DO UPDATE``); on PostgreSQL it holds the checkpoint's
row for the day until the passage commits, which orders two guards at one gate, not the town.
"""

import functools
from datetime import date

from django.db import connection, transaction

from cordon.checkpoints.models import Passage, PassageDayCount
from cordon.core.statements import execute

_TABLE = PassageDayCount._meta.db_table
_PASSAGES = Passage._meta.db_table
_FIGURES = PassageDayCount.FIGURES


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def count_passage(passage: Passage) -> None:
    """Add one new passage to its checkpoint's row for its day (created at the first passage)."""
    with connection.cursor() as cursor:
        execute(cursor, _upsert_sql(connection.vendor), count_params(passage))


def count_params(passage: Passage) -> list:
    """The upsert's values for ``passage``: its checkpoint, area and day, then one per figure."""
    figures = (
        1,
        int(passage.direction == Passage.Direction.IN),
        int(passage.direction == Passage.Direction.OUT),
        int(passage.decision == Passage.Decision.TURNED_BACK),
        int(passage.decision == Passage.Decision.REFERRED),
        int(passage.fever),
        int(passage.subject == Passage.Subject.VEHICLE),
        int(passage.override),
    )
    day = connection.ops.adapt_datefield_value(passage.day)
    return [passage.checkpoint_id, passage.area_id, day, *figures]


@functools.cache
def _upsert_sql(vendor: str) -> str:
    """The upsert, written once per process: it runs with every passage."""
    columns = ", ".join(_q(c) for c in ("checkpoint_id", "area_id", "day", *_FIGURES))
    added = ", ".join(f"{_q(c)} = {_q(_TABLE)}.{_q(c)} + excluded.{_q(c)}" for c in _FIGURES)
    return (
        f"INSERT INTO {_q(_TABLE)} ({columns}) VALUES ({', '.join(['%s'] * (3 + len(_FIGURES)))}) "  # noqa: S608 — names are ours, values are parameters
        f"ON CONFLICT ({_q('checkpoint_id')}, {_q('day')}) DO UPDATE SET {added}"
    )


def insert_and_count_sql(insert_returning_id: str) -> str:
    """PostgreSQL: a passage's INSERT (… RETURNING id) and its upsert as one statement, whose
    parameters are the insert's then ``count_params``: both writes commit together, or neither (a
    retried entry refused by its unique client id counts nothing), with no transaction to open and
    close around them. SQLite has no writes inside WITH; there the two run in one transaction."""
    return f"WITH new AS ({insert_returning_id}), counted AS ({_upsert_sql('postgresql')}) SELECT id FROM new"  # noqa: S608 — our own statements


@transaction.atomic
def passage_counts_rebuild(*, start: date | None = None, end: date | None = None) -> int:
    """Recount the roll-up from the passages, for every day or from ``start`` to ``end``; returns the
    number of rows written. On PostgreSQL the passages are locked against new inserts meanwhile (a
    passage logged during the recount would otherwise be counted twice or not at all); on SQLite the
    write transaction already orders them."""
    where, params = [], []
    if start:
        where.append(f"{_q('day')} >= %s")
        params.append(connection.ops.adapt_datefield_value(start))
    if end:
        where.append(f"{_q('day')} <= %s")
        params.append(connection.ops.adapt_datefield_value(end))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    counted = ", ".join(
        (
            "COUNT(*)",
            f"SUM(CASE WHEN {_q('direction')} = 'in' THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {_q('direction')} = 'out' THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {_q('decision')} = 'turned_back' THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {_q('decision')} = 'referred' THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {_q('fever')} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {_q('subject')} = 'vehicle' THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {_q('override')} THEN 1 ELSE 0 END)",
        )
    )
    columns = ", ".join(_q(c) for c in ("checkpoint_id", "area_id", "day", *_FIGURES))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_q(_PASSAGES)} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {_q(_TABLE)} {clause}", params)  # noqa: S608 — names are ours
        cursor.execute(
            f"INSERT INTO {_q(_TABLE)} ({columns}) "  # noqa: S608 — names are ours, values are parameters
            f"SELECT {_q('checkpoint_id')}, MAX({_q('area_id')}), {_q('day')}, {counted} "
            f"FROM {_q(_PASSAGES)} {clause} GROUP BY {_q('checkpoint_id')}, {_q('day')}",
            params,
        )
        return cursor.rowcount
