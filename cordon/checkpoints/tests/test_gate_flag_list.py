"""The flags list a gate's phone downloads at the start of the shift: its own village's flagged people,
masked, scoped, expiring at the end of the guard's shift."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cordon.checkpoints import services_duty
from cordon.core.models import AccessLog
from cordon.gate.flag_list import NO_SHIFT_HOURS, flag_list, number_key
from cordon.observation import services as observation
from cordon.people import services as people_services
from cordon.people.testing import id_number


def _by_tail(listed):
    return {row["tail"]: row for row in listed["people"]}


def test_lists_the_villages_flagged_people_masked_with_a_salted_key(world):
    listed = flag_list(actor=world.guard, checkpoint=world.sjf_gate)
    rows = _by_tail(listed)
    yin = rows[world.yin.document_number[-4:]]
    assert yin["name"] == "尹某*" and yin["flags"] == ["under_observation"]
    assert yin["key"] == number_key(listed["salt"], world.yin.document_number)
    contact = rows[world.contact_person.document_number[-4:]]
    assert contact["flags"] == ["in_quarantine"] and contact["name"] == "乙接*"
    # The grid's resident holds a valid pass: no flag, not listed. Nobody's full number or name is.
    assert world.grid_person.document_number[-4:] not in rows
    text = str(listed)
    assert world.yin.document_number not in text and "尹某某" not in text
    # A new download, a new salt: yesterday's keys say nothing about today's.
    assert flag_list(actor=world.guard, checkpoint=world.sjf_gate)["salt"] != listed["salt"]
    assert AccessLog.objects.filter(target_type="gate.flag_list", actor=world.guard).count() == 2


def test_a_sealed_resident_without_a_pass_is_listed(world):
    stranded, _created = people_services.person_save(
        actor=world.clerk,
        area=world.grid,
        data={"name": "无证居民", "document_number": id_number("13108119700101007")},
    )
    rows = _by_tail(flag_list(actor=world.guard, checkpoint=world.grid_gate))
    assert rows[stranded.document_number[-4:]]["flags"] == ["sealed_no_pass"]


def test_never_lists_another_villages_people_even_for_the_commander(world):
    # A flagged person of 小湾村, the next village of the same town.
    observation.period_open(
        actor=world.other_clerk,
        person=world.zhou,
        reason="arrival",
        exposure_date=dt.date(2020, 2, 1),
        opened_on=dt.date(2020, 2, 1),
        arrival=world.zhou.arrivals.get(),
    )
    for actor in (world.guard, world.commander):
        tails = _by_tail(flag_list(actor=actor, checkpoint=world.sjf_gate))
        assert world.zhou.document_number[-4:] not in tails
        assert world.east_person.document_number[-4:] not in tails
        assert world.yin.document_number[-4:] in tails
    next_village = flag_list(actor=world.commander, checkpoint=world.xw_gate)
    assert world.zhou.document_number[-4:] in _by_tail(next_village)


def test_another_villages_guard_gets_404_and_no_list(world, client, api_client, django_user_model):
    from django.core.exceptions import PermissionDenied

    for url in (
        f"/checkpoints/{world.xw_gate.pk}/gate/flags.json",
        f"/checkpoints/{world.east_gate.pk}/gate/flags.json",
    ):
        client.force_login(world.guard)
        assert client.get(url).status_code == 404
    assert api_client(world.guard).get(f"/api/v1/checkpoints/{world.xw_gate.pk}/flags").status_code == 404
    # A reader without a guard's role at the gate (the county's viewer) is refused too.
    with pytest.raises(PermissionDenied):
        flag_list(actor=world.viewer, checkpoint=world.sjf_gate)
    client.force_login(world.viewer)
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/flags.json").status_code in (403, 404)


def test_the_page_and_the_api_answer_the_same_list(world, client, api_client):
    client.force_login(world.guard)
    page = client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/flags.json")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    api = api_client(world.guard).get(f"/api/v1/checkpoints/{world.sjf_gate.pk}/flags")
    assert api.status_code == 200
    assert sorted(r["tail"] for r in page.json()["people"]) == sorted(r["tail"] for r in api.json()["people"])
    assert api.json()["labels"]["under_observation"] == "医学观察中"


def test_expires_at_the_end_of_the_guards_shift(world):
    now = timezone.now()
    shift = services_duty.shift_save(
        actor=world.head,
        checkpoint=world.sjf_gate,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=3),
        people=[world.guard],
    )
    listed = flag_list(actor=world.guard, checkpoint=world.sjf_gate)
    assert listed["expires_at"] == shift.ends_at.isoformat()
    assert listed["shift"]["ends_at"] == shift.ends_at.isoformat()
    # After the shift (the clock moved on), a download is no longer tied to it: one ordinary shift.
    with time_machine.travel(now + dt.timedelta(hours=4), tick=False):
        later = flag_list(actor=world.guard, checkpoint=world.sjf_gate)
        assert later["shift"] is None
        assert dt.datetime.fromisoformat(later["expires_at"]) == timezone.now() + dt.timedelta(
            hours=NO_SHIFT_HOURS
        )


def test_a_released_person_leaves_the_next_list(world):
    before = _by_tail(flag_list(actor=world.guard, checkpoint=world.sjf_gate))
    assert world.contact_person.document_number[-4:] in before
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        from cordon.cases.models import Placement

        Placement.objects.filter(pk=world.placement.pk).update(left_on=timezone.localdate())
        tails = _by_tail(flag_list(actor=world.guard, checkpoint=world.sjf_gate))
    assert world.contact_person.document_number[-4:] not in tails
