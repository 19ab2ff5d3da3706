"""Every home of a case's person and its contacts disinfected in one action, from the case's page."""

from datetime import date

import pytest
from django.urls import reverse

from cordon.cases import services as cases
from cordon.operations import services_disinfection
from cordon.operations.models import DisinfectionTask
from cordon.operations.tests.conftest import SCHEDULE
from cordon.people import services as people_services


@pytest.fixture
def contacts(world):
    """The world's case (甲病例, no address) with contacts: two in one household, one with an address only,
    one with neither."""
    people_services.household_assign(actor=world.clerk, person=world.case_person, address="四间房村西街9号")
    made = []
    for name, address in (("丙", "四间房村西街9号"), ("丁", "四间房村西街9号"), ("戊", ""), ("己", "")):
        person, _ = people_services.person_save(
            actor=world.health,
            area=world.sjf,
            data={"name": name, "address": "四间房村南街3号" if name == "戊" else ""},
        )
        if address:
            people_services.household_assign(actor=world.clerk, person=person, address=address)
        made.append({"person": person})
    cases.contact_add(
        actor=world.health, case=world.case, people=made, setting="meal", last_exposure=date(2020, 2, 8)
    )
    return made


SCHEDULE_FORM = {**SCHEDULE, "starts_on": "2020-02-10", "rounds": "1"}


def test_creates_one_house_task_per_home_and_a_retry_adds_nothing(world, contacts, login):
    client = login(world.health)
    url = reverse("operations:from_case", args=[world.case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert sorted(h["address"] for h in page.context["homes"]) == ["四间房村南街3号", "四间房村西街9号"]
    # The world's contact 乙接触 has no address either.
    assert [p.name for p in page.context["homeless"]] == ["乙接触", "己"]
    response = client.post(url, SCHEDULE_FORM)
    assert response.status_code == 302
    tasks = DisinfectionTask.objects.filter(case=world.case)
    assert sorted(tasks.values_list("target", flat=True)) == ["四间房村南街3号", "四间房村西街9号"]
    assert all(t.kind == "house" and t.rounds == 1 for t in tasks)
    home = tasks.get(target="四间房村西街9号")
    assert home.household_id == world.case_person.household_id
    assert sorted(p.name for p in home.people.all()) == ["丁", "丙", "甲病例"]
    client.post(url, SCHEDULE_FORM)
    assert DisinfectionTask.objects.filter(case=world.case).count() == 2


def test_refuses_a_case_you_cannot_see_or_without_the_role(world, contacts, login, api_client):
    url = reverse("operations:from_case", args=[world.case.pk])
    for someone in (world.other_clerk, world.neighbour, world.staff, world.clerk):
        assert login(someone).get(url).status_code == 404, someone
        assert login(someone).post(url, SCHEDULE_FORM).status_code == 404, someone
    response = api_client(world.other_clerk).post(
        f"/api/v1/operations/disinfection/from-case/{world.case.pk}",
        {**SCHEDULE, "starts_on": "2020-02-10", "rounds": 1},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not DisinfectionTask.objects.filter(case=world.case).exists()


def test_the_api_and_the_commander(world, contacts, api_client):
    response = api_client(world.commander).post(
        f"/api/v1/operations/disinfection/from-case/{world.case.pk}",
        {**SCHEDULE, "starts_on": "2020-02-10", "rounds": 3},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert len(response.json()["created"]) == 2 and response.json()["without_address"] == 2
    again = services_disinfection.disinfection_for_homes(
        actor=world.commander, case=world.case, data={**SCHEDULE, "starts_on": date(2020, 2, 10), "rounds": 3}
    )
    assert again["created"] == [] and again["existing"] == 2


def test_a_crew_sees_the_address_but_not_whose_home_or_which_case(world, contacts, login, api_client):
    """Cases are clinical: a task made from one tells the guard or field team where to go, not who."""
    services_disinfection.disinfection_for_homes(
        actor=world.health, case=world.case, data={**SCHEDULE, "starts_on": date(2020, 2, 10), "rounds": 1}
    )
    task = DisinfectionTask.objects.get(case=world.case, target="四间房村西街9号")
    page = login(world.guard).get(reverse("operations:task", args=[task.pk])).content.decode()
    assert "四间房村西街9号" in page and "甲病例" not in page and "丙" not in page
    # "?case=" picks a case's homes for health workers; for the guard it is ignored (no case is named)
    homes = {"四间房村西街9号", "四间房村南街3号"}
    url = reverse("operations:tasks") + f"?case={world.case.pk}"
    assert {t.target for t in login(world.health).get(url).context["tasks"]} == homes
    assert {t.target for t in login(world.guard).get(url).context["tasks"]} - homes
    body = api_client(world.guard).get(f"/api/v1/operations/disinfection/tasks/{task.pk}").json()
    assert body["case"] is None and body["people"] == []
    body = api_client(world.health).get(f"/api/v1/operations/disinfection/tasks/{task.pk}").json()
    assert body["case"] == world.case.pk and len(body["people"]) == 3
    page = login(world.health).get(reverse("operations:task", args=[task.pk])).content.decode()
    assert "甲病例" in page
