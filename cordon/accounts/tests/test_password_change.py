import pytest
from django.core.exceptions import ValidationError

from cordon.accounts import services
from cordon.core.models import AuditEntry
from cordon.core.testing import PASSWORD

URL = "/accounts/me/password/"


def test_changes_own_password_and_stays_logged_in(world, client, login):
    login(world.clerk)
    response = client.post(
        URL,
        {
            "old_password": PASSWORD,
            "new_password": "Another-good-one-7",
            "new_password_again": "Another-good-one-7",
        },
    )
    assert response.status_code == 302
    world.clerk.refresh_from_db()
    assert world.clerk.check_password("Another-good-one-7")
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="user.change_password")
    assert "password" not in entry.changes


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong", "Another-good-one-7", "Another-good-one-7", "当前密码不正确"),
        (PASSWORD, "Another-good-one-7", "Different-one-7", "两次输入的密码不一致"),
        (PASSWORD, "12345678901", "12345678901", "只包含数字"),
        (PASSWORD, "short", "short", "至少需要 10 个字符"),
        (PASSWORD, PASSWORD, PASSWORD, "新密码不能与当前密码相同"),
    ],
)
def test_refuses_a_bad_change_with_a_chinese_message(world, client, login, old, new, again, message):
    login(world.clerk)
    response = client.post(URL, {"old_password": old, "new_password": new, "new_password_again": again})
    assert response.status_code == 200
    assert message in response.content.decode()
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(PASSWORD)


def test_service_refuses_a_wrong_current_password(world):
    with pytest.raises(ValidationError):
        services.password_change(actor=world.clerk, old_password="nope", new_password="Another-good-one-7")
