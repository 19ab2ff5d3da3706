"""The seed town's protective supplies, February 2020, through the stock services (invented in the
frame of the town's account: the county's masks and suits came to the town's command centre, which
issued them to 四间房村, to the disinfection team working there and to the village's east gate).

The town's store receives on 5 and 9 February, issues on 9 February, the team, the gate and the
village use stock daily from 10 to 21 February, and the masks and disinfectant delivered to the
sealed village's gate on 11 February (recorded by lockdowns) count as issued from the town's store;
the masks delivered on 20 February are left for the clerk to count, so the overview lists them. The
suits fall below the town's warning level.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cordon.accounts.models import Area, User
from cordon.checkpoints.models import Checkpoint
from cordon.forces.models import Team
from cordon.lockdowns.models import SupplyDelivery
from cordon.stock import services
from cordon.stock.models import Item

TZ = ZoneInfo("Asia/Shanghai")
TOWN, VILLAGE = "131081103000", "131081103215"

# Received by the town: (day, item, quantity, from whom).
RECEIVED = [
    (5, "mask", 12000, "霸州市指挥部"),
    (5, "disinfectant", 400, "霸州市指挥部"),
    (5, "thermometer", 60, "霸州市指挥部"),
    (9, "suit", 120, "霸州市疾控中心"),
    (9, "test_kit", 500, "霸州市疾控中心"),
]
# Issued on 9 February by the town: (to, item, quantity).
ISSUED = [
    ("village", "mask", 3000),
    ("village", "disinfectant", 60),
    ("village", "thermometer", 10),
    ("team", "mask", 1200),
    ("team", "suit", 90),
    ("team", "disinfectant", 200),
    ("gate", "mask", 600),
    ("gate", "thermometer", 4),
]
# Used each day from 10 to 21 February: (where, item, per day).
USED = [
    ("team", "mask", 40),
    ("team", "suit", 6),
    ("team", "disinfectant", 12),
    ("gate", "mask", 30),
    ("village", "mask", 120),
]
# Deliveries to the sealed gate counted as issued from the town's store: (description, item).
COUNTED = [("医用口罩", "mask", date(2020, 2, 11)), ("84消毒液", "disinfectant", date(2020, 2, 11))]


def _at(day: int, hour: int) -> datetime:
    return datetime.combine(date(2020, 2, day), time(hour), tzinfo=TZ)


def load(operator, data, log) -> None:
    users = {
        u.username: u for u in User.objects.filter(username__in=["zhb", "sjf_clerk", "xiaosha", "sjf_guard"])
    }
    staff, clerk = users.get("zhb", operator), users.get("sjf_clerk", operator)
    town = services.store_for_area(actor=staff, area=Area.objects.get(code=TOWN))
    village = services.store_for_area(actor=clerk, area=Area.objects.get(code=VILLAGE))
    team = services.store_for_team(actor=staff, team=Team.objects.get(name="镇消杀一队（四间房村）"))
    gate = services.store_for_checkpoint(
        actor=clerk, checkpoint=Checkpoint.objects.get(area_id=VILLAGE, name="四间房村东口卡点")
    )
    stores = {"village": village, "team": team, "gate": gate}
    items = {i.code: i for i in Item.objects.all()}
    for day, code, quantity, party in RECEIVED:
        services.stock_receive(
            actor=staff, store=town, item=items[code], quantity=quantity, party=party, at=_at(day, 9)
        )
    for to, code, quantity in ISSUED:
        services.stock_issue(
            actor=staff, store=town, item=items[code], quantity=quantity, to_store=stores[to], at=_at(9, 15)
        )
    users_of = {"team": users.get("xiaosha", staff), "gate": users.get("sjf_guard", clerk), "village": clerk}
    for day in range(10, 22):
        for where, code, per_day in USED:
            services.stock_use(
                actor=users_of[where],
                store=stores[where],
                item=items[code],
                quantity=per_day,
                at=_at(day, 18),
            )
    counted = 0
    for description, code, day in COUNTED:
        start = datetime.combine(day, time.min, tzinfo=TZ)
        delivery = SupplyDelivery.objects.get(
            area_id=VILLAGE,
            description=description,
            delivered_at__gte=start,
            delivered_at__lt=start + timedelta(days=1),
        )
        services.delivery_issue(actor=staff, delivery=delivery, item=items[code])
        counted += 1
    log(
        f"  stock: 4 stores, {len(RECEIVED)} receipts, {len(ISSUED)} issues, {12 * len(USED)} uses, "
        f"{counted} deliveries to the sealed gate counted as issues"
    )
