"""/api/v1/stock/: items, stores with what they hold, a store's ledger, stock received, issued and
used, a delivery to a sealed gate counted as an issue, and an area's figures — the pages' services.

A store of another village answers 404, like one that does not exist. Each act takes the client's
``client_key``: the first call answers 201, a retry with the same key 200 with the act as recorded.
"""

import datetime as dt
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.models import Area
from cordon.accounts.scope import get_visible_or_404, not_found, visible_area
from cordon.accounts.selectors import top_areas
from cordon.core import codes
from cordon.core.pagination import Pages
from cordon.lockdowns.models import SupplyDelivery
from cordon.stock import figures, services
from cordon.stock.models import Item, Movement, Store

router = Router(tags=["stock"])


class ItemOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    warning_level: Decimal
    active: bool


class ItemIn(Schema):
    code: str = Field(..., max_length=30)
    name: str | None = Field(None, max_length=40)
    unit: str | None = Field(None, max_length=10)
    warning_level: Decimal | None = None
    active: bool | None = None


class LineOut(Schema):
    item: str
    unit: str
    received: Decimal
    issued: Decimal
    used: Decimal
    on_hand: Decimal
    days_left: Decimal | None
    below_warning: bool


def _lines(lines) -> list[dict]:
    return [
        {
            "item": line.item.code,
            "unit": line.item.unit,
            "received": line.received,
            "issued": line.issued,
            "used": line.used,
            "on_hand": line.on_hand,
            "days_left": line.days_left,
            "below_warning": line.below_warning,
        }
        for line in lines
    ]


class StoreOut(Schema):
    id: int
    kind: str
    name: str
    area: str = Field(..., alias="area_id")
    team: int | None = Field(None, alias="team_id")
    checkpoint: int | None = Field(None, alias="checkpoint_id")


class StoreDetailOut(StoreOut):
    stock: list[LineOut]


class MovementOut(Schema):
    id: int
    store: int = Field(..., alias="store_id")
    item: str = Field(..., alias="item.code")
    kind: str
    quantity: Decimal
    at: datetime
    day: dt.date
    other_store: int | None = Field(None, alias="other_store_id")
    delivery: int | None = Field(None, alias="delivery_id")
    party: str
    note: str


class MoveIn(Schema):
    item: str = Field(..., max_length=30, description="the item's code, e.g. mask")
    quantity: Decimal
    at: datetime | None = None
    note: str = Field("", max_length=200)
    client_key: str = Field("", max_length=40)


class ReceiveIn(MoveIn):
    party: str = Field("", max_length=60)


class IssueIn(MoveIn):
    to: str = Field(
        ...,
        max_length=20,
        description="s:<store id>, t:<team id>, c:<checkpoint id> or a:<area code> (a town or village store)",
    )


class DeliveryIssueIn(Schema):
    item: str = Field(..., max_length=30)
    quantity: Decimal | None = None
    client_key: str = Field("", max_length=40)


class StoreIn(Schema):
    area: str = Field(..., max_length=15)


class SummaryOut(Schema):
    area: str
    as_of: datetime
    stock: list[LineOut]
    used: list[dict]


def _item(code: str, *, active: bool = True) -> Item:
    """Items are the town's catalogue, read by everyone; an unknown code is "no such record"."""
    items = Item.objects.filter(active=True) if active else Item.objects.all()
    item = items.filter(code=code).first()
    if item is None:
        raise not_found()
    return item


def _store(request, store_id: int) -> Store:
    return get_visible_or_404(Store.objects, request.user, pk=store_id)


@router.get("/items", response=list[ItemOut], summary="The town's items")
def item_list(request):
    return list(Item.objects.all())


@router.patch(
    "/items",
    response=ItemOut,
    summary="Change an item's name, unit or default level (whoever reaches every town on the server)",
)
def item_update(request, payload: ItemIn):
    return services.item_update(
        actor=request.user,
        item=_item(payload.code, active=False),
        data=payload.dict(exclude={"code"}, exclude_none=True),
    )


class LevelsIn(Schema):
    levels: dict[str, Decimal] = Field(..., description="{item code: warning level}")


class LevelsOut(Schema):
    area: str
    levels: dict[str, Decimal]


def _town(request, area: str) -> Area:
    return get_visible_or_404(Area.objects, request.user, code=area)


def _levels(town: Area) -> dict:
    levels = figures.town_levels(town.code)
    return {"area": town.code, "levels": {i.code: levels[i.pk] for i in Item.objects.all()}}


@router.get("/levels/{area}", response=LevelsOut, summary="A town's warning level per item")
def levels_get(request, area: str):
    return _levels(_town(request, area))


