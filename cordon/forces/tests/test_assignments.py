"""Sending teams and people to villages, checkpoints and shifts — and the refusals."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cordon.checkpoints import services_duty
from cordon.forces import services_assign
from cordon.forces.models import Assignment


@pytest.fixture
def coming_shift(world):
    start = timezone.now() + dt.timedelta(hours=2)
    return services_duty.shift_save(
        actor=world.head,
        checkpoint=world.sjf_gate,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        people=[world.guard],
    )


def test_a_person_is_sent_to_a_coming_shift(world, coming_shift):
    assignment = services_assign.assignment_create(
        actor=world.head, personnel=world.volunteer, shift=coming_shift
    )
    assert assignment.checkpoint == world.sjf_gate and assignment.area_id == world.sjf.code
    assert assignment.starts_on == timezone.localtime(coming_shift.starts_at).date()


def test_refuses_a_shift_that_has_ended(world):
    with pytest.raises(ValidationError) as refused:
        services_assign.assignment_create(actor=world.head, personnel=world.volunteer, shift=world.shift)
    assert "shift" in refused.value.message_dict


def test_refuses_a_checkpoint_of_another_village(world):
    with pytest.raises(ValidationError) as refused:
        services_assign.assignment_create(actor=world.commander, team=world.team, checkpoint=world.xw_gate)
    assert "checkpoint" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services_assign.assignment_create(
            actor=world.commander, team=world.team, area=world.sjf, checkpoint=world.station
        )


def test_refuses_assigning_someone_outside_the_assigners_area(world):
    with pytest.raises(PermissionDenied):
        services_assign.assignment_create(actor=world.other_clerk, personnel=world.volunteer, area=world.sjf)
    with pytest.raises(PermissionDenied):
        services_assign.assignment_create(actor=world.clerk, personnel=world.volunteer, area=world.xw)


def test_refuses_the_same_assignment_twice_for_overlapping_days(world):
    with pytest.raises(ValidationError):
        services_assign.assignment_create(
            actor=world.head, team=world.team, checkpoint=world.sjf_gate, starts_on=dt.date(2020, 2, 5)
        )
    services_assign.assignment_cancel(actor=world.head, assignment=world.assignment)
    again = services_assign.assignment_create(
        actor=world.head, team=world.team, checkpoint=world.sjf_gate, starts_on=dt.date(2020, 2, 5)
    )
    assert again.pk != world.assignment.pk


def test_refuses_an_end_before_the_start_and_no_target(world):
    with pytest.raises(ValidationError) as refused:
        services_assign.assignment_create(
            actor=world.head,
            personnel=world.volunteer,
            area=world.sjf,
            starts_on=dt.date(2020, 2, 5),
            ends_on=dt.date(2020, 2, 1),
        )
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services_assign.assignment_create(actor=world.head, personnel=world.volunteer)
    with pytest.raises(ValidationError):
        services_assign.assignment_create(
            actor=world.head, personnel=world.volunteer, team=world.team, area=world.sjf
        )


def test_the_page_assigns_and_calls_off(world, login, coming_shift):
    client = login(world.head)
    response = client.post(
        reverse("forces:personnel_assign", args=[world.volunteer.pk]),
        {"shift": coming_shift.pk, "note": "夜班"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(personnel=world.volunteer)
    page = client.get(reverse("forces:personnel", args=[world.volunteer.pk])).content.decode()
    assert "夜班" in page
    client.post(reverse("forces:assignment_cancel", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.cancelled_at is not None and assignment.cancelled_by == world.head


def test_the_page_refuses_another_villages_checkpoint_with_a_message(world, login):
    client = login(world.commander)
    response = client.post(
        reverse("forces:team_assign", args=[world.team.pk]), {"checkpoint": world.xw_gate.pk}, follow=True
    )
    assert response.status_code == 200 and not Assignment.objects.filter(checkpoint=world.xw_gate).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_api_assigns_and_hides_other_villages(world, api_client, coming_shift):
    client = api_client(world.head)
    made = client.post(
        "/api/v1/forces/assignments",
        {"personnel": world.volunteer.pk, "shift": coming_shift.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    ended = client.post(
        "/api/v1/forces/assignments",
        {"personnel": world.volunteer.pk, "shift": world.shift.pk},
        content_type="application/json",
    )
    assert ended.status_code == 422
    other = api_client(world.other_clerk)
    assert other.get("/api/v1/forces/assignments").json()["count"] == 0
    assert (
        other.post(
            "/api/v1/forces/assignments",
            {"team": world.team.pk, "area": world.sjf.code},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_shift_can_be_assigned_until_it_ends_and_not_after(world):
    tz = timezone.get_current_timezone()
    with time_machine.travel("2020-02-10 07:00 +0800", tick=False):
        shift = services_duty.shift_save(
            actor=world.head,
            checkpoint=world.sjf_gate,
            people=[world.guard],
            starts_at=dt.datetime(2020, 2, 10, 8, tzinfo=tz),
            ends_at=dt.datetime(2020, 2, 10, 20, tzinfo=tz),
        )
    with time_machine.travel("2020-02-10 19:59 +0800", tick=False):
        services_assign.assignment_create(actor=world.head, personnel=world.volunteer, shift=shift)
    with time_machine.travel("2020-02-10 20:00 +0800", tick=False), pytest.raises(ValidationError):
        services_assign.assignment_create(actor=world.head, personnel=world.guard_personnel, shift=shift)
