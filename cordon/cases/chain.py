"""Walking a transmission chain: the cases a case led to (down) and came from (up), to a depth.

One recursive query over the contact links' two indexes (``contact_down_idx``, ``contact_up_idx``),
the same SQL on SQLite and PostgreSQL. ``UNION`` (not ``UNION ALL``) drops a case met again at the
same depth, and the depth bound ends any walk — the services refuse loops, but a walk must end even
over bad data.
"""

from django.db import connection

MAX_DEPTH = 10

_DOWN = """
WITH RECURSIVE walk(case_id, depth) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT l.contact_case_id, w.depth + 1
    FROM walk w JOIN cases_contactlink l ON l.case_id = w.case_id
    WHERE l.contact_case_id IS NOT NULL AND w.depth < %s
)
SELECT case_id, MIN(depth) FROM walk GROUP BY case_id
"""

_UP = """
WITH RECURSIVE walk(case_id, depth) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT l.case_id, w.depth + 1
    FROM walk w JOIN cases_contactlink l ON l.contact_case_id = w.case_id
    WHERE w.depth < %s
)
SELECT case_id, MIN(depth) FROM walk GROUP BY case_id
"""


_BOTH = """
WITH RECURSIVE down(case_id, depth) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT l.contact_case_id, d.depth + 1
    FROM down d JOIN cases_contactlink l ON l.case_id = d.case_id
    WHERE l.contact_case_id IS NOT NULL AND d.depth < %s
), up(case_id, depth) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT l.case_id, u.depth + 1
    FROM up u JOIN cases_contactlink l ON l.contact_case_id = u.case_id
    WHERE u.depth < %s
)
SELECT 1, case_id, MIN(depth) FROM down GROUP BY case_id
UNION ALL
SELECT 0, case_id, MIN(depth) FROM up GROUP BY case_id
"""


def walk(case_id: int, depth: int = MAX_DEPTH) -> tuple[dict[int, int], dict[int, int]]:
    """(descendants, ancestors) of a case to ``depth``, in one query: what the chain page draws."""
    down: dict[int, int] = {}
    up: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_BOTH, [case_id, depth, case_id, depth])
        for is_down, found, generation in cursor.fetchall():
            (down if is_down else up)[found] = generation
    return down, up


def _walk(sql: str, case_id: int, depth: int) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [case_id, depth])
        return dict(cursor.fetchall())


def descendants(case_id: int, depth: int = MAX_DEPTH) -> dict[int, int]:
    """{case id: generation} of the case and every case among its contacts, theirs, … to ``depth``."""
    return _walk(_DOWN, case_id, depth)


def ancestors(case_id: int, depth: int = MAX_DEPTH) -> dict[int, int]:
    """{case id: generations back} of the case and the cases it was a contact of, theirs, …"""
    return _walk(_UP, case_id, depth)


def reaches(start: int, target: int) -> bool:
    """True when ``target`` descends from ``start`` (at any depth the walk allows)."""
    return target in descendants(start, MAX_DEPTH * 5)
