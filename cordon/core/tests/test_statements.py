"""A row read by a statement written once is the instance the ORM would have made."""

import pytest

from cordon.checkpoints.models import Checkpoint
from cordon.core.statements import first_instance
from cordon.people.models import Person

# Table names are the models' own; ruff's S608 reads any f-string SQL as a possible injection.
PEOPLE, CHECKPOINTS = Person._meta.db_table, Checkpoint._meta.db_table


def test_every_field_converted_as_the_orm_does_and_annotations_kept(world):
    person = Person.objects.get(pk=world.yin.pk)
    sql = f'SELECT *, 1 + 1 AS "two" FROM "{PEOPLE}" WHERE "id" = %s'  # noqa: S608
    read = first_instance(Person, sql, [person.pk])
    assert type(read) is Person and read.pk == person.pk and read.two == 2
    for field in Person._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(person, field.attname), field.name
    assert read.birth_date == person.birth_date and not read._state.adding


def test_no_row_is_none_and_a_statement_missing_a_field_is_refused(world):
    assert first_instance(Checkpoint, f'SELECT * FROM "{CHECKPOINTS}" WHERE "id" = %s', [0]) is None  # noqa: S608
    partial = f'SELECT "id", "name" FROM "{CHECKPOINTS}" WHERE "id" = %s'  # noqa: S608
    with pytest.raises(ValueError, match="every field"):
        first_instance(Checkpoint, partial, [world.sjf_gate.pk])


def test_a_joined_row_is_one_instance_per_model_as_select_related_reads_it(world):
    from cordon.accounts.models import Area
    from cordon.core.statements import first_instances

    queryset = Checkpoint.objects.select_related("area").filter(pk=world.sjf_gate.pk)
    sql, params = queryset.query.sql_with_params()
    checkpoint, area = first_instances((Checkpoint, Area), sql, list(params))
    assert checkpoint.pk == world.sjf_gate.pk and area.code == world.sjf_gate.area_id
    assert area.name == world.sjf_gate.area.name and not checkpoint._state.adding
    assert first_instances((Checkpoint, Area), sql, [0]) is None
    with pytest.raises(ValueError, match="exactly"):
        first_instances((Checkpoint,), sql, list(params))


def test_parameters_are_placed_in_order_and_a_literal_percent_stays(world):
    from django.db import connection

    from cordon.core.statements import execute

    with connection.cursor() as cursor:
        execute(cursor, "SELECT %s, '100%%', %s, %s", ["a", 2, "%s"])
        assert tuple(cursor.fetchone()) == ("a", "100%", 2, "%s")
    if connection.vendor == "sqlite":  # PostgreSQL's driver refuses it itself
        with connection.cursor() as cursor, pytest.raises(ValueError, match="number"):
            execute(cursor, "SELECT %s, %s", ["one"])
