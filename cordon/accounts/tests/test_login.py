"""Logging in, being locked out, sessions that end, and the temporary-password gate."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cordon.accounts import services
from cordon.core.testing import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_logs_in_and_lands_on_the_home_page(world, client):
    response = attempt(client, "clerk", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "四间房村" in home.content.decode()


def test_wrong_password_says_so_in_chinese_and_logs_nobody_in(world, client):
    response = attempt(client, "clerk", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get("/").status_code == 302


def test_locks_a_user_name_after_five_failures_and_says_for_how_long(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "clerk", "wrong").status_code == 200
    locked = attempt(client, "clerk", "wrong")
    assert locked.status_code == 429
    assert "已锁定 15 分钟" in locked.content.decode()
    # even the right password is refused while locked
    assert attempt(client, "clerk", PASSWORD).status_code == 429
    assert client.get("/").status_code == 302


def test_lock_lifts_after_the_cool_off(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk", "wrong")
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_commander_unlocks_a_locked_account(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk", "wrong")
    services.user_unlock(actor=world.commander, user=world.clerk)
    assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_disabled_account_cannot_log_in(world, client):
    services.user_set_active(actor=world.commander, user=world.clerk, active=False)
    response = attempt(client, "clerk", PASSWORD)
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()


def test_disabling_an_account_ends_its_open_session(world, client, login):
    login(world.clerk)
    assert client.get("/").status_code == 200
    services.user_set_active(actor=world.commander, user=world.clerk, active=False)
    response = client.get("/")
    assert response.status_code == 302 and "expired=1" in response["Location"]


def test_session_ends_after_the_idle_limit_with_a_message(world, client):
    attempt(client, "clerk", PASSWORD)
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60)):
        response = client.get("/")
        assert response.status_code == 302 and "expired=1" in response["Location"]
        page = client.get(response["Location"])
        assert "登录已过期，请重新登录" in page.content.decode()


def test_activity_keeps_the_session_alive(world, client):
    attempt(client, "clerk", PASSWORD)
    start = timezone.now()
    step = timedelta(seconds=settings.SESSION_IDLE_SECONDS * 0.6)
    for i in range(1, 4):
        with time_machine.travel(start + step * i):
            assert client.get("/").status_code == 200


def test_session_cookie_ends_with_the_browser_and_is_http_only(world, client):
    """The shift's 12 hours are kept on the server (the test above); the cookie itself is a
    browser-session cookie, so a shared office PC forgets it when the browser closes (issue 21)."""
    response = attempt(client, "clerk", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"] and settings.SESSION_COOKIE_AGE == 12 * 3600


def test_temporary_password_must_be_changed_first(world, client):
    _user, temporary = services.user_create(
        actor=world.commander, username="newbie", full_name="新人", area=world.sjf
    )
    attempt(client, "newbie", temporary)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": temporary,
            "new_password": "A-much-better-one-9",
            "new_password_again": "A-much-better-one-9",
        },
    )
    assert client.get("/").status_code == 200


def test_logout_needs_a_post(world, client, login):
    login(world.clerk)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_login_form_refuses_a_post_without_csrf_token(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/accounts/areas/", "/checkpoints/", "/accounts/me/"])
def test_pages_need_a_login(db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
