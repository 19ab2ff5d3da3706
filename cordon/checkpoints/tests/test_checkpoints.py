"""Checkpoints: listed within the user's areas, set up and changed by the command centre."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.checkpoints import services
from cordon.checkpoints.models import Checkpoint


def test_list_shows_the_village_its_grids_and_counts(world, client, login):
    login(world.clerk)
    response = client.get("/checkpoints/")
    body = response.content.decode()
    assert "四间房村东口卡点" in body and "第一网格卡点" in body
    assert "小湾村东口卡点" not in body and "格达检查站" not in body
    assert response.context["counts"] == {"total": 2, "stations": 0, "open_24h": 1, "closed": 0}


def test_list_filters_by_area_kind_and_status(world, client, login):
    login(world.commander)
    assert [c.name for c in client.get(f"/checkpoints/?area={world.xw.code}").context["page"]] == [
        "小湾村东口卡点"
    ]
    stations = client.get("/checkpoints/?kind=inspection_station").context["page"]
    assert [c.name for c in stations] == ["格达检查站"]
    assert [c.name for c in client.get("/checkpoints/?status=open").context["page"]] == ["第一网格卡点"]


def test_list_ignores_a_foreign_or_made_up_area_filter(world, client, login):
    login(world.clerk)
    response = client.get(f"/checkpoints/?area={world.xw.code}")
    assert response.status_code == 200
    assert "小湾村东口卡点" not in response.content.decode()


def test_list_answers_a_filter_change_with_only_the_rows(world, client, login):
    login(world.commander)
    response = client.get("/checkpoints/?kind=inspection_station", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "格达检查站" in body and "<html" not in body


def test_list_queries_do_not_grow_with_the_rows(world, client, login, django_assert_max_num_queries):
    login(world.commander)
    for i in range(30):
        services.checkpoint_create(actor=world.commander, area=world.xw, name=f"临时卡点{i}")
    with django_assert_max_num_queries(12):
        client.get("/checkpoints/")


def test_detail_shows_history_to_the_commander_only(world, client, login):
    login(world.commander)
    assert "变更历史" in client.get(f"/checkpoints/{world.sjf_gate.pk}/").content.decode()
    login(world.clerk)
    body = client.get(f"/checkpoints/{world.sjf_gate.pk}/").content.decode()
    assert "四间房村东口卡点" in body and "变更历史" not in body


def test_commander_sets_up_and_changes_a_checkpoint(world, client, login):
    login(world.commander)
    response = client.post(
        "/checkpoints/new/",
        {
            "name": "四间房村南口卡点",
            "kind": "village_gate",
            "area": world.sjf.code,
            "location": "南口",
            "hours": "24小时",
            "status": "open_24h",
            "note": "",
        },
    )
    checkpoint = Checkpoint.objects.get(name="四间房村南口卡点")
    assert response["Location"] == f"/checkpoints/{checkpoint.pk}/"
    client.post(
        f"/checkpoints/{checkpoint.pk}/edit/",
        {
            "name": "四间房村南口卡点",
            "kind": "village_gate",
            "status": "closed",
            "hours": "",
            "location": "",
            "note": "已撤",
        },
    )
    checkpoint.refresh_from_db()
    assert checkpoint.status == "closed" and checkpoint.note == "已撤"


def test_a_duplicate_name_in_the_same_area_is_refused_with_a_message(world, client, login):
    login(world.commander)
    body = client.post(
        "/checkpoints/new/",
        {"name": "四间房村东口卡点", "kind": "village_gate", "area": world.sjf.code, "status": "open_24h"},
    ).content.decode()
    assert "该区域已有同名卡点" in body
    assert Checkpoint.objects.filter(name="四间房村东口卡点").count() == 1


def test_a_guard_sees_a_checkpoint_but_cannot_change_it(world, client, login):
    login(world.guard)
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/").status_code == 200
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/edit/").status_code == 403
    assert client.get("/checkpoints/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.checkpoint_update(actor=world.guard, checkpoint=world.sjf_gate, status="closed")


def test_service_refuses_an_unknown_status(world):
    with pytest.raises(ValidationError):
        services.checkpoint_update(actor=world.commander, checkpoint=world.sjf_gate, status="maybe")


def test_api_lists_creates_and_changes(world, api_client):
    client = api_client(world.commander)
    listed = client.get("/api/v1/checkpoints/").json()
    assert listed["count"] == 4 and {i["name"] for i in listed["items"]} >= {"格达检查站"}
    only_village = client.get(f"/api/v1/checkpoints/?area={world.sjf.code}").json()
    assert {i["name"] for i in only_village["items"]} == {"四间房村东口卡点", "第一网格卡点"}
    created = client.post(
        "/api/v1/checkpoints/", {"name": "新卡点", "area": world.xw.code}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status_label"] == "24小时值守"
    changed = client.patch(
        f"/api/v1/checkpoints/{created.json()['id']}", {"status": "closed"}, content_type="application/json"
    )
    assert changed.json()["status"] == "closed"
    bad = client.patch(
        f"/api/v1/checkpoints/{created.json()['id']}", {"status": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["message"] == "不是允许的取值。"


def test_api_refuses_a_foreign_area_filter_and_a_guards_change(world, api_client):
    assert api_client(world.clerk).get(f"/api/v1/checkpoints/?area={world.xw.code}").status_code == 404
    response = api_client(world.guard).patch(
        f"/api/v1/checkpoints/{world.sjf_gate.pk}", {"status": "closed"}, content_type="application/json"
    )
    assert response.status_code == 403
