"""Stock received, issued and used: who may, where, how much — through the service, the pages and the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from cordon.core.models import AuditEntry
from cordon.stock import figures, services
from cordon.stock.models import Movement, Store


def test_an_issue_to_a_village_is_issued_here_and_received_there(world, items, stock):
    issued, created = services.stock_issue(
        actor=world.commander, store=stock.town, item=items.mask, quantity=300, to_store=stock.sjf
    )
    assert created
    received = issued.counterpart
    assert (received.store, received.kind, received.quantity) == (stock.sjf, "received", Decimal(300))
    assert received.counterpart == issued
    assert services.on_hand(stock.town, items.mask) == 700
    assert services.on_hand(stock.sjf, items.mask) == 300
    assert AuditEntry.objects.filter(action="stock.issue", target_id=str(issued.pk)).exists()


def test_an_issue_to_a_team_or_a_checkpoint_sets_up_its_store(world, items, stock):
    team_store = services.store_choice(actor=world.commander, value=f"t:{world.team.pk}")
    gate_store = services.store_choice(actor=world.clerk, value=f"c:{world.sjf_gate.pk}")
    assert (team_store.kind, team_store.area_id) == (Store.Kind.TEAM, world.sjf.code)
    assert (gate_store.kind, gate_store.checkpoint) == (Store.Kind.CHECKPOINT, world.sjf_gate)
    services.stock_issue(
        actor=world.commander, store=stock.town, item=items.mask, quantity=50, to_store=gate_store
    )
    services.stock_use(actor=world.guard, store=gate_store, item=items.mask, quantity=20)
    assert services.on_hand(gate_store, items.mask) == 30


def test_refuses_to_issue_more_than_the_store_holds_and_writes_nothing(world, items, stock):
    rows, audits = Movement.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.stock_issue(
            actor=world.commander, store=stock.town, item=items.suit, quantity=41, to_store=stock.sjf
        )
    message = exc.value.message_dict["quantity"][0]
    assert "只有" in message and "40" in message and "防护服" in message
    with pytest.raises(ValidationError):
        services.stock_use(actor=world.clerk, store=stock.sjf, item=items.mask, quantity=1)
    assert (Movement.objects.count(), AuditEntry.objects.count()) == (rows, audits)


def test_refuses_roles_that_may_not_act(world, items, stock):
    with pytest.raises(PermissionDenied):  # a guard records use, never receipts
        services.stock_receive(actor=world.guard, store=stock.sjf, item=items.mask, quantity=10)
    with pytest.raises(PermissionDenied):  # a viewer reads only
        services.stock_use(actor=world.viewer, store=stock.town, item=items.mask, quantity=1)
    with pytest.raises(PermissionDenied):  # a village's clerk cannot issue from the town's store
        services.stock_issue(
            actor=world.clerk, store=stock.town, item=items.mask, quantity=1, to_store=stock.sjf
        )
    with pytest.raises(PermissionDenied):  # nor from another village's
        services.stock_use(actor=world.other_clerk, store=stock.sjf, item=items.mask, quantity=1)
    with pytest.raises(PermissionDenied):  # items are the command centre's
        services.level_set(actor=world.clerk, town=world.town, item=items.mask, warning_level=5)


def test_another_villages_store_is_no_such_record(world, items, stock, login, api_client):
    with pytest.raises(Http404):
        services.store_choice(actor=world.other_clerk, value=f"s:{stock.sjf.pk}")
    with pytest.raises(Http404):
        services.store_choice(actor=world.other_clerk, value=f"t:{world.team.pk}")
    assert login(world.other_clerk).get(reverse("stock:store", args=[stock.sjf.pk])).status_code == 404
    api = api_client(world.other_clerk)
    assert api.get(f"/api/v1/stock/stores/{stock.sjf.pk}").status_code == 404
    answer = api.post(
        f"/api/v1/stock/stores/{stock.sjf.pk}/use",
        {"item": "mask", "quantity": "1"},
        content_type="application/json",
    )
    missing = api.post(
        "/api/v1/stock/stores/999999/use", {"item": "mask", "quantity": "1"}, content_type="application/json"
    )
    assert answer.status_code == missing.status_code == 404
    assert answer.json() == missing.json()
    listed = api.get("/api/v1/stock/stores").json()["items"]
    assert {s["id"] for s in listed} == {stock.xw.pk}


def test_a_retry_with_the_same_key_is_recorded_once(world, items, stock, login, api_client):
    first, created = services.stock_issue(
        actor=world.commander,
        store=stock.town,
        item=items.mask,
        quantity=100,
        to_store=stock.sjf,
        client_key="k1",
    )
    again, created_again = services.stock_issue(
        actor=world.commander,
        store=stock.town,
        item=items.mask,
        quantity=100,
        to_store=stock.sjf,
        client_key="k1",
    )
    assert created and not created_again and again.pk == first.pk
    assert services.on_hand(stock.town, items.mask) == 900
    with pytest.raises(ValidationError):  # the same key for another act is a mistake, not a retry
        services.stock_use(
            actor=world.commander, store=stock.town, item=items.mask, quantity=5, client_key="k1"
        )

    # The page: the same form posted twice.
    client = login(world.clerk)
    form = {
        "store": f"s:{stock.sjf.pk}",
        "item": str(items.mask.pk),
        "quantity": "10",
        "note": "",
        "client_key": "p1",
    }
    for _ in range(2):
        assert client.post(reverse("stock:use"), form).status_code == 302
    assert services.on_hand(stock.sjf, items.mask) == 90

    # The API: 201, then 200 with the same record.
    api = api_client(world.clerk)
    body = {"item": "mask", "quantity": "5", "client_key": "a1"}
    url = f"/api/v1/stock/stores/{stock.sjf.pk}/use"
    one = api.post(url, body, content_type="application/json")
    two = api.post(url, body, content_type="application/json")
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json()["id"] == two.json()["id"]
    assert services.on_hand(stock.sjf, items.mask) == 85


def test_the_api_refuses_an_over_issue_in_chinese(world, items, stock, api_client):
    api = api_client(world.commander)
    answer = api.post(
        f"/api/v1/stock/stores/{stock.town.pk}/issue",
        {"item": "suit", "quantity": "100", "to": f"s:{stock.sjf.pk}"},
        content_type="application/json",
        headers={"accept-language": "zh-hans"},
    )
    assert answer.status_code in (400, 422)
    assert "只有" in str(answer.json())
    assert services.on_hand(stock.town, items.suit) == 40
    issued = api.post(
        f"/api/v1/stock/stores/{stock.town.pk}/issue",
        {"item": "suit", "quantity": "10", "to": f"t:{world.team.pk}"},
        content_type="application/json",
    )
    assert issued.status_code == 201
    team_store = Store.objects.get(team=world.team)
    assert api.get(f"/api/v1/stock/stores/{team_store.pk}").json()["stock"][1]["on_hand"] in ("10", "10.00")


def test_the_pages_show_stock_and_forms_in_chinese(world, items, stock, login):
    services.stock_issue(
        actor=world.commander, store=stock.town, item=items.mask, quantity=100, to_store=stock.sjf
    )
    client = login(world.clerk)
    page = client.get(reverse("stock:index"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "四间房村" in page and "库存" in page
    assert "小湾村" not in page  # another village's store is not listed
    ledger = client.get(reverse("stock:store", args=[stock.sjf.pk])).content.decode()
    assert "100" in ledger
    for kind in ("receive", "issue", "use"):
        assert client.get(reverse(f"stock:{kind}")).status_code == 200
    assert login(world.guard).get(reverse("stock:receive")).status_code == 403


def test_each_town_sets_its_own_warning_levels_and_the_catalogue_is_the_servers(
    world, items, api_client, login
):
    services.level_set(actor=world.commander, town=world.town, item=items.mask, warning_level=500)
    services.level_set(actor=world.neighbour, town=world.neighbour_town, item=items.mask, warning_level=80)
    assert figures.town_levels(world.town.code)[items.mask.pk] == 500
    assert figures.town_levels(world.neighbour_town.code)[items.mask.pk] == 80
    assert figures.town_levels(world.town.code)[items.suit.pk] == items.suit.warning_level  # the default
    with pytest.raises(PermissionDenied):  # another town's commander
        services.level_set(actor=world.neighbour, town=world.town, item=items.mask, warning_level=1)
    with pytest.raises(ValidationError):  # levels are a town's
        services.level_set(actor=world.commander, town=world.sjf, item=items.mask, warning_level=1)
    # Two towns share this server's items: neither town's commander renames them; the operator may.
    with pytest.raises(PermissionDenied):
        services.item_update(actor=world.commander, item=items.mask, data={"name": "一次性口罩"})
    services.item_update(actor=world.operator, item=items.mask, data={"unit": "个"})
    items.mask.refresh_from_db()
    assert items.mask.unit == "个"

    api = api_client(world.commander)
    answer = api.put(
        f"/api/v1/stock/levels/{world.town.code}", {"levels": {"suit": "30"}}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["levels"]["suit"] in ("30", "30.00")
    assert api_client(world.neighbour).get(f"/api/v1/stock/levels/{world.town.code}").status_code == 404
    page = login(world.commander).post(
        reverse("stock:items"), {"area": world.town.code, f"level_{items.test_kit.pk}": "12"}
    )
    assert page.status_code == 302
    assert figures.town_levels(world.town.code)[items.test_kit.pk] == 12


def test_the_overview_and_a_ledger_cost_the_same_queries_however_many_stores(world, items, stock, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.commander)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(reverse("stock:index"))  # the session is saved on the first page only
    before = (queries(reverse("stock:index")), queries(reverse("stock:store", args=[stock.town.pk])))
    for target in (f"t:{world.team.pk}", f"c:{world.sjf_gate.pk}", f"s:{stock.xw.pk}"):
        to_store = services.store_choice(actor=world.commander, value=target)
        services.stock_issue(
            actor=world.commander, store=stock.town, item=items.mask, quantity=5, to_store=to_store
        )
        services.stock_use(actor=world.commander, store=to_store, item=items.mask, quantity=1)
    after = (queries(reverse("stock:index")), queries(reverse("stock:store", args=[stock.town.pk])))
    assert after == before
