import pytest
from django.core.exceptions import ValidationError

from cordon.accounts import services
from cordon.accounts.models import ApiToken
from cordon.core.models import AuditEntry


def test_disabling_revokes_tokens_and_records_the_reason(world, api_client):
    client = api_client(world.clerk)
    assert client.get("/api/v1/accounts/me").status_code == 200
    services.user_set_active(actor=world.commander, user=world.clerk, active=False, reason="调离本村")
    assert client.get("/api/v1/accounts/me").status_code == 401
    assert not ApiToken.objects.filter(user=world.clerk, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="user.disable")
    assert entry.reason == "调离本村" and entry.changes == {"is_active": [True, False]}


def test_reenabling_does_not_bring_old_tokens_back(world, api_client):
    client = api_client(world.clerk)
    services.user_set_active(actor=world.commander, user=world.clerk, active=False)
    services.user_set_active(actor=world.commander, user=world.clerk, active=True)
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_nobody_disables_their_own_account(world):
    with pytest.raises(ValidationError):
        services.user_set_active(actor=world.commander, user=world.commander, active=False)


def test_disabling_twice_changes_nothing_more(world):
    services.user_set_active(actor=world.commander, user=world.clerk, active=False)
    services.user_set_active(actor=world.commander, user=world.clerk, active=False)
    assert AuditEntry.objects.filter(action="user.disable").count() == 1


def test_page_disables_and_enables(world, client, login):
    login(world.commander)
    url = f"/accounts/users/{world.clerk.pk}/"
    response = client.post(url + "disable/", {"reason": "离职"}, follow=True)
    assert "已停用" in response.content.decode()
    world.clerk.refresh_from_db()
    assert not world.clerk.is_active
    client.post(url + "enable/")
    world.clerk.refresh_from_db()
    assert world.clerk.is_active


def test_page_refuses_to_disable_oneself_with_a_message(world, client, login):
    login(world.commander)
    response = client.post(f"/accounts/users/{world.commander.pk}/disable/", follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    world.commander.refresh_from_db()
    assert world.commander.is_active


def test_disable_needs_a_post(world, client, login):
    login(world.commander)
    assert client.get(f"/accounts/users/{world.clerk.pk}/disable/").status_code == 405


def test_reset_password_shows_a_new_temporary_password_once(world, client, login):
    login(world.commander)
    response = client.post(f"/accounts/users/{world.clerk.pk}/reset-password/", follow=True)
    body = response.content.decode()
    assert "仅显示这一次" in body
    world.clerk.refresh_from_db()
    assert world.clerk.must_change_password


def test_api_disable_enable_reset_unlock(world, api_client):
    client = api_client(world.commander)
    base = f"/api/v1/accounts/users/{world.clerk.pk}"
    assert (
        client.post(base + "/disable", {"reason": "x"}, content_type="application/json").json()["is_active"]
        is False
    )
    assert client.post(base + "/enable").json()["is_active"] is True
    temporary = client.post(base + "/reset-password").json()["temporary_password"]
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(temporary)
    assert client.post(base + "/unlock").json() == {"locked": False}


def test_api_edit_changes_name_and_refuses_a_foreign_area(world, api_client):
    client = api_client(world.commander)
    url = f"/api/v1/accounts/users/{world.clerk.pk}"
    assert (
        client.patch(url, {"full_name": "孙丽丽"}, content_type="application/json").json()["full_name"]
        == "孙丽丽"
    )
    refused = client.patch(url, {"area": world.east.code}, content_type="application/json")
    assert refused.status_code == 422
    world.clerk.refresh_from_db()
    assert world.clerk.area_id == world.sjf.code
