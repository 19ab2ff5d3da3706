"""Follow-up: a period given to a member of the village's team; their list; who has how many."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.observation import services_followup


@pytest.fixture
def grid_worker(world):
    user, _created = account_services.user_create(
        actor=world.operator,
        username="grid_worker",
        full_name="网格员甲",
        area=world.grid,
        roles=[(Role.VILLAGE_CLERK, world.grid)],
        password="tangerli2020x",
    )
    return user


def test_head_assigns_a_period_to_the_clerk_who_then_lists_it(world):
    period = services_followup.period_assign(actor=world.head, period=world.yin_period, worker=world.clerk)
    assert period.follow_up_by == world.clerk
    assert list(services_followup.my_follow_ups(world.clerk)) == [period]
    assert list(services_followup.my_follow_ups(world.health)) == []
    taken = services_followup.period_assign(actor=world.head, period=period, worker=None)
    assert taken.follow_up_by is None and not services_followup.my_follow_ups(world.clerk).exists()


def test_a_grid_worker_cannot_follow_a_village_level_period_they_cannot_see(world, grid_worker):
    with pytest.raises(ValidationError):
        services_followup.period_assign(actor=world.head, period=world.yin_period, worker=grid_worker)


def test_town_health_worker_can_follow_and_clerk_of_another_village_cannot(world):
    period = services_followup.period_assign(actor=world.head, period=world.yin_period, worker=world.health)
    assert list(services_followup.my_follow_ups(world.health)) == [period]
    with pytest.raises(ValidationError, match="不是本村"):
        services_followup.period_assign(actor=world.head, period=world.yin_period, worker=world.other_clerk)


def test_only_assigners_assign(world):
    with pytest.raises(PermissionDenied):
        services_followup.period_assign(actor=world.clerk, period=world.yin_period, worker=world.clerk)
    with pytest.raises(PermissionDenied):
        services_followup.period_assign(actor=world.neighbour, period=world.yin_period, worker=None)


def test_town_sees_who_follows_how_many(world):
    services_followup.period_assign(actor=world.commander, period=world.yin_period, worker=world.clerk)
    rows = services_followup.follow_up_load(world.commander)
    assert {"worker": world.clerk.pk, "name": world.clerk.full_name, "count": 1} in rows
    # every active period of 堂二里镇 counted once (assigned or not), 南孟镇's not at all
    from cordon.observation.models import Period

    active = Period.objects.visible_to(world.commander).filter(status="active").count()
    assert sum(r["count"] for r in rows) == active
    assert all(r["worker"] != world.neighbour.pk for r in rows)


def test_page_and_api_assign_and_list(world, login, api_client):
    client = login(world.head)
    answer = client.post(f"/observation/periods/{world.yin_period.pk}/assign/", {"worker": world.clerk.pk})
    assert answer.status_code == 302
    world.yin_period.refresh_from_db()
    assert world.yin_period.follow_up_by == world.clerk
    page = login(world.clerk).get("/observation/follow-up/")
    assert "尹某某" in page.text
    mine = api_client(world.clerk).get("/api/v1/observation/follow-up/mine").json()
    assert [p["id"] for p in mine] == [world.yin_period.pk]
    load = api_client(world.commander).get("/api/v1/observation/follow-up/load").json()
    assert {"worker": world.clerk.pk, "name": world.clerk.full_name, "count": 1} in load
    refused = api_client(world.head).post(
        f"/api/v1/observation/periods/{world.yin_period.pk}/assign",
        {"worker": world.other_clerk.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    hidden = api_client(world.other_clerk).post(
        f"/api/v1/observation/periods/{world.yin_period.pk}/assign",
        {"worker": None},
        content_type="application/json",
    )
    assert hidden.status_code == 404
