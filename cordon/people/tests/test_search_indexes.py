"""The registry's search columns: one index each, so an imported row updates as few as the search needs."""

import pytest
from django.db import connection

from cordon.people.models import Person

SEARCH_COLUMNS = ["name", "name_pinyin", "name_initials", "document_reversed", "phone", "phone_other"]


def _indexes_by_columns() -> dict[tuple, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    by_columns: dict[tuple, list[str]] = {}
    for name, info in found.items():
        if info["index"] and not info["primary_key"]:
            by_columns.setdefault(tuple(info["columns"]), []).append(name)
    return by_columns


@pytest.mark.django_db
@pytest.mark.parametrize("column", SEARCH_COLUMNS)
def test_each_search_column_has_exactly_one_index(column):
    # PostgreSQL used to keep a plain index and a "_like" twin of each (db_index on a CharField).
    assert len(_indexes_by_columns().get((column,), [])) == 1


@pytest.mark.django_db
def test_the_registry_keeps_its_scope_document_and_household_indexes():
    by_columns = _indexes_by_columns()
    assert by_columns[("area_id", "name")] == ["person_area_name_idx"]
    assert by_columns[("document_type", "document_number")] == ["person_unique_document"]
    assert by_columns[("household_id",)] == ["person_household_idx"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan text")
def test_a_phone_or_an_id_tail_is_found_through_its_own_index():
    # The search's own questions, as the selector asks them (scope unindexed, see person_search).
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM people_person WHERE phone = '13812345678'")
        assert "person_phone_idx" in str(cursor.fetchall())
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM people_person"
            " WHERE document_reversed >= '4321' AND document_reversed < '4322'"
        )
        assert "person_doc_tail_idx" in str(cursor.fetchall())
