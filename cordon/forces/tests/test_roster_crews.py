"""The duty roster and "on duty now" show who the forces sent to a checkpoint: a crew for some days,
or a person to one of its shifts."""

import datetime as dt

from django.utils import timezone

from cordon.checkpoints import services_duty
from cordon.forces import services_assign
from cordon.forces.selectors import crews_at


def test_a_crew_sent_to_a_gate_and_a_person_sent_to_a_shift_are_on_its_roster(world, client):
    now = timezone.localtime()
    shift = services_duty.shift_save(
        actor=world.head,
        checkpoint=world.sjf_gate,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
        people=[world.guard],
    )
    services_assign.assignment_create(actor=world.head, personnel=world.volunteer, shift=shift)
    assert crews_at(world.commander, [world.sjf_gate.pk], now.date()) == {
        world.sjf_gate.pk: ["四间房村排查一组", "志愿者乙"]
    }
    client.force_login(world.head)
    roster = client.get(f"/checkpoints/{world.sjf_gate.pk}/roster/").content.decode()
    assert "今日派驻力量" in roster and "四间房村排查一组、志愿者乙" in roster
    on_duty = client.get("/checkpoints/on-duty/").content.decode()
    assert "派驻力量：" in on_duty and "志愿者乙" in on_duty


def test_a_called_off_or_finished_assignment_is_not_shown(world):
    today = timezone.localdate()
    services_assign.assignment_cancel(actor=world.head, assignment=world.assignment)
    assert crews_at(world.commander, [world.sjf_gate.pk], today) == {}
    services_assign.assignment_create(
        actor=world.head,
        team=world.team,
        checkpoint=world.sjf_gate,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today - dt.timedelta(days=1),
    )
    assert crews_at(world.commander, [world.sjf_gate.pk], today) == {}


def test_another_village_sees_no_crew_of_this_one(world):
    today = timezone.localdate()
    assert crews_at(world.other_clerk, [world.sjf_gate.pk], today) == {}
    assert crews_at(world.commander, [world.sjf_gate.pk], today) == {world.sjf_gate.pk: ["四间房村排查一组"]}
