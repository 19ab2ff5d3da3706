"""Registering a member of the forces: the person found or registered through the people app, the
refusals (bad ID number, over-long unit, wrong role, another village), and a form sent twice."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cordon.core.models import AuditEntry
from cordon.forces import services
from cordon.forces.models import Personnel
from cordon.people.models import Person
from cordon.people.testing import id_number

NEW_ID = id_number("13108119920404044")


def _register(world, actor=None, area=None, number=NEW_ID, **data):
    return services.personnel_register(
        actor=actor or world.clerk,
        area=area or world.sjf,
        person_data={"name": "新队员", "document_number": number},
        data={"kind": "volunteer", "unit": "村志愿服务队", "phone": "13811112222", **data},
    )


def test_a_clerk_registers_a_new_person_as_a_volunteer_of_her_village(world):
    personnel, created = _register(world)
    assert created and personnel.area_id == world.sjf.code and personnel.kind == "volunteer"
    assert personnel.person.document_number == NEW_ID and personnel.person.area_id == world.sjf.code
    assert personnel.phone == "13811112222" and personnel.account is None
    entry = AuditEntry.objects.get(action="personnel.register", target_id=str(personnel.pk))
    assert entry.actor == world.clerk and "****" in entry.changes["phone"][1]


def test_a_known_id_number_finds_the_person_instead_of_registering_another(world):
    people = Person.objects.count()
    personnel, created = _register(world, number=world.yin.document_number)
    assert created and personnel.person == world.yin and Person.objects.count() == people


def test_registering_the_same_person_twice_answers_the_first_record(world):
    first, _created = _register(world)
    again, created = _register(world, actor=world.head, unit="别的单位")
    assert again == first and not created and again.unit == "村志愿服务队"
    assert Personnel.objects.filter(person=first.person).count() == 1


def test_refuses_a_bad_id_number_an_overlong_unit_and_a_bad_phone_naming_each_field(world):
    bad = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        _register(world, number=bad, unit="长" * 61, phone="12345")
    assert set(refused.value.message_dict) == {"document_number", "unit", "phone"}
    assert (
        not Person.objects.filter(name="新队员").exists()
        and not Personnel.objects.filter(unit__startswith="长").exists()
    )


def test_refuses_an_unknown_kind(world):
    with pytest.raises(ValidationError) as refused:
        _register(world, kind="general")
    assert "kind" in refused.value.message_dict


@pytest.mark.parametrize("actor", ["guard", "viewer", "health"])
def test_refuses_roles_that_do_not_manage_the_forces(world, actor):
    with pytest.raises(PermissionDenied):
        _register(world, actor=getattr(world, actor))


def test_a_clerk_cannot_register_in_another_village_nor_take_its_people(world):
    with pytest.raises(PermissionDenied):
        _register(world, actor=world.other_clerk, area=world.sjf)
    with pytest.raises(ValidationError) as refused:
        _register(world, actor=world.other_clerk, area=world.xw, number=world.yin.document_number)
    assert "document_number" in refused.value.message_dict  # "registered in another village", nothing more


def test_the_page_registers_and_a_second_press_finds_the_same_record(world, login):
    client = login(world.clerk)
    form = client.get(reverse("forces:personnel_new"))
    assert form.status_code == 200 and "登记" in form.content.decode()
    data = {
        "document_type": "mainland_id",
        "document_number": NEW_ID,
        "name": "新队员",
        "phone": "13811112222",
        "kind": "party_member",
        "area": world.sjf.code,
        "availability": "full_time",
        "submission": "abc123",
    }
    first = client.post(reverse("forces:personnel_new"), data)
    personnel = Personnel.objects.get(person__document_number=NEW_ID)
    assert first.status_code == 302 and first.url == reverse("forces:personnel", args=[personnel.pk])
    second = client.post(reverse("forces:personnel_new"), data)
    assert second.url == first.url and Personnel.objects.filter(person__document_number=NEW_ID).count() == 1


def test_the_page_shows_the_errors_on_their_fields(world, login):
    client = login(world.clerk)
    response = client.post(
        reverse("forces:personnel_new"),
        {
            "document_type": "mainland_id",
            "document_number": "131081",
            "name": "",
            "kind": "volunteer",
            "area": world.sjf.code,
            "availability": "full_time",
            "unit": "x" * 61,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"document_number", "unit", "name"} <= set(errors)


def test_the_page_refuses_another_villages_area_and_a_guard(world, login):
    response = login(world.other_clerk).post(
        reverse("forces:personnel_new"),
        {
            "document_number": NEW_ID,
            "name": "x",
            "kind": "volunteer",
            "area": world.sjf.code,
            "availability": "full_time",
        },
    )
    assert (
        response.status_code == 200 and not Personnel.objects.filter(person__document_number=NEW_ID).exists()
    )
    assert login(world.guard).get(reverse("forces:personnel_new")).status_code == 403


def test_another_villages_member_is_a_404(world, login):
    client = login(world.other_clerk)
    assert client.get(reverse("forces:personnel", args=[world.guard_personnel.pk])).status_code == 404
    assert client.get(reverse("forces:personnel", args=[world.xw_personnel.pk])).status_code == 200


def test_the_api_registers_and_a_retry_answers_200_with_the_same_record(world, api_client):
    client = api_client(world.head)
    body = {"area": world.sjf.code, "name": "新队员", "document_number": NEW_ID, "kind": "militia_reserve"}
    first = client.post("/api/v1/forces/personnel", body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/forces/personnel", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert "*" in first.json()["document_number"]
    bad = client.post(
        "/api/v1/forces/personnel",
        {**body, "document_number": "131081199204040440"},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422)


def test_the_api_refuses_a_guard_and_hides_another_village(world, api_client):
    body = {"area": world.sjf.code, "name": "x", "document_number": NEW_ID, "kind": "volunteer"}
    assert (
        api_client(world.guard)
        .post("/api/v1/forces/personnel", body, content_type="application/json")
        .status_code
        == 403
    )
    other = api_client(world.other_clerk)
    assert other.get(f"/api/v1/forces/personnel/{world.guard_personnel.pk}").status_code == 404
    listed = other.get("/api/v1/forces/personnel").json()
    assert {row["id"] for row in listed["items"]} == {world.xw_personnel.pk}


def test_patch_changes_a_member_and_audits_it(world, api_client):
    client = api_client(world.clerk)
    response = client.patch(
        f"/api/v1/forces/personnel/{world.volunteer.pk}",
        {"availability": "night", "unit": "新单位"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["availability"] == "night"
    assert AuditEntry.objects.filter(action="personnel.update", target_id=str(world.volunteer.pk)).exists()
    too_long = client.patch(
        f"/api/v1/forces/personnel/{world.volunteer.pk}", {"unit": "长" * 61}, content_type="application/json"
    )
    assert too_long.status_code == 422 and "unit" in too_long.content.decode()


def test_many_at_once_is_all_or_nothing(world):
    rows = [
        {
            "person": {
                "name": "队员" + "甲乙丙"[n - 1],
                "document_number": id_number(f"13108119900501{n:03d}"),
            },
            "data": {"kind": "volunteer"},
        }
        for n in range(1, 4)
    ]
    made = services.personnel_register_many(actor=world.clerk, area=world.sjf, rows=rows)
    assert len(made) == 3 and all(p.pk for p in made)
    assert (
        AuditEntry.objects.filter(
            action="personnel.register", target_id__in=[str(p.pk) for p in made]
        ).count()
        == 3
    )
    bad = [
        *[
            {
                "person": {"name": "甲", "document_number": id_number("13108119900601001")},
                "data": {"kind": "volunteer"},
            }
        ],
        {"person": {"name": "乙", "document_number": "13108119900601002X"}, "data": {"kind": "volunteer"}},
    ]
    with pytest.raises(ValidationError):
        services.personnel_register_many(actor=world.clerk, area=world.sjf, rows=bad)
    assert not Person.objects.filter(name="甲").exists()


def test_the_members_page_changes_availability_and_links_an_account(world, login):
    client = login(world.head)
    url = reverse("forces:personnel", args=[world.volunteer.pk])
    page = client.get(url)
    assert page.status_code == 200 and "13700001111" in page.content.decode()  # the head calls them out
    response = client.post(
        url,
        {
            "kind": "volunteer",
            "availability": "night",
            "phone": "13700001111",
            "account": world.clerk.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    world.volunteer.refresh_from_db()
    assert world.volunteer.availability == "night" and world.volunteer.account == world.clerk
    taken = client.post(
        url.replace(str(world.volunteer.pk), str(world.guard_personnel.pk)),
        {"kind": "militia_reserve", "availability": "full_time", "account": world.clerk.pk},
    )
    assert taken.status_code == 200 and "account" in taken.context["edit_form"].errors
    guard_view = login(world.guard).get(url).content.decode()
    assert "13700001111" not in guard_view and "137****1111" in guard_view
    assert login(world.guard).post(url, {"kind": "cadre", "availability": "night"}).status_code == 403


def test_changing_a_phone_keeps_an_account_linked_from_outside_the_village(world, client):
    """The town's health worker serves in 四间房村's forces: the village head edits the phone only."""
    services.personnel_update(actor=world.commander, personnel=world.volunteer, data={}, account=world.health)
    client.force_login(world.head)
    url = f"/forces/personnel/{world.volunteer.pk}/"
    form = client.get(url).context["edit_form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(phone="13700002222", active="on")
    client.post(url, data)
    world.volunteer.refresh_from_db()
    assert world.volunteer.phone == "13700002222" and world.volunteer.account_id == world.health.pk
