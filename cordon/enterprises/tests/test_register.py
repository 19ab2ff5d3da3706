"""Registering and correcting an enterprise: the clerk of its village does it; counts are checked;
another village's clerk gets a 404; a role that does not register gets a 403; phones are masked for
those who do not call them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.enterprises import services
from cordon.enterprises.models import Enterprise, StatusChange
from cordon.enterprises.testing import enterprise_data, uscc

NEW = uscc("91131081MA0F7G8H9")


def test_the_clerk_registers_an_enterprise_of_the_village_closed_with_its_history(world, client):
    client.force_login(world.clerk)
    data = enterprise_data(
        uscc=NEW.lower(), name="四间房村乐器配件厂", area=world.sjf.code, contact_phone="138 1234 5678"
    )
    response = client.post("/enterprises/new/", data)
    enterprise = Enterprise.objects.get(uscc=NEW)
    assert response.status_code == 302 and response.url == f"/enterprises/{enterprise.pk}/"
    assert enterprise.status == "closed" and enterprise.contact_phone == "13812345678"
    assert StatusChange.objects.get(enterprise=enterprise).to_status == "closed"


def test_more_from_hubei_than_employees_is_refused_naming_the_field(world, client, api_client):
    with pytest.raises(ValidationError) as caught:
        services.enterprise_register(
            actor=world.clerk, area=world.sjf, data=enterprise_data(uscc=NEW, employees=10, from_hubei=11)
        )
    assert list(caught.value.message_dict) == ["from_hubei"]
    client.force_login(world.clerk)
    page = client.post(
        "/enterprises/new/", enterprise_data(uscc=NEW, employees=10, from_outside=12, area=world.sjf.code)
    )
    assert "外地员工（12人）不能多于员工总数（10人）" in page.content.decode()
    body = {**enterprise_data(uscc=NEW, employees=3, from_outside=0, from_hubei=4), "area": world.sjf.code}
    response = api_client(world.clerk).post("/api/v1/enterprises/", body, content_type="application/json")
    assert response.status_code == 422 and "湖北籍员工（4人）" in response.json()["message"]
    assert not Enterprise.objects.filter(uscc=NEW).exists()


def test_a_bad_phone_is_refused_with_the_peoples_validator(world):
    with pytest.raises(ValidationError) as caught:
        services.enterprise_register(
            actor=world.clerk, area=world.sjf, data=enterprise_data(uscc=NEW, contact_phone="1234567")
        )
    assert "contact_phone" in caught.value.message_dict


def test_the_clerk_of_another_village_cannot_register_here_nor_see_it(world, client, api_client):
    with pytest.raises(PermissionDenied):
        services.enterprise_register(actor=world.other_clerk, area=world.sjf, data=enterprise_data(uscc=NEW))
    client.force_login(world.other_clerk)
    page = client.post("/enterprises/new/", enterprise_data(uscc=NEW, area=world.sjf.code))
    assert page.status_code == 200 and not Enterprise.objects.filter(uscc=NEW).exists()
    assert client.get(f"/enterprises/{world.enterprise.pk}/").status_code == 404
    api = api_client(world.other_clerk)
    assert api.get(f"/api/v1/enterprises/{world.enterprise.pk}").status_code == 404
    listed = api.get("/api/v1/enterprises/").json()["items"]
    assert [e["name"] for e in listed] == ["小湾村钢木家具厂"]


def test_a_guard_may_not_register_nor_correct(world, client, api_client):
    client.force_login(world.guard)
    assert client.get("/enterprises/new/").status_code == 403
    assert client.get(f"/enterprises/{world.enterprise.pk}/edit/").status_code == 403
    response = api_client(world.guard).patch(
        f"/api/v1/enterprises/{world.enterprise.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403
    world.enterprise.refresh_from_db()
    assert world.enterprise.name == "霸州市四间房提琴制作坊"


def test_the_head_corrects_the_particulars_by_page_and_api(world, client, api_client):
    client.force_login(world.head)
    data = enterprise_data(employees=30, area=world.sjf.code)
    assert client.post(f"/enterprises/{world.enterprise.pk}/edit/", data).status_code == 302
    world.enterprise.refresh_from_db()
    assert world.enterprise.employees == 30 and world.enterprise.status == "findings"
    response = api_client(world.head).patch(
        f"/api/v1/enterprises/{world.enterprise.pk}", {"from_outside": 7}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["from_outside"] == 7


def test_the_phone_is_whole_for_the_clerk_and_masked_for_the_county_viewer(world, client, api_client):
    assert (
        api_client(world.clerk).get(f"/api/v1/enterprises/{world.enterprise.pk}").json()["contact_phone"]
        == "13812345678"
    )
    assert (
        api_client(world.viewer).get(f"/api/v1/enterprises/{world.enterprise.pk}").json()["contact_phone"]
        == "138****5678"
    )
    client.force_login(world.viewer)
    page = client.get(f"/enterprises/{world.enterprise.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page


def test_a_field_team_member_of_the_town_reads_but_does_not_register(world):
    member, _ = account_services.user_create(
        actor=world.operator,
        username="team1",
        full_name="队员",
        area=world.town,
        roles=[(Role.FIELD_TEAM, world.town)],
        password="Test-password-2020",
    )
    assert Enterprise.objects.visible_to(member).count() == 2
    with pytest.raises(PermissionDenied):
        services.enterprise_register(actor=member, area=world.sjf, data=enterprise_data(uscc=NEW))
