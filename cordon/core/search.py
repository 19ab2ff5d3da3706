"""Indexed prefix matching that works the same on SQLite and PostgreSQL."""

from django.db import connection
from django.db.models import Q


def prefix_q(field: str, value: str) -> Q:
    """Rows whose ``field`` starts with ``value``, answered from the field's index.

    PostgreSQL: LIKE 'value%', which the text_pattern_ops index Django adds to indexed text columns
    answers in any collation. SQLite: LIKE is case-insensitive there and cannot use a plain index, so
    the same question is asked as a range, which its byte-order (BINARY) index answers.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": value})
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
