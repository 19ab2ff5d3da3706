"""Who sees what: a role at an area reaches that area and everything below it, nothing beside it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cordon.accounts import services
from cordon.accounts.models import Area, Role, User
from cordon.accounts.scope import get_visible_or_404, require_role, visible_prefixes
from cordon.checkpoints.models import Checkpoint


def names(queryset):
    return sorted(str(row) for row in queryset)


def test_commander_sees_the_whole_town_and_nothing_of_the_neighbour(world):
    visible = names(Checkpoint.objects.visible_to(world.commander))
    assert visible == sorted(["四间房村东口卡点", "第一网格卡点", "小湾村东口卡点", "格达检查站"])
    assert "东村卡点" not in visible


def test_village_clerk_sees_the_village_and_its_grids_only(world):
    assert names(Checkpoint.objects.visible_to(world.clerk)) == sorted(["四间房村东口卡点", "第一网格卡点"])
    assert names(Area.objects.visible_to(world.clerk)) == sorted(["四间房村", "四间房村第一网格"])


def test_other_village_clerk_sees_none_of_the_first_village(world):
    assert names(Checkpoint.objects.visible_to(world.other_clerk)) == ["小湾村东口卡点"]
    assert not User.objects.visible_to(world.other_clerk).filter(pk=world.clerk.pk).exists()


def test_county_viewer_sees_both_towns(world):
    visible = names(Checkpoint.objects.visible_to(world.viewer))
    assert "东村卡点" in visible and "格达检查站" in visible


def test_roles_at_several_areas_add_up(world):
    services.role_assign(actor=world.operator, user=world.other_clerk, role=Role.VIEWER, area=world.east)
    assert names(Checkpoint.objects.visible_to(world.other_clerk)) == sorted(["小湾村东口卡点", "东村卡点"])


def test_nested_prefixes_collapse_to_the_widest(world):
    services.role_assign(actor=world.operator, user=world.clerk, role=Role.VIEWER, area=world.town)
    assert visible_prefixes(world.clerk) == ("131081103",)


def test_a_neighbouring_code_with_the_same_leading_digits_is_not_inside():
    # 131081103 must not reach 1310811030… of another town, nor 13108110 reach 131081104.
    from cordon.core.scope import prefixes_q

    query = str(prefixes_q("area_id", ["131081103"]))
    assert "131081104" in query and "131081103" in query


def test_disabled_or_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    services.user_set_active(actor=world.commander, user=world.clerk, active=False)
    world.clerk.refresh_from_db()
    assert not Checkpoint.objects.visible_to(world.clerk).exists()
    assert not Checkpoint.objects.visible_to(AnonymousUser()).exists()


def test_a_user_without_roles_sees_nothing(world):
    user, _ = services.user_create(
        actor=world.commander, username="norole", full_name="无角色", area=world.sjf
    )
    assert not Area.objects.visible_to(user).exists()


def test_operator_sees_everything(world):
    assert Checkpoint.objects.visible_to(world.operator).count() == Checkpoint.objects.count()


def test_roles_filter_limits_to_areas_held_with_that_role(world):
    services.role_assign(actor=world.operator, user=world.clerk, role=Role.VIEWER, area=world.town)
    assert User.objects.visible_to(world.clerk, roles=[Role.COMMANDER]).count() == 0
    assert User.objects.visible_to(world.commander, roles=[Role.COMMANDER]).filter(pk=world.clerk.pk).exists()


@pytest.mark.parametrize("lookup", [{"pk": 10**9}, {"pk": "abc"}, {"pk": None}])
def test_get_visible_or_404_answers_404_for_missing_and_malformed_keys(world, lookup):
    with pytest.raises(Http404):
        get_visible_or_404(Checkpoint.objects, world.clerk, **lookup)


def test_get_visible_or_404_answers_the_same_for_a_record_elsewhere(world):
    with pytest.raises(Http404) as elsewhere:
        get_visible_or_404(Checkpoint.objects, world.other_clerk, pk=world.sjf_gate.pk)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(Checkpoint.objects, world.other_clerk, pk=10**9)
    assert str(elsewhere.value) == str(missing.value)


def test_require_role_checks_role_and_place(world):
    require_role(world.commander, world.sjf, Role.COMMANDER)
    require_role(world.clerk, world.grid, Role.VILLAGE_CLERK)
    with pytest.raises(PermissionDenied):
        require_role(world.clerk, world.sjf, Role.COMMANDER)
    with pytest.raises(PermissionDenied):
        require_role(world.clerk, world.xw, Role.VILLAGE_CLERK)
    with pytest.raises(PermissionDenied):
        require_role(world.neighbour, world.sjf, Role.COMMANDER)


def test_scope_is_one_query_per_request_for_the_roles(world, django_assert_num_queries):
    user = User.objects.get(pk=world.clerk.pk)
    with django_assert_num_queries(3):  # the roles once, then one per list
        list(Checkpoint.objects.visible_to(user))
        list(Area.objects.visible_to(user))
