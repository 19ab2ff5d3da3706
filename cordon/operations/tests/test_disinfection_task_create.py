"""Planning a disinfection task: the concentration, the area and the schedule are checked, the rounds
are planned, a double submit makes one task."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cordon.core.models import AuditEntry
from cordon.operations import services_disinfection
from cordon.operations.models import DisinfectionTask
from cordon.operations.tests.conftest import SCHEDULE, fields


def plan(world, actor=None, **changes):
    data = {
        **SCHEDULE,
        "kind": "alley",
        "target": "四间房村东胡同",
        "starts_on": date(2020, 2, 10),
        "rounds": 3,
    }
    data.update(changes)
    return services_disinfection.task_create(actor=actor or world.commander, area=world.sjf, data=data)


@pytest.mark.parametrize("value", ["0", "-500", "600000", "abc", "NaN"])
def test_rejects_a_concentration_of_zero_negative_or_absurd(world, value):
    with pytest.raises(ValidationError) as exc:
        plan(world, concentration=value)
    assert fields(exc) == {"concentration"}
    assert not DisinfectionTask.objects.filter(target="四间房村东胡同").exists()


def test_rejects_a_percentage_above_100(world):
    with pytest.raises(ValidationError) as exc:
        plan(world, concentration="101", concentration_unit="%")
    assert fields(exc) == {"concentration"}
    task, _ = plan(world, concentration="75", concentration_unit="%", agent="酒精")
    assert task.concentration_label == "75 %"


@pytest.mark.parametrize("value", ["0", "-1", ""])
def test_rejects_an_area_of_zero_square_metres(world, value):
    with pytest.raises(ValidationError) as exc:
        plan(world, area_m2=value)
    assert fields(exc) == {"area_m2"}


def test_plans_every_round_from_the_schedule_or_the_last_day(world):
    task, created = plan(world, every_days=2, rounds=None, ends_on=date(2020, 2, 17))
    assert created and task.rounds == 4
    assert list(task.round_set.values_list("planned_on", flat=True)) == [
        date(2020, 2, 10),
        date(2020, 2, 12),
        date(2020, 2, 14),
        date(2020, 2, 16),
    ]
    assert AuditEntry.objects.filter(action="disinfection.create", target_id=str(task.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        plan(world, rounds=None, ends_on=date(2020, 2, 1))
    assert fields(exc) == {"ends_on"}
    with pytest.raises(ValidationError) as exc:
        plan(world, every_days=0)
    assert fields(exc) == {"every_days"}


def test_refuses_a_clerk_and_a_person_of_another_village(world):
    with pytest.raises(PermissionDenied):
        plan(world, actor=world.clerk)
    with pytest.raises(ValidationError) as exc:
        services_disinfection.task_create(
            actor=world.commander,
            area=world.sjf,
            data={**SCHEDULE, "kind": "house", "target": "x", "starts_on": date(2020, 2, 10), "rounds": 1},
            people=[world.zhou],
        )
    assert fields(exc) == {"people"}


def test_the_page_plans_a_task_once_even_when_submitted_twice(world, login):
    client = login(world.health)
    form = client.get(reverse("operations:task_new")).context["form"]
    data = {
        **SCHEDULE,
        "area": world.sjf.code,
        "kind": "public_place",
        "target": "村委会广场",
        "starts_on": "2020-02-10",
        "rounds": "5",
        "client_id": form.initial["client_id"],
    }
    first = client.post(reverse("operations:task_new"), data)
    second = client.post(reverse("operations:task_new"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert DisinfectionTask.objects.filter(target="村委会广场").count() == 1
    bad = client.post(reverse("operations:task_new"), {**data, "client_id": "", "area_m2": "0"})
    assert bad.status_code == 200 and bad.context["form"].errors["area_m2"]


def test_the_api_plans_a_task_and_refuses_bad_numbers(world, api_client):
    api = api_client(world.commander)
    body = {
        **SCHEDULE,
        "area": world.sjf.code,
        "kind": "road",
        "target": "南街",
        "starts_on": "2020-02-10",
        "rounds": 2,
    }
    response = api.post("/api/v1/operations/disinfection/tasks", body, content_type="application/json")
    assert response.status_code == 201 and len(response.json()["round_list"]) == 2
    response = api.post(
        "/api/v1/operations/disinfection/tasks",
        {**body, "concentration": "0"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["concentration"]
