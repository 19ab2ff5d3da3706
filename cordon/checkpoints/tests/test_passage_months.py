"""On PostgreSQL the passages table is partitioned by month: a passage lands in its month's partition,
a passage of a month not made yet waits in DEFAULT until the daily housekeeping makes the month and
moves it there, and an offline batch sent twice is still stored once (its client id is unique per
day). On SQLite there are no months and the functions say so."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cordon.checkpoints import jobs, partitions
from cordon.checkpoints.models import Passage, PassageDayCount
from cordon.core import partitions as months
from cordon.gate import passages

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no partitioned tables"
)


def where(passage: Passage) -> str:
    """The partition that holds ``passage``'s row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM checkpoints_passage WHERE id = %s", [passage.pk])
        return cursor.fetchone()[0]


def log(world, **values):
    data = {"direction": "in", "decision": "allowed", "name": "甲", **values}
    return passages.passage_record(actor=world.guard, checkpoint=world.sjf_gate, data=data)[0]


@postgresql_only
def test_the_passages_table_is_partitioned_with_this_month_the_next_two_and_a_default(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef(partrelid) FROM pg_partitioned_table "
            "WHERE partrelid = 'checkpoints_passage'::regclass"
        )
        assert cursor.fetchone() == ("RANGE (day)",)
        cursor.execute("SELECT to_regclass('checkpoints_passage_default') IS NOT NULL")
        assert cursor.fetchone() == (True,)
    start = months.month_start(timezone.localdate())
    made = {month.start for month in partitions.passage_months()}
    assert {start, months.next_month(start), months.next_month(months.next_month(start))} <= made


@postgresql_only
def test_a_passage_lands_in_its_months_partition_and_reads_back_through_the_orm(world):
    passage = log(world)
    assert passage.pk and where(passage) == months.month_name(
        "checkpoints_passage", passage.day.replace(day=1)
    )
    assert Passage.objects.filter(pk=passage.pk, day=passage.day).get().name == "甲"
    assert passage in Passage.objects.within(world.sjf).filter(day=passage.day)


@postgresql_only
def test_a_passage_of_a_month_not_made_yet_waits_in_default_and_housekeeping_makes_its_month(world):
    later = months.next_month(months.next_month(months.next_month(timezone.localdate())))  # 3 months on
    name = months.month_name("checkpoints_passage", later)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(later, dt.time(9))), tick=False):
        passage = log(world)
        assert where(passage) == "checkpoints_passage_default"
        assert partitions.passages_waiting() == 1
        day_count = PassageDayCount.objects.get(checkpoint=world.sjf_gate, day=later).total

        made = jobs.passage_months()  # the worker's daily duty
    assert name in made and where(passage) == name
    assert partitions.passages_waiting() == 0
    assert PassageDayCount.objects.get(checkpoint=world.sjf_gate, day=later).total == day_count == 1
    assert partitions.passage_months_make(today=later) == []  # idempotent: nothing more to make
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(later, dt.time(10))), tick=False):
        again = passages.passage_record(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            data={"direction": "out", "decision": "allowed", "name": "乙"},
            client_id="moved-1",
        )[0]
        retried, created = passages.passage_record(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            data={"direction": "out", "decision": "allowed", "name": "乙"},
            client_id="moved-1",
        )
    assert where(again) == name and again.pk > passage.pk  # the attached month takes new passages
    assert retried.pk == again.pk and not created  # and its unique key holds there too


@postgresql_only
def test_an_offline_batch_sent_twice_is_stored_once_with_its_client_id_unique_per_day(world):
    at = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    batch = [
        {"client_id": "pg-1", "direction": "in", "name": "甲", "decision": "allowed", "occurred_at": at},
        {"client_id": "pg-2", "direction": "out", "name": "乙", "decision": "allowed", "occurred_at": at},
    ]
    first = passages.passages_record_batch(actor=world.guard, checkpoint=world.sjf_gate, entries=batch)
    again = passages.passages_record_batch(actor=world.guard, checkpoint=world.sjf_gate, entries=batch)
    assert [r["status"] for r in first] == ["created", "created"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert Passage.objects.filter(client_id__in=["pg-1", "pg-2"]).count() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'passage_client_day' "
            "AND conrelid = 'checkpoints_passage'::regclass"
        )
        assert cursor.fetchone() == ("UNIQUE (client_id, day)",)


def test_on_sqlite_there_are_no_months_and_housekeeping_does_nothing(world):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only: on PostgreSQL the table has months")
    assert partitions.passage_months() == []
    assert partitions.passage_months_make() == []
    assert partitions.passages_waiting() == 0