@router.put("/levels/{area}", response=LevelsOut, summary="Set a town's warning levels (its command centre)")
def levels_put(request, area: str, payload: LevelsIn):
    town = _town(request, area)
    services.town_levels_set(
        actor=request.user,
        town=town,
        levels={_item(code, active=False): value for code, value in payload.levels.items()},
    )
    return _levels(town)


@router.get("/stores", response=list[StoreDetailOut], summary="Stores and what each holds")
@paginate(Pages, page_size=100)
def store_list(request, area: str = ""):
    stores = Store.objects.visible_to(request.user)
    if area:
        stores = stores.within(area)
    return _StoresWithStock(stores)


class _StoresWithStock:
    """A page of stores, each with its stock counted in one query for the page."""

    def __init__(self, stores):
        self.stores = stores

    def __len__(self):
        return self.stores.count()

    def count(self):
        return self.stores.count()

    def __getitem__(self, key):
        page = list(self.stores[key])
        lines = figures.store_lines(page)
        for store in page:
            store.stock = _lines(lines[store.pk])
        return page


@router.post("/stores", response={201: StoreOut, 200: StoreOut}, summary="Set up a town's or village's store")
def store_create(request, payload: StoreIn):
    area = visible_area(request.user, payload.area)
    existed = (
        Store.objects.visible_to(request.user)
        .filter(area=area, kind__in=[Store.Kind.TOWN, Store.Kind.VILLAGE])
        .exists()
    )
    store = services.store_for_area(actor=request.user, area=area)
    return Status(200 if existed else 201, store)


@router.get("/stores/{store_id}", response=StoreDetailOut, summary="One store and what it holds")
def store_get(request, store_id: int):
    store = _store(request, store_id)
    store.stock = _lines(figures.store_lines([store])[store.pk])
    return store


@router.get(
    "/stores/{store_id}/movements", response=list[MovementOut], summary="A store's ledger, newest first"
)
@paginate(Pages, page_size=100)
def store_movements(request, store_id: int):
    return _store(request, store_id).movements.select_related("item")


def _answer(result):
    movement, created = result
    return Status(201 if created else 200, movement)


@router.post(
    "/stores/{store_id}/receive", response={201: MovementOut, 200: MovementOut}, summary="Stock received"
)
def receive(request, store_id: int, payload: ReceiveIn):
    return _answer(
        services.stock_receive(
            actor=request.user,
            store=_store(request, store_id),
            item=_item(payload.item),
            **payload.dict(exclude={"item"}),
        )
    )


@router.post(
    "/stores/{store_id}/issue",
    response={201: MovementOut, 200: MovementOut},
    summary="Stock issued to another store, a team or a checkpoint (refused above what the store holds)",
)
def issue(request, store_id: int, payload: IssueIn):
    store = _store(request, store_id)
    to_store = services.store_choice(actor=request.user, value=payload.to)
    return _answer(
        services.stock_issue(
            actor=request.user,
            store=store,
            item=_item(payload.item),
            to_store=to_store,
            **payload.dict(exclude={"item", "to"}),
        )
    )


@router.post(
    "/stores/{store_id}/use",
    response={201: MovementOut, 200: MovementOut},
    summary="Stock used up (refused above what the store holds)",
)
def use(request, store_id: int, payload: MoveIn):
    return _answer(
        services.stock_use(
            actor=request.user,
            store=_store(request, store_id),
            item=_item(payload.item),
            **payload.dict(exclude={"item"}),
        )
    )


@router.post(
    "/deliveries/{delivery_id}/issue",
    response={201: MovementOut, 200: MovementOut},
    summary="A delivery recorded at a sealed gate, counted once as an issue from the store it came out of",
)
def delivery_issue(request, delivery_id: int, payload: DeliveryIssueIn):
    delivery = get_visible_or_404(SupplyDelivery.objects, request.user, pk=delivery_id)
    return _answer(
        services.delivery_issue(
            actor=request.user,
            delivery=delivery,
            item=_item(payload.item),
            quantity=payload.quantity,
            client_key=payload.client_key,
        )
    )


def _one_town(user, area: str) -> str | None:
    """The town's warning levels apply to one whole town's total only."""
    if area:
        return area if codes.level_of(area) == codes.TOWN else None
    top = top_areas(user)
    return top[0].code if len(top) == 1 and top[0].level == codes.TOWN else None


@router.get(
    "/summary", response=SummaryOut, summary="An area's stock per item, and what teams and checkpoints used"
)
def summary(request, area: str = "", start: dt.date | None = None, end: dt.date | None = None):
    movements = Movement.objects.visible_to(request.user)
    if area:
        movements = movements.within(visible_area(request.user, area).code)
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=figures.RATE_DAYS - 1)
    now = timezone.now()
    return {
        "area": area,
        "as_of": now,
        "stock": _lines(figures.area_lines(movements, now, town=_one_town(request.user, area))),
        "used": [{**row, "used": str(row["used"])} for row in figures.used_by(movements, start, end)],
    }
