"""A counsellor records a session from a phone: with a person (by ID number) or a household; follow-up
dated; not in the future; a double submit makes one session."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cordon.operations import services_counselling
from cordon.operations.models import CounsellingSession
from cordon.operations.tests.conftest import fields


def test_the_counsellor_records_a_session_once_by_id_number(world, login):
    client = login(world.counsellor)
    form = client.get(reverse("operations:session_new")).context["form"]
    data = {
        "id_number": world.yin.document_number,
        "held_on": timezone.localdate().isoformat(),
        "mode": "visit",
        "concerns": "担心家人",
        "follow_up_needed": "on",
        "follow_up_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "client_id": form.initial["client_id"],
    }
    first = client.post(reverse("operations:session_new"), data)
    second = client.post(reverse("operations:session_new"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    session = CounsellingSession.objects.get(concerns="担心家人")
    assert session.person == world.yin and session.area_id == world.yin.area_id
    assert session.counsellor == world.counsellor


def test_refuses_a_future_date_an_undated_follow_up_and_nobody(world):
    today = timezone.localdate()
    cases = [
        ({"held_on": today + timedelta(days=1), "mode": "phone", "concerns": "x"}, {"held_on"}),
        ({"mode": "phone", "concerns": "x", "follow_up_needed": True}, {"follow_up_on"}),
        ({"mode": "phone", "concerns": ""}, {"concerns"}),
        ({"mode": "sms", "concerns": "x"}, {"mode"}),
    ]
    for data, wanted in cases:
        with pytest.raises(ValidationError) as exc:
            services_counselling.session_create(actor=world.counsellor, person=world.yin, data=data)
        assert fields(exc) == wanted, data
    with pytest.raises(ValidationError) as exc:
        services_counselling.session_create(actor=world.counsellor, data={"mode": "phone", "concerns": "x"})
    assert fields(exc) == {"person"}


def test_only_a_counsellor_records(world):
    for someone in (world.commander, world.health, world.clerk):
        with pytest.raises(PermissionDenied):
            services_counselling.session_create(
                actor=someone, person=world.yin, data={"mode": "phone", "concerns": "x"}
            )


def test_the_page_names_an_unknown_person_and_a_household_works(world, login):
    client = login(world.counsellor)
    response = client.post(
        reverse("operations:session_new"),
        {
            "id_number": world.zhou.document_number[:-1] + "0",
            "held_on": "2020-02-12",
            "mode": "visit",
            "concerns": "x",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["id_number"]
    response = client.post(
        reverse("operations:session_new"),
        {
            "household_address": "四间房村东街1号",
            "held_on": "2020-02-12",
            "mode": "group",
            "concerns": "全家",
        },
    )
    assert response.status_code == 302
    assert CounsellingSession.objects.get(concerns="全家").household == world.yin.household


def test_the_api_records_a_session(world, api_client):
    api = api_client(world.counsellor)
    body = {"person": world.yin.pk, "mode": "phone", "concerns": "电话疏导", "client_id": "c-1"}
    assert (
        api.post("/api/v1/operations/counselling", body, content_type="application/json").status_code == 201
    )
    assert (
        api.post("/api/v1/operations/counselling", body, content_type="application/json").status_code == 200
    )
    assert (
        api_client(world.health)
        .post("/api/v1/operations/counselling", body, content_type="application/json")
        .status_code
        == 404
    )


def test_an_address_two_villages_share_is_refused_not_guessed(world, login):
    from cordon.people import services as people_services

    people_services.household_assign(actor=world.other_clerk, person=world.zhou, address="四间房村东街1号")
    response = login(world.counsellor).post(
        reverse("operations:session_new"),
        {
            "household_address": "四间房村东街1号",
            "held_on": "2020-02-12",
            "mode": "visit",
            "concerns": "同址",
        },
    )
    assert response.status_code == 200 and not CounsellingSession.objects.filter(concerns="同址").exists()
    assert "小湾村" in response.context["form"].errors["household_address"][0]
