"""Personal access tokens: created once, hashed at rest, revoked at once, refused when forged."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from cordon.accounts import services
from cordon.accounts.models import ApiToken


def bearer(client_factory, secret):
    from django.test import Client

    return Client(headers={"authorization": f"Bearer {secret}"})


def test_a_token_works_and_only_its_hash_is_stored(world):
    token, secret = services.token_create(actor=world.clerk, name="脚本")
    assert secret.startswith("cdn_") and secret not in (token.key_hash, token.hint)
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(secret)).exists()
    me = bearer(None, secret).get("/api/v1/accounts/me").json()
    assert me["username"] == "clerk" and [r["role"] for r in me["roles"]] == ["village_clerk"]


def test_revoked_forged_and_expired_tokens_get_the_same_401(world):
    _t, revoked = services.token_create(actor=world.clerk, name="a")
    services.token_revoke(actor=world.clerk, token=_t)
    _t2, expiring = services.token_create(actor=world.clerk, name="b", expires_in_days=1)
    answers = [
        bearer(None, revoked).get("/api/v1/accounts/me"),
        bearer(None, "cdn_forged").get("/api/v1/accounts/me"),
        bearer(None, "not-even-a-token").get("/api/v1/accounts/me"),
    ]
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        answers.append(bearer(None, expiring).get("/api/v1/accounts/me"))
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json() == {
            "code": "invalid_token",
            "message": "访问令牌无效、已过期或已吊销。",
            "errors": [],
        }


def test_no_credentials_is_a_401_with_a_code(db, client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_last_use_is_recorded_without_a_write_per_call(world, django_assert_num_queries):
    token, secret = services.token_create(actor=world.clerk, name="a")
    client = bearer(None, secret)
    client.get("/api/v1/accounts/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    # second call within the minute: token lookup, roles; no UPDATE
    with django_assert_num_queries(2):
        client.get("/api/v1/accounts/me")


def test_page_creates_shows_once_and_revokes(world, client, login):
    login(world.clerk)
    page = client.post("/accounts/me/tokens/", {"name": "县级报表", "expires_in_days": "30"}, follow=True)
    body = page.content.decode()
    assert "仅显示这一次" in body
    token = ApiToken.objects.get(user=world.clerk)
    assert (token.expires_at - timezone.now()).days in (29, 30)
    assert "仅显示这一次" not in client.get("/accounts/me/").content.decode()
    client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_page_refuses_a_token_without_a_name_or_with_a_made_up_expiry(world, client, login):
    login(world.clerk)
    client.post("/accounts/me/tokens/", {"name": "", "expires_in_days": "30"})
    client.post("/accounts/me/tokens/", {"name": "x", "expires_in_days": "9999"})
    assert not ApiToken.objects.exists()


def test_api_creates_lists_and_revokes_own_tokens(world, api_client):
    client = api_client(world.clerk)
    created = client.post("/api/v1/accounts/tokens", {"name": "二号"}, content_type="application/json").json()
    assert created["token"].startswith("cdn_")
    listed = client.get("/api/v1/accounts/tokens").json()
    assert {t["name"] for t in listed} == {"test 1", "二号"} and all("token" not in t for t in listed)
    assert client.delete(f"/api/v1/accounts/tokens/{created['id']}").json()["status"] == "revoked"
    assert (
        client.post(
            "/api/v1/accounts/tokens", {"name": "x", "expires_in_days": 0}, content_type="application/json"
        ).status_code
        == 422
    )


def test_csrf_is_checked_for_session_calls_to_the_api(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)
    assert client.get("/api/v1/accounts/me").status_code == 200
    response = client.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()


def test_the_token_its_user_and_their_area_are_read_in_one_query(world, django_assert_num_queries):
    from cordon.accounts.auth import _token_with_user

    token, secret = services.token_create(actor=world.clerk, name="a")
    with django_assert_num_queries(1):
        found = _token_with_user(ApiToken.hash_key(secret))
        assert found.user.area.name == world.clerk.area.name
    expected = ApiToken.objects.select_related("user", "user__area").get(pk=token.pk)
    for model_instance, read in (
        (expected, found),
        (expected.user, found.user),
        (expected.user.area, found.user.area),
    ):
        for field in type(read)._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(model_instance, field.attname), field.name
    assert _token_with_user(ApiToken.hash_key("cdn_forged")) is None


def test_a_token_of_an_account_without_an_area_reads_none_for_it(world, django_assert_num_queries):
    from cordon.accounts.auth import _token_with_user

    world.clerk.area = None
    world.clerk.save(update_fields=["area"])
    _token, secret = services.token_create(actor=world.clerk, name="a")
    with django_assert_num_queries(1):
        assert _token_with_user(ApiToken.hash_key(secret)).user.area is None
