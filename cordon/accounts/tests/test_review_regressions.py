"""Holes found in review, each kept shut by a test."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services
from cordon.accounts.models import ApiToken, Role, User
from cordon.core.testing import PASSWORD


@pytest.fixture
def county_boss(world):
    """A county commander whose account happens to belong to a village of the town."""
    user, _ = services.user_create(
        actor=world.operator,
        username="county_boss",
        full_name="县指挥长",
        area=world.sjf,
        roles=[(Role.COMMANDER, world.county)],
        password=PASSWORD,
    )
    return user


@pytest.mark.parametrize(
    "action",
    [
        lambda w, u: services.user_reset_password(actor=w.commander, user=u),
        lambda w, u: services.user_set_active(actor=w.commander, user=u, active=False),
        lambda w, u: services.user_update(actor=w.commander, user=u, full_name="x", phone="", area=w.sjf),
        lambda w, u: services.role_assign(actor=w.commander, user=u, role=Role.VIEWER, area=w.sjf),
        lambda w, u: services.user_unlock(actor=w.commander, user=u),
    ],
)
def test_a_town_commander_cannot_take_over_an_account_that_reaches_beyond_the_town(
    world, county_boss, action
):
    with pytest.raises(PermissionDenied):
        action(world, county_boss)
    county_boss.refresh_from_db()
    assert county_boss.is_active and county_boss.check_password(PASSWORD)


def test_the_reset_button_refuses_with_a_message_and_no_password(world, county_boss, client, login):
    login(world.commander)
    response = client.post(f"/accounts/users/{county_boss.pk}/reset-password/", follow=True)
    assert response.status_code == 403
    assert not re.search(r'id="one-time-secret"', response.content.decode())


def test_nobody_but_the_operator_touches_the_operator(world):
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=world.commander, user=world.operator)


def test_the_session_ends_after_one_shift_however_busy(world, client):
    start = datetime(2020, 2, 21, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
        for _ in range(7):  # a request every 100 minutes: never idle, 11 h 40 min in all
            traveller.shift(timedelta(minutes=100))
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=30))  # 12 h 10 min after logging in
        response = client.get("/")
        assert response.status_code == 302 and "expired=1" in response["Location"]


def test_an_expired_session_redirects_htmx_with_a_header_and_the_api_with_json(world, client):
    client.post("/accounts/login/", {"username": "commander", "password": PASSWORD})
    later = datetime.now(UTC) + timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60)
    with time_machine.travel(later):
        fragment = client.get("/accounts/users/?q=x", headers={"HX-Request": "true"})
        assert fragment.status_code == 204 and "expired=1" in fragment["HX-Redirect"]
    client.post("/accounts/login/", {"username": "commander", "password": PASSWORD})
    with time_machine.travel(later):
        api = client.get("/api/v1/accounts/me")
        assert api.status_code == 401 and api.json()["code"] == "unauthenticated"


def test_health_check_ignores_a_stale_session_cookie(db, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "stale"
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("area", ["abc", "-", "13108110321x", "9" * 40])
def test_a_malformed_area_filter_lists_nothing_instead_of_failing(world, client, login, api_client, area):
    login(world.commander)
    assert client.get(f"/accounts/users/?area={area}").status_code == 200
    assert client.get(f"/checkpoints/?area={area}").status_code == 200
    response = api_client(world.commander).get(f"/api/v1/accounts/users?area={area}")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_lockout_is_per_account_and_address(world, client):
    """Issue 21 changed the earlier per-account rule: a stranger's wrong passwords lock the stranger's
    address out of that account, never the owner at her own desk."""
    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(
        "/accounts/login/", {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    owner = client.post(
        "/accounts/login/", {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert owner.status_code == 302


def test_resetting_a_password_revokes_api_tokens(world, api_client):
    client = api_client(world.clerk)
    services.user_reset_password(actor=world.commander, user=world.clerk)
    assert not ApiToken.objects.filter(user=world.clerk, revoked_at__isnull=True).exists()
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_a_token_does_not_work_while_the_password_is_temporary(world):
    from django.test import Client

    user, _temporary = services.user_create(
        actor=world.commander, username="newbie", full_name="新人", area=world.sjf
    )
    _token, secret = services.token_create(actor=user, name="x")
    response = Client(headers={"authorization": f"Bearer {secret}"}).get("/api/v1/accounts/me")
    assert response.status_code == 401 and response.json()["code"] == "password_change_required"


@pytest.mark.parametrize("code", ["131081103000001", "131081000000001"])
def test_a_grid_hangs_only_under_a_village(world, code):
    with pytest.raises(ValidationError):
        services.area_create(actor=world.operator, code=code, name="网格")


@pytest.mark.parametrize("name", ["ＳＹＳＴＥＭ", "ＣＯＭＭＡＮＤＥＲ", "Commander"])
def test_user_names_are_compared_after_normalising(world, name):
    with pytest.raises(ValidationError):
        services.user_create(actor=world.commander, username=name, full_name="x", area=world.sjf)
    assert User.objects.filter(username__iexact="system").count() == 1


def test_a_second_token_of_the_same_name_is_refused(world, client, login):
    login(world.clerk)
    for _ in range(2):
        client.post("/accounts/me/tokens/", {"name": "脚本", "expires_in_days": "30"})
    assert ApiToken.objects.filter(user=world.clerk).count() == 1


def test_an_over_long_reason_refuses_the_disable(world, client, login):
    login(world.commander)
    response = client.post(f"/accounts/users/{world.clerk.pk}/disable/", {"reason": "长" * 201}, follow=True)
    assert "200" in response.content.decode()
    world.clerk.refresh_from_db()
    assert world.clerk.is_active


def test_the_role_filter_counts_only_roles_the_commander_can_see(world, client, login):
    services.role_assign(
        actor=world.operator, user=world.clerk, role=Role.COMMANDER, area=world.neighbour_town
    )
    login(world.commander)
    listed = client.get("/accounts/users/?role=commander").context["page"].object_list
    assert [u.username for u in listed] == ["commander"]


def test_pages_with_one_time_secrets_are_never_cached(world, client, login):
    login(world.commander)
    response = client.get(f"/accounts/users/{world.clerk.pk}/")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert "no-store" in client.get("/accounts/me/")["Cache-Control"]
