from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from cordon.stock import services
from cordon.stock.models import Item

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour=9):
    return datetime(2020, 2, day, hour, tzinfo=TZ)


@pytest.fixture
def items(db):
    return SimpleNamespace(**{i.code: i for i in Item.objects.all()})


@pytest.fixture
def stock(world, items):
    """The town's store with 1000 masks and 40 suits; 四间房村's and 小湾村's stores, empty."""
    town = services.store_for_area(actor=world.commander, area=world.town)
    services.stock_receive(
        actor=world.commander, store=town, item=items.mask, quantity=1000, party="县指挥部"
    )
    services.stock_receive(actor=world.commander, store=town, item=items.suit, quantity=40, party="县疾控")
    return SimpleNamespace(
        town=town,
        sjf=services.store_for_area(actor=world.clerk, area=world.sjf),
        xw=services.store_for_area(actor=world.other_clerk, area=world.xw),
    )
