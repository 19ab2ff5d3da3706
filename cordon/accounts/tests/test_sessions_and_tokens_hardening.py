"""Issue 21, the low ones: tokens end with a password change, a stranger cannot lock the commander
out, the session cookie ends with the browser, private answers are never cached, a refusal is logged
without a traceback, and a bare JSON value is not a body."""

import json
import logging
import sys

from django.conf import settings
from django.test import Client

from cordon.accounts import services
from cordon.accounts.models import ApiToken
from cordon.core.logs import NoTracebackForRefusals
from cordon.core.testing import PASSWORD

LOGIN = "/accounts/login/"


def test_changing_the_password_revokes_every_token_and_the_page_says_so(world, client, login):
    token, secret = services.token_create(actor=world.clerk, name="手机")
    url = f"/api/v1/people/{world.yin.pk}"
    assert Client(headers={"authorization": f"Bearer {secret}"}).get(url).status_code == 200
    login(world.clerk)
    assert "访问令牌" in client.get("/accounts/me/password/").content.decode()
    services.password_change(actor=world.clerk, old_password=PASSWORD, new_password="Another-long-pass-42")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.filter(user=world.clerk, revoked_at__isnull=True).exists()
    assert Client(headers={"authorization": f"Bearer {secret}"}).get(url).status_code == 401


def test_a_stranger_typing_wrong_passwords_does_not_lock_the_commander_at_her_desk(world):
    stranger = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        answer = stranger.post(LOGIN, {"username": "commander", "password": "wrong"})
    assert answer.status_code == 429  # the stranger's client is locked for this account
    desk = Client(REMOTE_ADDR="10.0.0.5")
    assert desk.post(LOGIN, {"username": "commander", "password": PASSWORD}).status_code == 302


def test_the_session_cookie_ends_with_the_browser(world, client):
    answer = client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    cookie = answer.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]


def test_private_pages_and_api_answers_are_never_cached(world, client, login, api_client):
    login(world.clerk)
    page = client.get(f"/people/{world.yin.pk}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    answer = api_client(world.clerk).get(f"/api/v1/people/{world.yin.pk}")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]


def test_a_refusal_is_logged_without_its_traceback():
    try:
        raise PermissionError("denied")
    except PermissionError:
        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x",), info)
    record.status_code = 403
    assert NoTracebackForRefusals().filter(record) and record.exc_info is None
    console = settings.LOGGING["handlers"]["console"]
    assert "no_traceback_for_refusals" in console["filters"]


def test_a_bare_json_value_is_not_a_body(world, api_client):
    answer = api_client(world.clerk).patch(
        f"/api/v1/people/{world.yin.pk}", data=json.dumps(True), content_type="application/json"
    )
    assert answer.status_code == 422
