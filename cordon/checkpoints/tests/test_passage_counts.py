"""The passages' daily roll-up: every passage counted once, on its own day, with the passage or not at
all; the day's figures and the town's table read it, and a recount from the passages agrees."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from cordon.checkpoints import selectors
from cordon.checkpoints.models import Passage, PassageDayCount
from cordon.checkpoints.services_counts import passage_counts_rebuild
from cordon.gate import passages


def log(world, checkpoint=None, client_id=None, actor=None, **values):
    data = {"direction": "in", "decision": "allowed", "name": "甲", **values}
    return passages.passage_record(
        actor=actor or world.commander,
        checkpoint=checkpoint or world.sjf_gate,
        data=data,
        client_id=client_id,
    )


def counted_from_passages():
    """What the roll-up must say, counted the slow way."""
    rows = Passage.objects.values("checkpoint_id", "day").annotate(
        total=Count("pk"),
        came_in=Count("pk", filter=Q(direction="in")),
        went_out=Count("pk", filter=Q(direction="out")),
        turned_back=Count("pk", filter=Q(decision="turned_back")),
        referred=Count("pk", filter=Q(decision="referred")),
        fever=Count("pk", filter=Q(fever=True)),
        vehicles=Count("pk", filter=Q(subject="vehicle")),
        overrides=Count("pk", filter=Q(override=True)),
    )
    return sorted((r["checkpoint_id"], r["day"], *(r[f] for f in PassageDayCount.FIGURES)) for r in rows)


def the_roll_up():
    rows = PassageDayCount.objects.values("checkpoint_id", "day", *PassageDayCount.FIGURES)
    return sorted((r["checkpoint_id"], r["day"], *(r[f] for f in PassageDayCount.FIGURES)) for r in rows)


def test_each_passage_is_counted_on_its_checkpoints_day(world):
    log(world)
    log(world, direction="out", temperature="37.5", reason="自行前往发热门诊")  # a fever let through
    log(world, decision="turned_back", reason="无通行证")
    log(world, direction="out", decision="referred", reason="发热转诊", temperature="38.0")
    log(world, checkpoint=world.grid_gate)
    log(world, checkpoint=world.grid_gate, subject="vehicle", plate="冀R12345", name="")
    counts = selectors.day_counts(world.sjf_gate, timezone.localdate())
    assert counts == {
        "total": 4,
        "came_in": 2,
        "went_out": 2,
        "turned_back": 1,
        "referred": 1,
        "fever": 2,
        "vehicles": 0,
        "overrides": 1,
    }
    assert selectors.day_counts(world.grid_gate, timezone.localdate()) | {} == {
        "total": 2,
        "came_in": 2,
        "went_out": 0,
        "turned_back": 0,
        "referred": 0,
        "fever": 0,
        "vehicles": 1,
        "overrides": 0,
    }
    assert the_roll_up() == counted_from_passages()


def test_an_entry_sent_late_counts_on_the_day_it_happened(world):
    yesterday = timezone.localtime() - timedelta(days=1)
    log(world, client_id="late", occurred_at=yesterday.isoformat())
    assert selectors.day_counts(world.sjf_gate, yesterday.date())["total"] == 1
    assert selectors.day_counts(world.sjf_gate, timezone.localdate())["total"] == 0


def test_a_retry_or_a_refusal_counts_nothing(world):
    log(world, client_id="once")
    _passage, created = log(world, client_id="once")
    assert not created
    with pytest.raises(ValidationError):
        log(world, temperature="3.7")
    batch = passages.passages_record_batch(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        entries=[
            {"client_id": "once", "direction": "in", "decision": "allowed", "name": "甲"},
            {"client_id": "b1", "direction": "in", "decision": "allowed", "name": "乙"},
            {"client_id": "b1", "direction": "in", "decision": "allowed", "name": "乙"},
        ],
    )
    assert [r["status"] for r in batch] == ["duplicate", "created", "duplicate"]
    assert selectors.day_counts(world.sjf_gate, timezone.localdate())["total"] == 2
    assert the_roll_up() == counted_from_passages()


def test_a_recount_agrees_and_repairs_a_damaged_roll_up(world):
    for i in range(6):
        fever = {"temperature": "37.4", "reason": "送医"} if i == 3 else {}
        log(world, direction="out" if i % 2 else "in", **fever)
    log(world, checkpoint=world.station, occurred_at=(timezone.localtime() - timedelta(days=2)).isoformat())
    before = the_roll_up()
    PassageDayCount.objects.filter(checkpoint=world.sjf_gate).update(total=999)
    PassageDayCount.objects.filter(checkpoint=world.station).delete()
    assert passage_counts_rebuild() == 2
    assert the_roll_up() == before == counted_from_passages()


def test_a_recount_of_some_days_leaves_the_others(world):
    two_days_ago = timezone.localtime() - timedelta(days=2)
    log(world, occurred_at=two_days_ago.isoformat())
    log(world)
    PassageDayCount.objects.update(total=50)
    passage_counts_rebuild(start=timezone.localdate())
    assert selectors.day_counts(world.sjf_gate, timezone.localdate())["total"] == 1
    assert selectors.day_counts(world.sjf_gate, two_days_ago.date())["total"] == 50


def test_the_town_table_reads_the_roll_up_in_two_queries(world, django_assert_num_queries):
    for checkpoint in (world.sjf_gate, world.grid_gate, world.station):
        log(world, checkpoint=checkpoint)
    log(world, checkpoint=world.xw_gate, actor=world.other_clerk)
    today = timezone.localdate()
    with django_assert_num_queries(2):  # the roll-up's rows, then their checkpoints
        table = selectors.counts_by_day_and_checkpoint(world.commander, "", today - timedelta(days=6), today)
    assert sum(row["total"] for row in table.rows) == 4 and len(table.days) == 7
    mine = selectors.counts_by_day_and_checkpoint(world.other_clerk, "", today, today)
    assert [row["checkpoint"] for row in mine.rows] == [world.xw_gate]
    assert not selectors.counts_by_day_and_checkpoint(world.neighbour, "", today, today).rows


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_passage_and_its_count_commit_together_and_a_retry_counts_nothing(world):
    """The production path (autocommit; on PostgreSQL the insert and the count are one statement, on
    SQLite one transaction): committed with its count, and a retry refused by the unique client id
    leaves the count as it was and no transaction broken."""
    first, created = log(world, client_id="auto-1", temperature="38.1", reason="送医")
    again, created_again = log(world, client_id="auto-1", direction="out")
    assert created and not created_again and again.pk == first.pk
    log(world, client_id="auto-2", direction="out")
    counts = PassageDayCount.objects.get(checkpoint=world.sjf_gate, day=first.day)
    assert (counts.total, counts.came_in, counts.went_out, counts.fever) == (2, 1, 1, 1)
    assert counted_from_passages() == [(world.sjf_gate.pk, first.day, 2, 1, 1, 0, 0, 1, 0, 1)]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory, where threads share it; SQLite serialises writers",
)
@pytest.mark.django_db(transaction=True)
def test_one_batch_sent_twice_at_once_in_opposite_orders_stores_and_counts_each_entry_once(world):
    """The gate page may send its batch twice at once. On PostgreSQL two chunks inserting the same
    entries in another order deadlocked (a 500 in the browser test); a gate's batches now queue."""
    import threading

    from cordon.gate import passages

    now = timezone.localtime()
    for round_ in range(3):
        batch = [
            {
                "client_id": f"dl-{round_}-{n}",
                "direction": "in",
                "decision": "allowed",
                "name": f"路人{n}",
                "occurred_at": (now - timedelta(minutes=n)).isoformat(),
            }
            for n in range(30)
        ]
        barrier = threading.Barrier(2)
        answers, failures = [], []

        def send(entries, barrier=barrier, answers=answers, failures=failures):
            try:
                barrier.wait()
                answers.append(
                    passages.passages_record_batch(
                        actor=world.guard, checkpoint=world.sjf_gate, entries=entries
                    )
                )
            except Exception as exc:  # the failure is the finding
                failures.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=(b,)) for b in (batch, batch[::-1])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        statuses = sorted(r["status"] for answer in answers for r in answer)
        assert statuses == ["created"] * 30 + ["duplicate"] * 30
    assert Passage.objects.filter(client_id__startswith="dl-").count() == 90
    assert the_roll_up() == counted_from_passages()
