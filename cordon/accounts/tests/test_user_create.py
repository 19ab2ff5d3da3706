"""The commander creates accounts for their town: service, page and API, and every refusal."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services
from cordon.accounts.models import Role, RoleAssignment, User
from cordon.core.models import AuditEntry


def create(world, actor=None, **overrides):
    values = {
        "username": "wangwu",
        "full_name": "王五",
        "area": world.sjf,
        "phone": "13812345678",
        "roles": [(Role.VILLAGE_CLERK, world.sjf)],
    }
    values.update(overrides)
    return services.user_create(actor=actor or world.commander, **values)


def test_creates_an_account_with_a_temporary_password_and_its_role(world):
    user, temporary = create(world)
    assert user.check_password(temporary) and user.must_change_password
    assert len(temporary) == 12
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "area_id")) == [
        ("village_clerk", "131081103215")
    ]
    entry = AuditEntry.objects.get(action="user.create", target_id=str(user.pk))
    assert entry.actor == world.commander and entry.area_id == "131081103215"
    assert entry.changes["phone"] == [None, "138****5678"], "phones are masked in the trail"
    assert "password" not in entry.changes


def test_refuses_a_user_name_taken_in_another_case(world):
    with pytest.raises(ValidationError) as exc:
        create(world, username="CLERK")
    assert "username" in exc.value.message_dict


def test_refuses_the_reserved_operator_name(world):
    with pytest.raises(ValidationError):
        create(world, username="System")


def test_refuses_an_over_long_name_and_writes_nothing(world):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        create(world, full_name="长" * 41)
    assert "full_name" in exc.value.message_dict
    assert User.objects.count() == before


def test_refuses_a_role_at_the_wrong_level_and_writes_nothing(world):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        create(world, roles=[(Role.COMMANDER, world.sjf)])
    assert "role" in exc.value.message_dict
    assert User.objects.count() == before, "the account is not left half-made without its role"


def test_refuses_an_unknown_role(world):
    with pytest.raises(ValidationError):
        create(world, roles=[("mayor", world.sjf)])


@pytest.mark.parametrize("actor", ["clerk", "head", "staff", "viewer", "neighbour"])
def test_only_the_commander_over_the_area_creates_accounts(world, actor):
    with pytest.raises(PermissionDenied):
        create(world, actor=getattr(world, actor))


def test_commander_cannot_grant_a_role_outside_the_town(world):
    with pytest.raises(PermissionDenied):
        create(world, roles=[(Role.VIEWER, world.county)])


# --- the page -------------------------------------------------------------------------------------

FORM = {
    "username": "wangwu",
    "full_name": "王五",
    "phone": "",
    "area": "131081103215",
    "role": "village_clerk",
    "role_area": "",
}


def test_page_creates_and_shows_the_temporary_password_once(world, client, login):
    login(world.commander)
    response = client.post("/accounts/users/new/", FORM)
    assert response.status_code == 302
    user = User.objects.get(username="wangwu")
    page = client.get(response["Location"]).content.decode()
    assert "王五 的临时密码" in page or "临时密码" in page
    assert "仅显示这一次" in page
    again = client.get(response["Location"]).content.decode()
    assert "仅显示这一次" not in again
    assert user.role_assignments.get().area_id == "131081103215"


def test_page_shows_errors_in_chinese_and_keeps_what_was_typed(world, client, login):
    login(world.commander)
    response = client.post("/accounts/users/new/", {**FORM, "username": "clerk", "full_name": "王" * 41})
    body = response.content.decode()
    assert response.status_code == 200
    assert "最多 40 个字" in body or "40" in body
    assert 'value="clerk"' in body


def test_page_refuses_a_duplicate_user_name(world, client, login):
    login(world.commander)
    body = client.post("/accounts/users/new/", {**FORM, "username": "Clerk"}).content.decode()
    assert "该用户名已被占用" in body


def unmasked(page: str) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


def test_page_refuses_a_tampered_area_code_like_a_missing_one(world, client, login):
    login(world.commander)
    foreign = client.post("/accounts/users/new/", {**FORM, "area": world.east.code}).content.decode()
    missing = client.post("/accounts/users/new/", {**FORM, "area": "131081103999"}).content.decode()
    assert "不是可用的选项" in foreign or "选择一个有效的选项" in foreign
    assert not User.objects.filter(username="wangwu").exists()
    # the foreign code is answered exactly as a code that does not exist
    assert unmasked(foreign).replace(world.east.code, "X") == unmasked(missing).replace("131081103999", "X")


def test_page_is_not_for_a_clerk(world, client, login):
    login(world.clerk)
    assert client.get("/accounts/users/new/").status_code == 403
    assert client.post("/accounts/users/new/", FORM).status_code == 403
    assert not User.objects.filter(username="wangwu").exists()


# --- the API --------------------------------------------------------------------------------------

BODY = {
    "username": "wangwu",
    "full_name": "王五",
    "area": "131081103215",
    "roles": [{"role": "village_clerk", "area": "131081103215"}],
}


def test_api_creates_and_returns_the_temporary_password_once(world, api_client):
    response = api_client(world.commander).post(
        "/api/v1/accounts/users", BODY, content_type="application/json"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["username"] == "wangwu" and len(data["temporary_password"]) == 12
    assert [r["role"] for r in data["roles"]] == ["village_clerk"]
    detail = api_client(world.commander).get(f"/api/v1/accounts/users/{data['id']}").json()
    assert "temporary_password" not in detail


def test_api_duplicate_is_a_422_with_a_code_and_a_chinese_message(world, api_client):
    response = api_client(world.commander).post(
        "/api/v1/accounts/users", {**BODY, "username": "clerk"}, content_type="application/json"
    )
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid"
    assert data["errors"] == [{"field": "username", "message": "该用户名已被占用。"}]


def test_api_tampered_area_is_answered_like_a_missing_one(world, api_client):
    client = api_client(world.commander)
    foreign = client.post(
        "/api/v1/accounts/users", {**BODY, "area": world.east.code}, content_type="application/json"
    )
    missing = client.post(
        "/api/v1/accounts/users", {**BODY, "area": "131081103999"}, content_type="application/json"
    )
    assert foreign.status_code == missing.status_code == 422
    assert foreign.json()["errors"][0]["message"].replace(world.east.code, "X") == missing.json()["errors"][
        0
    ]["message"].replace("131081103999", "X")
    assert not User.objects.filter(username="wangwu").exists()


def test_api_over_long_field_is_refused_by_the_schema(world, api_client):
    response = api_client(world.commander).post(
        "/api/v1/accounts/users", {**BODY, "full_name": "王" * 41}, content_type="application/json"
    )
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid_input"
    assert data["errors"] == [{"field": "full_name", "message": "过长：最多 40 个字符。"}]


def test_api_unknown_role_is_refused(world, api_client):
    response = api_client(world.commander).post(
        "/api/v1/accounts/users",
        {**BODY, "roles": [{"role": "mayor", "area": "131081103215"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "未知角色" in response.json()["message"]
    assert not User.objects.filter(username="wangwu").exists()


def test_api_is_forbidden_to_a_clerk(world, api_client):
    response = api_client(world.clerk).post("/api/v1/accounts/users", BODY, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_api_retried_create_does_not_make_a_second_account(world, api_client):
    client = api_client(world.commander)
    first = client.post("/api/v1/accounts/users", BODY, content_type="application/json")
    second = client.post("/api/v1/accounts/users", BODY, content_type="application/json")
    assert first.status_code == 201 and second.status_code == 422
    assert User.objects.filter(username="wangwu").count() == 1
