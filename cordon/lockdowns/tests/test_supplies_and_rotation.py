"""Supplies to a sealed village's gate and its purchase rotation: batches, days, new households."""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.gate import passages
from cordon.lockdowns import services, services_supplies
from cordon.lockdowns.models import RotationMember
from cordon.people import services as people_services
from cordon.people.models import Household


@pytest.fixture
def village(world):
    """四间房村 sealed, with seven households (尹某某's among them)."""
    sealed_from = datetime(2020, 2, 9, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    lockdown = services.lockdown_seal(actor=world.commander, area=world.sjf, starts_at=sealed_from)
    for n in range(2, 8):
        person, _created = people_services.person_save(
            actor=world.clerk, area=world.sjf, data={"name": f"住户{'二三四五六七'[n - 2]}"}
        )
        people_services.household_assign(actor=world.clerk, person=person, address=f"四间房村西街{n}号")
    return lockdown


def test_households_are_spread_evenly_and_batch_k_shops_every_n_days(world, village):
    rotation = services_supplies.rotation_create(
        actor=world.clerk, lockdown=village, every_days=3, starts_on=date(2020, 2, 10)
    )
    sizes = Counter(RotationMember.objects.filter(rotation=rotation).values_list("batch", flat=True))
    households = Household.objects.within(world.sjf.code).count()  # seven, and the world's grid's one
    assert sum(sizes.values()) == households == 8 and sorted(sizes.values()) == [2, 3, 3]
    assert [rotation.batch_on(date(2020, 2, d)) for d in range(9, 17)] == [None, 1, 2, 3, 1, 2, 3, 1]
    assert len(services_supplies.households_on(rotation, date(2020, 2, 13))) == sizes[1]
    with pytest.raises(ValidationError, match="已有"):
        services_supplies.rotation_create(actor=world.clerk, lockdown=village)


def test_new_households_join_the_smallest_batch_and_nobody_else_moves(world, village):
    rotation = services_supplies.rotation_create(
        actor=world.clerk, lockdown=village, starts_on=date(2020, 2, 10)
    )
    before = dict(RotationMember.objects.filter(rotation=rotation).values_list("household_id", "batch"))
    for n, name in ((8, "新户甲"), (9, "新户乙")):
        person, _created = people_services.person_save(actor=world.clerk, area=world.sjf, data={"name": name})
        people_services.household_assign(actor=world.clerk, person=person, address=f"四间房村北街{n}号")
    assert services_supplies.households_waiting(rotation) == 2
    assert services_supplies.rotation_rebalance(actor=world.clerk, rotation=rotation) == 2
    after = dict(RotationMember.objects.filter(rotation=rotation).values_list("household_id", "batch"))
    assert all(after[h] == b for h, b in before.items())
    assert sorted(Counter(after.values()).values()) == [3, 3, 4]
    assert services_supplies.rotation_rebalance(actor=world.clerk, rotation=rotation) == 0


def test_the_gate_tells_a_households_turn(world, village):
    import time_machine as tm

    services_supplies.rotation_create(actor=world.clerk, lockdown=village, starts_on=date(2020, 2, 10))
    batch = RotationMember.objects.get(household=world.yin.household).batch
    with tm.travel(f"2020-02-{9 + batch} 10:00 +0800", tick=False):
        check = passages.gate_check(
            actor=world.guard, checkpoint=world.sjf_gate, document_number=world.yin.document_number
        )
        assert "sealed_no_pass" in check.flags and "今日可外出采购" in check.as_dict()["turn"]
    with tm.travel(f"2020-02-{10 + batch} 10:00 +0800", tick=False):
        check = passages.gate_check(
            actor=world.guard, checkpoint=world.sjf_gate, document_number=world.yin.document_number
        )
        assert f"下次 02-{12 + batch}" in check.as_dict()["turn"]


def test_supplies_are_recorded_with_what_how_much_and_who(world, village):
    delivery = services_supplies.supply_record(
        actor=world.clerk,
        lockdown=village,
        data={
            "kind": "vegetables",
            "description": "白菜",
            "quantity": "500",
            "unit": "斤",
            "supplier": "堂二里镇供销社",
            "received_by": "王村长",
        },
    )
    assert str(delivery) == "白菜 500.00斤"
    for bad in ({"quantity": "-1"}, {"quantity": "abc"}, {"kind": "toys"}, {"received_by": ""}):
        data = {
            "kind": "grain",
            "description": "大米",
            "quantity": "10",
            "unit": "袋",
            "supplier": "x",
            "received_by": "y",
            **bad,
        }
        with pytest.raises(ValidationError):
            services_supplies.supply_record(actor=world.clerk, lockdown=village, data=data)
    with pytest.raises(PermissionDenied):
        services_supplies.supply_record(actor=world.other_clerk, lockdown=village, data={})


def test_the_sealed_villages_page_lists_the_days_households(world, village, client):
    services_supplies.rotation_create(actor=world.clerk, lockdown=village, starts_on=date(2020, 2, 10))
    client.force_login(world.clerk)
    page = client.get(f"/lockdowns/{village.pk}/?day=2020-02-10").content.decode()
    assert "2020-02-10：第 1 批" in page and "四间房村西街" in page
    client.force_login(world.other_clerk)
    assert client.get(f"/lockdowns/{village.pk}/").status_code == 404


def test_the_api_records_supplies_and_gives_the_days_list(world, village, api_client):
    import json

    api = api_client(world.clerk)
    base = f"/api/v1/lockdowns/{village.pk}"
    body = {
        "kind": "medicine",
        "description": "退烧药",
        "quantity": "30",
        "unit": "盒",
        "supplier": "镇卫生院",
        "received_by": "王村长",
    }
    created = api.post(f"{base}/supplies", data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["quantity"] == "30.00"
    bad = api.post(
        f"{base}/supplies", data=json.dumps({**body, "quantity": "0"}), content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "quantity"
    made = api.post(
        f"{base}/rotation",
        data=json.dumps({"every_days": 3, "starts_on": "2020-02-10"}),
        content_type="application/json",
    )
    assert made.status_code == 201 and sum(made.json()["batch_sizes"].values()) == 8
    day = api.get(f"{base}/rotation?day=2020-02-11").json()
    assert day["batch_today"] == 2 and len(day["households_today"]) == day["batch_sizes"]["2"]
    assert api_client(world.other_clerk).get(f"{base}/rotation").status_code == 404
