"""Counselling sessions are read only by counsellors and the commander — a 404 to clerks, command staff and
health workers on pages and the API — every read is access-logged, and no export carries them."""

import pytest
from django.urls import reverse

from cordon.core.models import AccessLog

CONCERNS = "隔离期间焦虑，睡不好"


@pytest.mark.parametrize("who", ["clerk", "staff", "health", "head", "other_clerk", "viewer"])
def test_anyone_but_a_counsellor_or_the_commander_gets_a_404(world, login, api_client, who):
    user = getattr(world, who)
    client = login(user)
    for url in (
        reverse("operations:sessions"),
        reverse("operations:session", args=[world.counselling.pk]),
        reverse("operations:session_new"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert CONCERNS not in response.content.decode()
    api = api_client(user)
    assert api.get("/api/v1/operations/counselling").status_code == 404
    assert api.get(f"/api/v1/operations/counselling/{world.counselling.pk}").status_code == 404
    assert reverse("operations:sessions") not in client.get(reverse("operations:index")).content.decode()


def test_the_commander_of_another_town_sees_none_of_this_towns_sessions(world, login, api_client):
    client = login(world.neighbour)
    assert client.get(reverse("operations:sessions")).context["sessions"] == []
    assert client.get(reverse("operations:session", args=[world.counselling.pk])).status_code == 404
    assert api_client(world.neighbour).get("/api/v1/operations/counselling").json()["items"] == []


@pytest.mark.parametrize("who", ["counsellor", "commander"])
def test_the_counsellor_and_the_commander_read_and_each_read_is_logged(world, login, api_client, who):
    user = getattr(world, who)
    client = login(user)
    logged = AccessLog.objects.filter(actor=user, target_type="operations.counsellingsession")
    before = logged.count()
    listing = client.get(reverse("operations:sessions"))
    assert listing.status_code == 200 and world.counselling in listing.context["sessions"]
    detail = client.get(reverse("operations:session", args=[world.counselling.pk]))
    assert CONCERNS in detail.content.decode()
    api = api_client(user)
    assert api.get("/api/v1/operations/counselling").json()["items"][0]["concerns"] == CONCERNS
    assert api.get(f"/api/v1/operations/counselling/{world.counselling.pk}").status_code == 200
    assert logged.count() - before == 4
    assert logged.filter(target_id=str(world.counselling.pk)).count() == 2
    assert logged.filter(detail__list=True).count() == 2


def test_no_export_carries_a_counselling_session(world, login):
    client = login(world.commander)
    for name in ("operations:tasks", "operations:notices"):
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(name) + f"?export={fmt}")
            assert response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert CONCERNS.encode() not in body
    # The counselling list has no export: asking for one shows the page, never a file.
    response = client.get(reverse("operations:sessions") + "?export=csv")
    assert response["Content-Type"].startswith("text/html")
