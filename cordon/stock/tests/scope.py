"""The stock pages and endpoints that name a record, for tests/test_scope_everywhere.py."""


def pages(world) -> dict:
    return {
        "stock:store": ("get", {"pk": world.stock_sjf.pk}),
        "stock:delivery": ("get", {"pk": world.delivery.pk}),
    }


def api_calls(world) -> dict:
    base = "/api/v1/stock"
    store = f"{base}/stores/{world.stock_sjf.pk}"
    move = {"item": "thermometer", "quantity": "1"}
    return {
        ("get", "/api/v1/stock/stores/{store_id}"): (store, None),
        ("get", "/api/v1/stock/stores/{store_id}/movements"): (store + "/movements", None),
        ("post", "/api/v1/stock/stores/{store_id}/receive"): (store + "/receive", move),
        ("post", "/api/v1/stock/stores/{store_id}/issue"): (
            store + "/issue",
            {**move, "to": f"s:{world.stock_town.pk}"},
        ),
        ("post", "/api/v1/stock/stores/{store_id}/use"): (store + "/use", move),
        ("post", "/api/v1/stock/deliveries/{delivery_id}/issue"): (
            f"{base}/deliveries/{world.delivery.pk}/issue",
            {"item": "thermometer"},
        ),
        ("get", "/api/v1/stock/levels/{area}"): (f"{base}/levels/{world.town.code}", None),
        ("put", "/api/v1/stock/levels/{area}"): (f"{base}/levels/{world.town.code}", {"levels": {}}),
    }
