"""An optional phone written as "no phone" (无, 无手机, 暂无, —) is no phone, on every form and API that
takes one — as the ledger importer already reads it — while a wrong number is still refused."""

import pytest
from django.core.exceptions import ValidationError

from cordon.forces import services as forces
from cordon.gate import passages as services_passages
from cordon.people import services as people
from cordon.people import validation
from cordon.people.models import Person
from cordon.people.testing import id_number


@pytest.mark.parametrize("raw", ["无", "无手机", " 暂无 ", "—", "无。", "", None])
def test_no_phone_words_are_no_phone(raw):
    assert validation.parse_optional_phone(raw) == ""


def test_a_wrong_optional_phone_is_still_refused():
    with pytest.raises(ValidationError):
        validation.parse_optional_phone("1381234")
    assert validation.parse_optional_phone("138 1234 5678") == "13812345678"


def test_registration_keeps_a_person_whose_phone_is_written_无(world):
    person, _arrival = people.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "无机某", "document_number": id_number("13108119800101071"), "phone": "无手机"},
        arrival_data={"origin_text": "北京市朝阳区", "arrival_date": "2020-02-01"},
    )[:2]
    person.refresh_from_db()
    assert person.phone == ""


def test_the_registration_page_accepts_无(world, client):
    client.force_login(world.clerk)
    response = client.post(
        "/people/register/",
        {
            "name": "无机乙",
            "document_type": "mainland_id",
            "document_number": id_number("13108119800101072"),
            "phone": "无",
            "area": world.sjf.code,
            "origin_text": "北京市朝阳区",
            "arrival_date": "2020-02-01",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Person.objects.get(name="无机乙").phone == ""


def test_the_gate_takes_an_unknown_person_whose_phone_is_无(world):
    passage, _created = services_passages.passage_record(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        data={"direction": "in", "name": "路人甲", "phone": "无", "decision": "turned_back", "reason": "外"},
    )
    assert passage.phone == ""


def test_forces_take_a_volunteer_whose_phone_is_无(world):
    personnel, _created = forces.personnel_register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "志愿者", "document_number": id_number("13108119800101073")},
        data={"kind": "volunteer", "phone": "无"},
    )
    assert personnel.phone == ""
