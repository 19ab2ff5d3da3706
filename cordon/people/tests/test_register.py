"""Registering a person and an arrival in one short form: service, page, lookup, API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.core.models import AuditEntry
from cordon.people import services
from cordon.people.models import Arrival, Person
from cordon.people.testing import id_number

FORM = {
    "document_type": "mainland_id",
    "document_number": id_number("42010219900715002"),
    "name": "李四",
    "phone": "138 1234 5602",
    "area": "131081103215",
    "address": "四间房村西街2号",
    "origin_text": "湖北省武汉市江岸区",
    "arrival_date": "2020-01-23",
    "means": "train",
    "plate": "",
    "transport_number": "g66",
    "phone_other": "",
    "registered_address": "",
    "route": "",
    "note": "",
}


def test_the_form_registers_a_person_and_files_the_arrival(world, client, login):
    login(world.clerk)
    response = client.post("/people/register/", FORM, follow=True)
    body = response.content.decode()
    assert "已登记李四，列入“武汉”台账" in body
    person = Person.objects.get(name="李四")
    assert (person.sex, str(person.birth_date), person.phone) == ("F", "1990-07-15", "13812345602")
    arrival = person.arrivals.get()
    assert (arrival.category_id, arrival.origin_code, arrival.transport_number) == (
        "wuhan",
        "420102000000",
        "G66",
    )
    assert AuditEntry.objects.filter(action="person.create", target_id=str(person.pk)).exists()


def test_a_known_number_updates_the_person_instead_of_making_a_second(world, client, login):
    login(world.clerk)
    data = {
        **FORM,
        "document_number": world.yin.document_number,
        "name": "尹某某",
        "phone": "13900000000",
        "arrival_date": "2020-02-10",
    }
    response = client.post("/people/register/", data, follow=True)
    assert "已登记过，记录已更新" in response.content.decode()
    assert Person.objects.filter(document_number=world.yin.document_number).count() == 1
    assert Person.objects.get(pk=world.yin.pk).phone == "13900000000"
    assert Arrival.objects.filter(person=world.yin).count() == 2


def test_every_problem_of_both_halves_is_shown_at_once_and_nothing_is_stored(world, client, login):
    login(world.clerk)
    number = FORM["document_number"]
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    bad = {
        **FORM,
        "document_number": wrong,
        "phone": "1381234",
        "arrival_date": "2030-01-01",
        "origin_text": "",
    }
    body = client.post("/people/register/", bad).content.decode()
    for message in ("校验位应为", "请在本地号码前加区号", "请填写来源地", "在将来"):
        assert message in body
    assert not Person.objects.filter(name="李四").exists()


def test_a_number_registered_in_another_village_is_refused_without_saying_where(world):
    data = {
        "name": "东某",
        "document_type": "mainland_id",
        "document_number": world.east_person.document_number,
    }
    with pytest.raises(ValidationError) as exc:
        services.person_save(actor=world.clerk, area=world.sjf, data=data)
    message = str(exc.value)
    assert "其他村街" in message and "东村" not in message and "东某" not in message.replace(data["name"], "")


def test_a_guard_cannot_register(world, client, login):
    with pytest.raises(PermissionDenied):
        services.person_save(actor=world.guard, area=world.sjf, data={"name": "x", "document_type": "none"})
    login(world.guard)
    assert client.get("/people/register/").status_code == 403


def test_a_clerk_cannot_register_into_another_village(world, client, login):
    login(world.other_clerk)
    response = client.post("/people/register/", FORM)  # FORM names 四间房村
    assert response.status_code == 200 and not Person.objects.filter(name="李四").exists()


def test_lookup_fills_the_form_from_a_known_number(world, client, login):
    login(world.clerk)
    response = client.post(
        "/people/register/lookup/",
        {"document_type": "mainland_id", "document_number": world.yin.document_number.lower()},
    )
    body = response.content.decode()
    assert 'value="尹某某"' in body and "已登记" in body


def test_lookup_says_only_that_a_foreign_number_is_taken(world, client, login):
    login(world.clerk)
    body = client.post(
        "/people/register/lookup/",
        {"document_type": "mainland_id", "document_number": world.east_person.document_number},
    ).content.decode()
    assert "已在其他村街登记" in body and "东某" not in body


def test_lookup_flags_a_wrong_check_digit_early(world, client, login):
    login(world.clerk)
    number = world.yin.document_number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    body = client.post(
        "/people/register/lookup/", {"document_type": "mainland_id", "document_number": wrong}
    ).content.decode()
    assert "校验位应为" in body


def test_lookup_takes_no_personal_data_in_the_url(world, client, login):
    login(world.clerk)
    assert (
        client.get("/people/register/lookup/", {"document_number": world.yin.document_number}).status_code
        == 405
    )


def test_people_without_a_document_are_registered_too(world):
    person, created = services.person_save(
        actor=world.clerk,
        area=world.sjf,
        data={"name": "无证人员", "document_type": "none", "phone": "13800000001"},
    )
    assert created and person.document_number == ""
    passport, _c = services.person_save(
        actor=world.clerk,
        area=world.sjf,
        data={"name": "John Smith", "document_type": "passport", "document_number": "e12345678"},
    )
    assert passport.document_number == "E12345678"


def test_api_registers_and_masks_for_a_guard(world, api_client):
    body = {
        "person": {
            "name": "李四",
            "document_number": FORM["document_number"],
            "area": world.sjf.code,
            "phone": "13812345602",
        },
        "arrival": {"origin_text": "湖北省武汉市江岸区", "arrival_date": "2020-01-23", "means": "train"},
    }
    created = api_client(world.clerk).post("/api/v1/people/register", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["person"]["document_number"] == FORM["document_number"] and not data["person"]["masked"]
    assert data["arrival"]["category"] == "wuhan"
    again = api_client(world.clerk).post("/api/v1/people/register", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    seen_by_guard = api_client(world.guard).get(f"/api/v1/people/{data['person']['id']}").json()
    assert (
        seen_by_guard["masked"]
        and "*" in seen_by_guard["document_number"]
        and "****" in seen_by_guard["phone"]
    )


def test_api_refuses_a_bad_number_with_a_field_error(world, api_client):
    body = {
        "person": {"name": "李四", "document_number": "123", "area": world.sjf.code},
        "arrival": {"origin_text": "北京", "arrival_date": "2020-01-23"},
    }
    response = api_client(world.clerk).post("/api/v1/people/register", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "document_number"
