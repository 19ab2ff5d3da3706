"""The stock's figures: days left at the last 7 days' rate (clock moved), the warning level, what
teams and checkpoints used, deliveries to a sealed gate counted once, and the daily report's section,
whose figures keep received − issued − used = on hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.lockdowns import services as lockdown_services
from cordon.lockdowns import services_supplies
from cordon.reports import figures as report_figures
from cordon.stock import figures, services
from cordon.stock.models import Movement
from cordon.stock.tests.conftest import at


@pytest.fixture
def february(world, items):
    """The town receives 1000 masks on 1 February, issues 400 to 四间房村's gate; the gate uses 20 a
    day from 2 to 15 February."""
    with time_machine.travel(at(1), tick=False):
        town = services.store_for_area(actor=world.commander, area=world.town)
        services.stock_receive(actor=world.commander, store=town, item=items.mask, quantity=1000)
        gate = services.store_choice(actor=world.commander, value=f"c:{world.sjf_gate.pk}")
        services.stock_issue(actor=world.commander, store=town, item=items.mask, quantity=400, to_store=gate)
    for day in range(2, 16):
        with time_machine.travel(at(day, 18), tick=False):
            services.stock_use(actor=world.guard, store=gate, item=items.mask, quantity=20)
    return town, gate


def test_days_left_follow_the_last_seven_days_rate_as_the_clock_moves(world, items, february):
    _town, gate = february
    with time_machine.travel(at(15, 20), tick=False):  # 120 left, 20 a day
        line = figures.store_lines([gate])[gate.pk][0]
        assert (line.on_hand, line.days_left) == (Decimal(120), Decimal("6.0"))
        town_line = figures.area_lines(Movement.objects.within(world.town.code))[0]
        assert town_line.on_hand == 720 and town_line.days_left == Decimal("36.0")  # 720 / 20 a day
    with time_machine.travel(at(19, 20), tick=False):  # no use since the 15th: 3 days of 7 left in the rate
        line = figures.store_lines([gate])[gate.pk][0]
        assert line.days_left == Decimal("14.0")  # 120 / (60 / 7)
    with time_machine.travel(at(23, 20), tick=False):  # a week without use: no rate, no days-left
        assert figures.store_lines([gate])[gate.pk][0].days_left is None


def test_an_item_below_the_towns_warning_level_is_flagged(world, items, february):
    services.level_set(actor=world.commander, town=world.town, item=items.mask, warning_level="800")
    with time_machine.travel(at(16), tick=False):
        lines = figures.area_lines(Movement.objects.within(world.town.code), town=world.town.code)
        village = figures.area_lines(Movement.objects.within(world.sjf.code))
    assert [line.item.code for line in lines if line.below_warning] == ["mask"]  # 720 < 800
    assert not any(line.below_warning for line in village)  # the level is the town's total
    services.level_set(actor=world.commander, town=world.town, item=items.mask, warning_level="700")
    with time_machine.travel(at(16), tick=False):
        assert not any(
            line.below_warning for line in figures.area_lines(Movement.objects.all(), town=world.town.code)
        )


def test_what_each_team_and_checkpoint_used_in_a_period(world, items, february):
    _town, gate = february
    rows = figures.used_by(Movement.objects.all(), date(2020, 2, 10), date(2020, 2, 12))
    assert [(r["store_id"], r["item"], r["used"]) for r in rows] == [(gate.pk, "口罩", 60)]


@pytest.fixture
def sealed(world):
    lockdown = lockdown_services.lockdown_seal(actor=world.commander, area=world.sjf, starts_at=at(9, 22))
    return lockdown


def _deliver(world, lockdown, what="医用口罩", quantity=200, unit="只"):
    return services_supplies.supply_record(
        actor=world.clerk,
        lockdown=lockdown,
        data={
            "delivered_at": at(11, 10),
            "kind": "protective",
            "description": what,
            "quantity": quantity,
            "unit": unit,
            "supplier": "镇指挥部",
            "received_by": "李春生",
        },
    )


@time_machine.travel(at(12), tick=False)
def test_a_delivery_to_a_sealed_gate_counts_once_as_an_issue_from_the_town_store(
    world, items, stock, sealed, api_client
):
    delivery = _deliver(world, sealed)
    assert (
        services.delivery_source(delivery) == stock.town
    )  # the village is sealed: its goods came from the town
    with pytest.raises(PermissionDenied):  # the village clerk does not keep the town store
        services.delivery_issue(actor=world.clerk, delivery=delivery, item=items.mask)
    api = api_client(world.commander)
    url = f"/api/v1/stock/deliveries/{delivery.pk}/issue"
    first = api.post(url, {"item": "mask"}, content_type="application/json")
    second = api.post(url, {"item": "mask", "client_key": "other"}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and first.json()["delivery"] == delivery.pk
    assert services.on_hand(stock.town, items.mask) == 800  # counted once
    lines = figures.area_lines(Movement.objects.within(world.town.code))
    assert lines[0].issued == 200 and lines[0].out_week == 200  # it left the town's stock


@time_machine.travel(at(12), tick=False)
def test_a_delivery_in_another_unit_asks_for_the_quantity(world, items, stock, sealed):
    delivery = _deliver(world, sealed, what="口罩", quantity=4, unit="箱")
    with pytest.raises(ValidationError) as exc:
        services.delivery_issue(actor=world.commander, delivery=delivery, item=items.mask)
    assert "quantity" in exc.value.message_dict
    movement, _created = services.delivery_issue(
        actor=world.commander, delivery=delivery, item=items.mask, quantity=200
    )
    assert movement.quantity == 200


def test_the_report_section_adds_up_received_less_issued_and_used_to_on_hand(world, items, february):
    town, _gate = february
    with time_machine.travel(at(15, 10), tick=False):
        sjf = services.store_for_area(actor=world.clerk, area=world.sjf)
        services.stock_receive(actor=world.commander, store=town, item=items.suit, quantity=40)
        services.stock_issue(actor=world.commander, store=town, item=items.suit, quantity=15, to_store=sjf)
        services.stock_use(actor=world.clerk, store=sjf, item=items.suit, quantity=5)
    with time_machine.travel(at(16, 10), tick=False):
        services.stock_use(actor=world.clerk, store=sjf, item=items.suit, quantity=2)
        as_of = report_figures.end_of_day(date(2020, 2, 15))
        figs = report_figures.area_figures(viewer=world.commander, area=world.town, as_of=as_of)
        section = figs["sections"]["stock"]["figures"]
        for item in ("mask", "suit", "disinfectant"):

            def value(name, item=item):
                return section[f"{name}_{item}"]["value"]

            assert value("received") - value("issued") - value("used") == value("on_hand")
        assert section["on_hand_mask"]["value"] == 1000 - 280  # the 400 moved inside the town
        assert section["days_left_mask"]["value"] == 36.0  # 720 at 20 a day
        assert section["on_hand_suit"]["value"] == 35  # the 16th's use is not in the 15th's report
        # Each village's column is its own figures; the town's are the sum of its rows.
        whole, parts = report_figures.figures_with_parts(
            viewer=world.commander, area=world.town, as_of=as_of, parts=[world.sjf, world.xw]
        )
        village = parts[0]["sections"]["stock"]["figures"]
        assert village["on_hand_mask"]["value"] == 120 and village["days_left_mask"]["value"] == 6.0
        assert "below_warning" not in village  # the levels are the town's
        assert village["on_hand_suit"]["value"] == 10
        assert whole["sections"]["stock"]["figures"] == section
        # The village's clerk sees the village's stock only.
        own = report_figures.area_figures(viewer=world.clerk, area=world.town, as_of=as_of)
        assert own["sections"]["stock"]["figures"]["on_hand_mask"]["value"] == 120
        services.level_set(actor=world.commander, town=world.town, item=items.suit, warning_level=50)
        later = report_figures.area_figures(
            viewer=world.commander, area=world.town, as_of=report_figures.end_of_day(date(2020, 2, 16))
        )
    stock = later["sections"]["stock"]["figures"]
    # Masks 720 < 2000 (the seeded level), suits 33 < 50; the items never received are not flagged.
    assert stock["on_hand_suit"]["value"] == 33 and stock["below_warning"]["value"] == 2


def test_the_report_text_names_the_protective_supplies(world, items, february):
    from cordon.reports.report_text import report_text

    with time_machine.travel(at(16, 12), tick=False):
        figs = report_figures.area_figures(
            viewer=world.commander, area=world.town, as_of=report_figures.end_of_day(date(2020, 2, 15))
        )
    text = report_text(figs)
    assert "防护物资" in text and "口罩" in text
