"""Passages at a checkpoint: flags before the decision, bad input, and entries sent twice or late."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.checkpoints.models import Passage
from cordon.gate import passages


def entry(**values):
    return {"direction": "in", "decision": "allowed", **values}


def test_a_known_id_number_links_the_person_and_flags_observation(world):
    check = passages.gate_check(
        actor=world.guard, checkpoint=world.sjf_gate, document_number=world.yin.document_number
    )
    assert check.person == world.yin and check.flags == ["under_observation"]
    passage, created = passages.passage_record(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        data=entry(
            document_number=world.yin.document_number.lower(),
            temperature="36.6",
            origin="霸州市区",
            reason="返家居家观察",
        ),
        client_id="a1",
    )
    assert created and passage.person == world.yin and passage.name == "尹某某"
    assert passage.flags == ["under_observation"] and passage.area_id == world.sjf.code
    assert passage.day == timezone.localdate()


def test_the_threshold_itself_is_a_fever_and_quarantine_is_flagged(world):
    passage, _created = passages.passage_record(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        data=entry(name="路人", temperature="37.3", reason="复测正常"),
    )
    assert passage.flags == ["fever"]
    check = passages.gate_check(
        actor=world.guard, checkpoint=world.sjf_gate, document_number=world.contact_person.document_number
    )
    assert check.flags == ["in_quarantine"] and check.as_dict()["flag_labels"] == ["集中隔离中"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (entry(name="甲", temperature="3.7"), "temperature"),
        (entry(subject="vehicle", plate="冀RI2345"), "plate"),
        (entry(subject="vehicle", plate="冀RF1A234"), "plate"),
        (entry(name="甲", decision="turned_back"), "reason"),
        (entry(name="甲", direction="up"), "direction"),
        (entry(), "name"),
        (entry(name="甲", phone="12345"), "phone"),
        (entry(name="甲" * 41), "name"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_stored(world, data, field):
    with pytest.raises(ValidationError) as refused:
        passages.passage_record(actor=world.guard, checkpoint=world.sjf_gate, data=data)
    assert field in refused.value.message_dict
    assert not Passage.objects.exists()


def test_a_retry_returns_the_stored_passage_and_another_checkpoint_cannot_reuse_its_id(world):
    first, created = passages.passage_record(
        actor=world.guard, checkpoint=world.sjf_gate, data=entry(name="甲"), client_id="x-1"
    )
    again, created_again = passages.passage_record(
        actor=world.guard, checkpoint=world.sjf_gate, data=entry(name="乙"), client_id="x-1"
    )
    assert created and not created_again and again.pk == first.pk and again.name == "甲"
    with pytest.raises(ValidationError, match="另一卡点"):
        passages.passage_record(
            actor=world.commander, checkpoint=world.grid_gate, data=entry(name="丙"), client_id="x-1"
        )
    assert Passage.objects.count() == 1


def test_a_retry_of_an_entry_timed_by_the_server_across_midnight_is_stored_once(world):
    """No time sent: the server's time makes the day, so the retry after midnight has another day;
    the client id still finds the first (unique per day only, for the monthly partitions)."""
    import time_machine

    evening = timezone.make_aware(timezone.datetime(2026, 3, 1, 23, 59, 50))
    with time_machine.travel(evening, tick=False):
        first, created = passages.passage_record(
            actor=world.guard, checkpoint=world.sjf_gate, data=entry(name="甲"), client_id="m-1"
        )
    with time_machine.travel(evening + timedelta(seconds=30), tick=False):
        again, created_again = passages.passage_record(
            actor=world.guard, checkpoint=world.sjf_gate, data=entry(name="甲"), client_id="m-1"
        )
    assert created and not created_again and again.pk == first.pk
    assert Passage.objects.filter(client_id="m-1").count() == 1


def test_an_offline_batch_sent_twice_and_out_of_order_stores_each_entry_once(world):
    now = timezone.localtime()
    batch = [
        {"client_id": "b", **entry(name="乙", occurred_at=(now - timedelta(hours=1)).isoformat())},
        {"client_id": "a", **entry(name="甲", occurred_at=(now - timedelta(hours=3)).isoformat())},
        {"client_id": "c", **entry(name="丙", temperature="3.7")},
        {"client_id": "b", **entry(name="乙")},
    ]
    results = passages.passages_record_batch(actor=world.guard, checkpoint=world.sjf_gate, entries=batch)
    assert [r["status"] for r in results] == ["created", "created", "refused", "duplicate"]
    # Named by the field's Chinese label, never its key; by key in "fields" for the page.
    assert results[2]["errors"][0].startswith("体温（℃）：") and "temperature" not in results[2]["errors"][0]
    assert list(results[2]["fields"]) == ["temperature"]
    again = passages.passages_record_batch(actor=world.guard, checkpoint=world.sjf_gate, entries=batch[:2])
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert Passage.objects.count() == 2
    assert list(Passage.objects.values_list("name", flat=True)) == [
        "乙",
        "甲",
    ]  # newest first, by the time made


def test_refuses_times_in_the_future_or_too_old(world):
    now = timezone.localtime()
    for moment in (now + timedelta(hours=1), now - timedelta(days=8)):
        with pytest.raises(ValidationError) as refused:
            passages.passage_record(
                actor=world.guard,
                checkpoint=world.sjf_gate,
                data=entry(name="甲", occurred_at=moment.isoformat()),
            )
        assert "occurred_at" in refused.value.message_dict


def test_only_staff_of_the_checkpoints_area_log_passages(world):
    for actor in (world.other_clerk, world.neighbour, world.health):
        with pytest.raises(PermissionDenied):
            passages.passage_record(actor=actor, checkpoint=world.sjf_gate, data=entry(name="甲"))
    with pytest.raises(ValidationError, match="关闭"):
        passages.passage_record(actor=world.neighbour, checkpoint=world.east_gate, data=entry(name="甲"))


def test_a_vehicle_with_its_people_on_board(world):
    passage, _created = passages.passage_record(
        actor=world.commander,
        checkpoint=world.station,
        data=entry(
            subject="vehicle",
            plate="冀R·12345",
            vehicle_type="小型客车",
            passengers=2,
            reason="送医",
            occupants=[
                {"name": "司机", "temperature": "36.5"},
                {"document_number": world.yin.document_number, "temperature": "38.0"},
            ],
        ),
    )
    assert passage.plate == "冀R12345" and passage.flags == ["under_observation", "fever"]
    assert [o.person_id for o in passage.occupants.all()] == [None, world.yin.pk]


def test_an_entry_received_in_the_past_is_checked_and_flagged_as_of_then(world):
    """The demo replays February 2020 through the service: the age limit, and the seal and pass in
    force, are those of the moment the entry was received, not of today."""
    from cordon.lockdowns import services as lockdowns

    sealed_at = timezone.localtime() - timedelta(days=30)
    lockdowns.lockdown_seal(actor=world.commander, area=world.sjf, starts_at=sealed_at)
    number = world.yin.document_number
    for received, flagged in (
        (sealed_at - timedelta(hours=1), False),
        (sealed_at + timedelta(hours=1), True),
    ):
        passage, _created = passages.passage_record(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            data=entry(
                direction="out",
                document_number=number,
                occurred_at=received - timedelta(minutes=2),
                reason="就医",
            ),
            received_at=received,
        )
        assert passage.occurred_at == received - timedelta(minutes=2)
        assert passage.created_at == received and ("sealed_no_pass" in passage.flags) is flagged
    with pytest.raises(ValidationError) as refused:
        passages.passage_record(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            data=entry(name="甲", occurred_at=(sealed_at - timedelta(days=8)).isoformat()),
            received_at=sealed_at,
        )
    assert "occurred_at" in refused.value.message_dict
