"""The stock part of the test world: the town's, 四间房村's and 小湾村's stores, thermometers received
by the town and some issued to 四间房村 (thermometers only, so the stock tests' masks and suits
start from nothing)."""


def extend_world(world) -> None:
    from cordon.stock import services
    from cordon.stock.models import Item

    thermometer = Item.objects.get(code="thermometer")
    world.stock_town = services.store_for_area(actor=world.commander, area=world.town)
    world.stock_sjf = services.store_for_area(actor=world.clerk, area=world.sjf)
    world.stock_xw = services.store_for_area(actor=world.other_clerk, area=world.xw)
    services.stock_receive(actor=world.commander, store=world.stock_town, item=thermometer, quantity=10)
    world.stock_issue, _created = services.stock_issue(
        actor=world.commander, store=world.stock_town, item=thermometer, quantity=4, to_store=world.stock_sjf
    )
    services.stock_receive(actor=world.other_clerk, store=world.stock_xw, item=thermometer, quantity=2)
    world.stock_level = services.level_set(
        actor=world.commander, town=world.town, item=thermometer, warning_level=5
    )
