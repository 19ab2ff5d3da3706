import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services
from cordon.accounts.models import Role, RoleAssignment, User
from cordon.checkpoints.models import Checkpoint
from cordon.core.models import AuditEntry


def test_granting_a_role_widens_what_the_user_sees_at_once(world):
    assert not Checkpoint.objects.visible_to(world.clerk).filter(pk=world.xw_gate.pk).exists()
    services.role_assign(actor=world.commander, user=world.clerk, role=Role.VILLAGE_CLERK, area=world.xw)
    assert Checkpoint.objects.visible_to(world.clerk).filter(pk=world.xw_gate.pk).exists()
    assert AuditEntry.objects.filter(action="role.assign", target_id=str(world.clerk.pk)).exists()


def test_taking_a_role_away_narrows_it_at_once(world):
    assignment = RoleAssignment.objects.get(user=world.clerk)
    services.role_revoke(actor=world.commander, assignment=assignment)
    clerk = User.objects.get(pk=world.clerk.pk)  # the clerk's next request
    assert not Checkpoint.objects.visible_to(clerk).exists()


def test_the_same_role_twice_is_refused(world):
    with pytest.raises(ValidationError):
        services.role_assign(actor=world.commander, user=world.clerk, role=Role.VILLAGE_CLERK, area=world.sjf)


def test_a_commander_cannot_remove_their_own_last_commander_role(world):
    own = RoleAssignment.objects.get(user=world.commander, role=Role.COMMANDER)
    with pytest.raises(ValidationError):
        services.role_revoke(actor=world.commander, assignment=own)


@pytest.mark.parametrize(
    ("role", "area"), [("village_clerk", "town"), ("commander", "sjf"), ("village_head", "grid")]
)
def test_roles_are_held_only_at_their_levels(world, role, area):
    with pytest.raises(ValidationError):
        services.role_assign(actor=world.commander, user=world.head, role=role, area=getattr(world, area))


def test_a_clerk_cannot_grant_roles(world):
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=world.clerk, user=world.guard, role=Role.VILLAGE_CLERK, area=world.sjf)


def test_page_grants_and_removes_a_role(world, client, login):
    login(world.commander)
    url = f"/accounts/users/{world.head.pk}/"
    response = client.post(url + "roles/", {"role": "viewer", "area": world.town.code}, follow=True)
    assert "已授予角色" in response.content.decode()
    added = RoleAssignment.objects.get(user=world.head, role="viewer")
    client.post(url + f"roles/{added.pk}/remove/")
    assert not RoleAssignment.objects.filter(pk=added.pk).exists()


def test_page_shows_why_a_role_is_refused(world, client, login):
    login(world.commander)
    response = client.post(
        f"/accounts/users/{world.head.pk}/roles/", {"role": "commander", "area": world.sjf.code}, follow=True
    )
    assert "指挥长只能在以下级别担任" in response.content.decode()


def test_api_grants_and_removes_a_role(world, api_client):
    client = api_client(world.commander)
    url = f"/api/v1/accounts/users/{world.head.pk}/roles"
    created = client.post(url, {"role": "viewer", "area": world.town.code}, content_type="application/json")
    assert created.status_code == 201 and created.json()["area_name"] == "堂二里镇"
    assert client.delete(f"{url}/{created.json()['id']}").status_code == 204
    assert (
        client.post(
            url, {"role": "mayor", "area": world.town.code}, content_type="application/json"
        ).status_code
        == 422
    )
