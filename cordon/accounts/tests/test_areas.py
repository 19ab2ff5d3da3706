"""The area tree: pages, API and adding villages and grids."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services
from cordon.accounts.models import Area


def test_tree_page_shows_what_the_user_reaches(world, client, login):
    login(world.commander)
    body = client.get("/accounts/areas/").content.decode()
    assert "四间房村第一网格" in body and "小湾村" in body and "东村" not in body
    login(world.clerk)
    body = client.get("/accounts/areas/").content.decode()
    assert "四间房村" in body and "小湾村" not in body


def test_area_page_shows_children_with_counts_and_checkpoints(world, client, login):
    login(world.commander)
    body = client.get(f"/accounts/areas/{world.town.code}/").content.decode()
    assert "四间房村" in body and "格达检查站" in body
    # ancestors the commander does not reach are shown as names, not links
    assert "霸州市" in body and f'href="/accounts/areas/{world.county.code}/"' not in body


def test_a_clerk_gets_404_for_the_town_and_another_village(world, client, login):
    login(world.clerk)
    assert client.get(f"/accounts/areas/{world.sjf.code}/").status_code == 200
    assert client.get(f"/accounts/areas/{world.town.code}/").status_code == 404
    assert client.get(f"/accounts/areas/{world.xw.code}/").status_code == 404
    assert client.get("/accounts/areas/not-a-code/").status_code == 404


def test_commander_adds_a_grid_below_a_village(world, client, login):
    login(world.commander)
    response = client.post(
        f"/accounts/areas/{world.sjf.code}/", {"code": "131081103215002", "name": "第二网格"}
    )
    assert response.status_code == 302
    grid = Area.objects.get(code="131081103215002")
    assert grid.level == "grid" and grid.parent_id == world.sjf.code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("131081103216001", "开头"),  # under another village
        ("131081103215001", "已存在"),
        ("13108110321500x", "12 位"),
    ],
)
def test_adding_an_area_refuses_bad_codes_with_a_message(world, client, login, code, message):
    login(world.commander)
    response = client.post(f"/accounts/areas/{world.sjf.code}/", {"code": code, "name": "网格"})
    assert response.status_code == 200 and message in response.content.decode()


def test_a_clerk_cannot_add_areas(world, client, login):
    login(world.clerk)
    assert (
        client.post(
            f"/accounts/areas/{world.sjf.code}/", {"code": "131081103215002", "name": "x"}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.area_create(actor=world.clerk, code="131081103215002", name="x")


def test_only_the_operator_adds_towns_and_above(world):
    with pytest.raises(ValidationError):  # the county is outside the town commander's reach
        services.area_create(actor=world.commander, code="131081105000", name="新镇")
    with pytest.raises(PermissionDenied):  # the county viewer sees the county but may not add to it
        services.area_create(actor=world.viewer, code="131081105000", name="新镇")
    services.area_create(actor=world.operator, code="131081105000", name="新镇")


def test_an_orphan_code_is_refused(world):
    with pytest.raises(ValidationError):
        services.area_create(actor=world.commander, code="131081103299001", name="x")


def test_api_lists_the_visible_tree(world, api_client):
    data = api_client(world.clerk).get("/api/v1/accounts/areas").json()
    assert data == [
        {
            "code": "131081103215",
            "name": "四间房村",
            "level": "village",
            "level_label": "村/街",
            "parent": "131081103000",
        },
        {
            "code": "131081103215001",
            "name": "四间房村第一网格",
            "level": "grid",
            "level_label": "网格",
            "parent": "131081103215",
        },
    ]
    assert api_client(world.clerk).get(f"/api/v1/accounts/areas?within={world.xw.code}").status_code == 404


def test_api_adds_an_area_and_explains_a_refusal(world, api_client):
    client = api_client(world.commander)
    created = client.post(
        "/api/v1/accounts/areas", {"code": "131081103217", "name": "新村"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["parent"] == world.town.code
    refused = client.post(
        "/api/v1/accounts/areas", {"code": "131081103217", "name": "新村"}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "code"
