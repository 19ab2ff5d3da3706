"""A rumour reported by a village clerk, verified by the command centre, rebutted by publishing a notice
that links it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cordon.core.models import AuditEntry
from cordon.operations import services_notices
from cordon.operations.models import Notice, Rumour


def test_the_whole_flow_on_the_pages(world, login):
    clerk = login(world.clerk)
    response = clerk.post(
        reverse("operations:rumour_new"),
        {
            "area": world.sjf.code,
            "place": "村口",
            "heard_on": "2020-02-12",
            "content": "听说镇上要封路一个月",
            "reported_by_name": "村民老李",
        },
    )
    rumour = Rumour.objects.get(content="听说镇上要封路一个月")
    assert response.status_code == 302 and rumour.verification == "reported"
    # The clerk may not verify: the answer is an error message, nothing moves.
    clerk.post(
        reverse("operations:rumour_verify", args=[rumour.pk]), {"verification": "false", "finding": "x"}
    )
    rumour.refresh_from_db()
    assert rumour.verification == "reported"

    staff = login(world.staff)
    staff.post(
        reverse("operations:rumour_rebut", args=[rumour.pk]),
        {"title": "x", "body": "x", "channels": ["chat"]},
    )
    rumour.refresh_from_db()
    assert rumour.status == "open" and rumour.rebuttal is None  # not verified yet
    staff.post(
        reverse("operations:rumour_verify", args=[rumour.pk]),
        {"verification": "false", "finding": "指挥部未作此决定"},
    )
    rumour.refresh_from_db()
    assert rumour.verification == "false" and rumour.verified_by == world.staff
    detail = staff.get(reverse("operations:rumour", args=[rumour.pk]))
    assert detail.context["rebut_form"] is not None
    staff.post(
        reverse("operations:rumour_rebut", args=[rumour.pk]),
        {
            "town_wide": "on",
            "title": "辟谣",
            "body": "不封路，请勿轻信。",
            "channels": ["loudspeaker", "chat"],
        },
    )
    rumour.refresh_from_db()
    assert rumour.status == "rebutted"
    notice = rumour.rebuttal
    assert notice.status == "published" and notice.area == world.town and notice.published_by == world.staff
    assert AuditEntry.objects.filter(action="rumour.rebut", target_id=str(rumour.pk)).exists()
    # Rebutting again changes nothing.
    staff.post(
        reverse("operations:rumour_rebut", args=[rumour.pk]),
        {"title": "又", "body": "又", "channels": ["chat"]},
    )
    assert Notice.objects.filter(title="又").count() == 0


def test_a_true_rumour_is_closed_and_cannot_be_rebutted(world):
    rumour = services_notices.rumour_verify(
        actor=world.commander, rumour=world.rumour, verification="true", finding="确有其事"
    )
    assert rumour.status == "closed"
    with pytest.raises(ValidationError):
        services_notices.rumour_rebut(
            actor=world.commander, rumour=rumour, data={"title": "x", "body": "x", "channels": ["chat"]}
        )


def test_refuses_a_verdict_without_a_finding_and_a_clerk(world):
    with pytest.raises(ValidationError) as exc:
        services_notices.rumour_verify(actor=world.staff, rumour=world.rumour, verification="false")
    assert set(exc.value.message_dict) == {"finding"}
    with pytest.raises(PermissionDenied):
        services_notices.rumour_verify(actor=world.clerk, rumour=world.rumour, verification="verifying")
    assert (
        services_notices.rumour_verify(
            actor=world.staff, rumour=world.rumour, verification="verifying"
        ).verification
        == "verifying"
    )


def test_the_api_reports_verifies_and_rebuts(world, api_client):
    api = api_client(world.commander)
    created = api.post(
        "/api/v1/operations/rumours",
        {"area": world.sjf.code, "content": "喝板蓝根能防", "reported_by_name": "网格员"},
        content_type="application/json",
    )
    assert created.status_code == 201
    path = f"/api/v1/operations/rumours/{created.json()['id']}"
    assert (
        api.post(
            path + "/verify",
            {"verification": "partly_true", "finding": "无依据"},
            content_type="application/json",
        ).status_code
        == 200
    )
    rebutted = api.post(
        path + "/rebut",
        {"title": "辟谣", "body": "无依据", "channels": ["van"]},
        content_type="application/json",
    )
    assert rebutted.status_code == 200 and rebutted.json()["status"] == "rebutted"
    notice = api.get(f"/api/v1/operations/notices/{rebutted.json()['rebuttal']}").json()
    assert notice["status"] == "published" and notice["audience"] == [world.sjf.code]


def test_another_village_cannot_see_or_touch_the_rumour(world, login):
    client = login(world.other_clerk)
    assert world.rumour not in client.get(reverse("operations:rumours")).context["rumours"]
    assert client.get(reverse("operations:rumour", args=[world.rumour.pk])).status_code == 404


def test_a_report_sent_twice_is_one_rumour(world, login, api_client):
    client = login(world.clerk)
    form = client.get(reverse("operations:rumour_new")).context["form"]
    post = {
        "area": world.sjf.code,
        "heard_on": "2020-02-12",
        "content": "喝白酒能防病毒",
        "reported_by_name": "村民甲",
        "client_id": form.initial["client_id"],
    }
    client.post(reverse("operations:rumour_new"), post)
    client.post(reverse("operations:rumour_new"), post)  # the double tap
    assert Rumour.objects.filter(content="喝白酒能防病毒").count() == 1
    api = api_client(world.clerk)
    body = {
        "area": world.sjf.code,
        "content": "熏醋能杀病毒",
        "reported_by_name": "村民乙",
        "client_id": "r-1",
    }
    first = api.post("/api/v1/operations/rumours", body, content_type="application/json").json()
    again = api.post("/api/v1/operations/rumours", body, content_type="application/json").json()
    assert first["id"] == again["id"] and Rumour.objects.filter(content="熏醋能杀病毒").count() == 1
