"""Every change of the teams' stock: a store set up, stock received, issued, used, a delivery to a
sealed gate counted as an issue, a town's warning level for an item, an item's name or unit.

Each act checks the actor's role at the store's area (``accounts.permissions``), writes an audit
entry, and is idempotent on the client's key: the same key sent twice records the act once and
answers with the first record. Stock leaves a store only while the store holds it — an issue or a use
above what the store holds is refused, nothing written — and the store's row is locked while it is
counted, so two clerks issuing at once cannot both take the last box.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import STOCK_ITEM_EDITORS, STOCK_KEEPERS, STOCK_USERS
from cordon.accounts.scope import get_visible_or_404, has_role, not_found, require_role, visible_area
from cordon.checkpoints.models import Checkpoint
from cordon.core import audit, codes
from cordon.forces.models import Team
from cordon.lockdowns.models import SupplyDelivery
from cordon.stock.models import Item, ItemLevel, Movement, Store

MAX_QUANTITY = Decimal("1e9")


def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value if value is not None else "").strip())
        if not quantity.is_finite() or quantity <= 0 or quantity >= MAX_QUANTITY:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"quantity": [_("Give a quantity above zero, e.g. 500 or 2.5.")]}) from None
    return quantity.quantize(Decimal("0.01"))


def _when(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=10):
        raise ValidationError({"at": [_("This time is in the future.")]})
    return at


def _text(value, field: str, length: int) -> str:
    value = (value or "").strip()
    if len(value) > length:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": length}]})
    return value


def on_hand(store: Store, item: Item) -> Decimal:
    """What ``store`` holds of ``item`` now: everything received less everything issued and used."""
    totals = Movement.objects.filter(store=store, item=item).aggregate(
        inflow=Sum("quantity", filter=Q(kind=Movement.Kind.RECEIVED)),
        outflow=Sum("quantity", filter=~Q(kind=Movement.Kind.RECEIVED)),
    )
    return (totals["inflow"] or Decimal(0)) - (totals["outflow"] or Decimal(0))


# --- Stores ----------------------------------------------------------------------------------------


def _found_or_created(actor: User, existing, area_id, new) -> Store:
    """The store ``existing`` finds, or the store ``new()`` builds, set up on first use by a keeper
    of ``area_id``: every kind of store is found and created by this one rule."""
    store = existing.first()
    if store:
        return store
    require_role(actor, area_id, *STOCK_KEEPERS)
    store = new()
    store.full_clean()
    store.save()
    audit.record(actor=actor, action="stock.store_create", target=store, area=store.area_id)
    return store


@transaction.atomic
def store_for_area(*, actor: User, area: Area) -> Store:
    """The town's or the village's store, set up on first use by a keeper of that area."""
    kinds = {codes.TOWN: Store.Kind.TOWN, codes.VILLAGE: Store.Kind.VILLAGE}

    def new() -> Store:
        if area.level not in kinds:
            raise ValidationError({"area": [_("Stores are kept by towns and villages.")]})
        return Store(kind=kinds[area.level], name=area.name[:60], area=area, created_by=actor)

    existing = Store.objects.filter(area=area, kind__in=[Store.Kind.TOWN, Store.Kind.VILLAGE])
    return _found_or_created(actor, existing, area, new)


@transaction.atomic
def store_for_team(*, actor: User, team: Team) -> Store:
    """A team's store, set up the first time stock is issued to it."""
    return _found_or_created(
        actor,
        Store.objects.filter(team=team),
        team.area_id,
        lambda: Store(
            kind=Store.Kind.TEAM, name=team.name[:60], area_id=team.area_id, team=team, created_by=actor
        ),
    )


@transaction.atomic
def store_for_checkpoint(*, actor: User, checkpoint: Checkpoint) -> Store:
    """A checkpoint's store, set up the first time stock is issued to it."""
    return _found_or_created(
        actor,
        Store.objects.filter(checkpoint=checkpoint),
        checkpoint.area_id,
        lambda: Store(
            kind=Store.Kind.CHECKPOINT,
            name=checkpoint.name[:60],
            area_id=checkpoint.area_id,
            checkpoint=checkpoint,
            created_by=actor,
        ),
    )


# --- Movements -------------------------------------------------------------------------------------


def _replay(client_key: str, *, store: Store, item: Item, kind: str, quantity: Decimal) -> Movement | None:
    """The movement already recorded under ``client_key``, if the same act was sent before."""
    if not client_key:
        return None
    done = Movement.objects.filter(client_key=client_key).first()
    if done is None:
        return None
    if (done.store_id, done.item_id, done.kind, done.quantity) != (store.pk, item.pk, kind, quantity):
        raise ValidationError(_("This form was already sent with other values; reload the page."))
    return done


def _lock(store: Store) -> Store:
    return Store.objects.select_for_update().get(pk=store.pk)


def _refuse_over(store: Store, item: Item, quantity: Decimal, verb: str) -> None:
    have = on_hand(store, item)
    if quantity > have:
        raise ValidationError(
            {
                "quantity": [
                    _(
                        "%(store)s holds only %(have)s %(unit)s of %(item)s: "
                        "cannot %(verb)s %(want)s %(unit)s."
                    )
                    % {
                        "store": store.label,
                        "have": f"{have.normalize():f}",
                        "unit": item.unit,
                        "item": item.name,
                        "verb": verb,
                        "want": f"{quantity.normalize():f}",
                    }
                ]
            }
        )


def _write(actor: User, action: str, movement: Movement, **changes) -> Movement:
    movement.day = timezone.localdate(movement.at)
    movement.full_clean(exclude=["counterpart", "client_key"])
    try:
        with transaction.atomic():
            movement.save()
    except IntegrityError:
        # The same key arrived twice at once: the other request recorded it.
        raise ValidationError(_("This form was already sent; reload the page.")) from None
    audit.record(
        actor=actor,
        action=action,
        target=movement,
        area=movement.area_id,
        changes={
            "item": [None, movement.item.name],
            "quantity": [None, f"{movement.quantity.normalize():f}{movement.item.unit}"],
            **changes,
        },
    )
    return movement


@transaction.atomic
def stock_receive(
    *,
    actor: User,
    store: Store,
    item: Item,
    quantity,
    party: str = "",
    at: datetime | None = None,
    note: str = "",
    client_key: str = "",
) -> tuple[Movement, bool]:
    """Stock received into a store from outside (a supplier, a donor, the county)."""
    require_role(actor, store.area_id, *STOCK_KEEPERS)
    quantity = _quantity(quantity)
    done = _replay(client_key, store=store, item=item, kind=Movement.Kind.RECEIVED, quantity=quantity)
    if done:
        return done, False
    movement = Movement(
        store=store,
        area_id=store.area_id,
        item=item,
        kind=Movement.Kind.RECEIVED,
        quantity=quantity,
        at=_when(at),
        party=_text(party, "party", 60),
        note=_text(note, "note", 200),
        client_key=client_key or None,
        recorded_by=actor,
    )
    return _write(actor, "stock.receive", movement, store=[None, store.name]), True


@transaction.atomic
def stock_issue(
    *,
    actor: User,
    store: Store,
    item: Item,
    quantity,
    to_store: Store,
    at: datetime | None = None,
    note: str = "",
    client_key: str = "",
) -> tuple[Movement, bool]:
    """Stock issued from one store to another (a village, a team, a checkpoint): issued here,
    received there. Refused above what the store holds."""
    require_role(actor, store.area_id, *STOCK_KEEPERS)
    quantity = _quantity(quantity)
    done = _replay(client_key, store=store, item=item, kind=Movement.Kind.ISSUED, quantity=quantity)
    if done:
        return done, False
    if to_store.pk == store.pk:
        raise ValidationError({"to_store": [_("Choose another store to issue to.")]})
    store = _lock(store)
    _refuse_over(store, item, quantity, _("issue"))
    at = _when(at)
    note = _text(note, "note", 200)
    issued = _write(
        actor,
        "stock.issue",
        Movement(
            store=store,
            area_id=store.area_id,
            item=item,
            kind=Movement.Kind.ISSUED,
            quantity=quantity,
            at=at,
            other_store=to_store,
            party=to_store.name[:60],
            note=note,
            client_key=client_key or None,
            recorded_by=actor,
        ),
        store=[None, store.name],
        to_store=[None, to_store.name],
    )
    received = Movement(
        store=to_store,
        area_id=to_store.area_id,
        item=item,
        kind=Movement.Kind.RECEIVED,
        quantity=quantity,
        at=at,
        day=issued.day,
        other_store=store,
        party=store.name[:60],
        note=note,
        counterpart=issued,
        recorded_by=actor,
    )
    received.save()
    issued.counterpart = received
    issued.save(update_fields=["counterpart"])
    return issued, True


@transaction.atomic
def stock_use(
    *,
    actor: User,
    store: Store,
    item: Item,
    quantity,
    at: datetime | None = None,
    note: str = "",
    client_key: str = "",
) -> tuple[Movement, bool]:
    """Stock used up by the store's holders (a team's masks for a day's rounds). Refused above what
    the store holds."""
    require_role(actor, store.area_id, *STOCK_USERS)
    quantity = _quantity(quantity)
    done = _replay(client_key, store=store, item=item, kind=Movement.Kind.USED, quantity=quantity)
    if done:
        return done, False
    store = _lock(store)
    _refuse_over(store, item, quantity, _("use"))
    movement = Movement(
        store=store,
        area_id=store.area_id,
        item=item,
        kind=Movement.Kind.USED,
        quantity=quantity,
        at=_when(at),
        note=_text(note, "note", 200),
        client_key=client_key or None,
        recorded_by=actor,
    )
    return _write(actor, "stock.use", movement, store=[None, store.name]), True


# --- Deliveries to a sealed gate -------------------------------------------------------------------


def delivery_source(delivery: SupplyDelivery) -> Store | None:
    """The store a delivery to a sealed area's gate came out of: the nearest town or village store
    outside the seal, above the sealed area (a sealed village's goods come from the town's store; a
    sealed grid's from its village's)."""
    above = []
    code = codes.parent_of(delivery.area_id)
    while code:
        above.append(code)
        code = codes.parent_of(code)
    stores = {
        s.area_id: s
        for s in Store.objects.filter(area_id__in=above, kind__in=[Store.Kind.TOWN, Store.Kind.VILLAGE])
    }
    return next((stores[c] for c in above if c in stores), None)


@transaction.atomic
def delivery_issue(
    *, actor: User, delivery: SupplyDelivery, item: Item, quantity=None, client_key: str = ""
) -> tuple[Movement, bool]:
    """Count a delivery already recorded at a sealed area's gate as an issue from the store it came
    out of (``delivery_source``), once: a delivery linked before answers with its issue."""
    existing = Movement.objects.filter(delivery=delivery).first()
    store = delivery_source(delivery)
    if store is None:
        raise ValidationError(_("No town or village store above this sealed area yet."))
    require_role(actor, store.area_id, *STOCK_KEEPERS)
    if existing:
        return existing, False
    if quantity in (None, ""):
        if delivery.unit.strip() != item.unit:
            raise ValidationError(
                {
                    "quantity": [
                        _("The delivery was counted in %(unit)s: give the quantity in %(item_unit)s.")
                        % {"unit": delivery.unit, "item_unit": item.unit}
                    ]
                }
            )
        quantity = delivery.quantity
    quantity = _quantity(quantity)
    store = _lock(store)
    _refuse_over(store, item, quantity, _("issue"))
    movement = Movement(
        store=store,
        area_id=store.area_id,
        item=item,
        kind=Movement.Kind.ISSUED,
        quantity=quantity,
        at=delivery.delivered_at,
        delivery=delivery,
        party=delivery.area.name[:60],
        note=delivery.description[:200],
        client_key=client_key or None,
        recorded_by=actor,
    )
    return _write(actor, "stock.delivery_issue", movement, delivery=[None, delivery.pk]), True


# --- Items and warning levels ---------------------------------------------------------------------


def _level(value) -> Decimal:
    try:
        level = Decimal(str(value).strip())
        if not level.is_finite() or level < 0 or level >= MAX_QUANTITY:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"warning_level": [_("Give a level of zero or more.")]}) from None
    return level.quantize(Decimal("0.01"))


@transaction.atomic
def level_set(*, actor: User, town: Area, item: Item, warning_level) -> ItemLevel:
    """The warning level a town sets for an item: its command centre only, for its own town."""
    require_role(actor, town, *STOCK_ITEM_EDITORS)
    if town.level != codes.TOWN:
        raise ValidationError({"area": [_("Warning levels are set by towns.")]})
    level = _level(warning_level)
    row = ItemLevel.objects.select_for_update().filter(area=town, item=item).first()
    before = str(row.warning_level) if row else str(item.warning_level)
    if row is None:
        row = ItemLevel(area=town, item=item, warning_level=level, set_by=actor)
    row.warning_level, row.set_by, row.set_at = level, actor, timezone.now()
    row.save()
    audit.record(
        actor=actor,
        action="stock.level_set",
        target=row,
        area=town,
        changes={"item": [None, item.name], "warning_level": [before, str(level)]},
    )
    return row


@transaction.atomic
def town_levels_set(*, actor: User, town: Area, levels: dict) -> list[ItemLevel]:
    """A town's levels for several items at once ({item: level}): all set, or none."""
    return [
        level_set(actor=actor, town=town, item=item, warning_level=value) for item, value in levels.items()
    ]


def may_edit_catalogue(actor: User) -> bool:
    """The items are shared by the server's towns: whoever edits them reaches every one of them
    (a one-town server's command centre; a county server's)."""
    towns = list(Area.objects.filter(level=codes.TOWN).values_list("code", flat=True))
    return bool(towns) and all(has_role(actor, town, *STOCK_ITEM_EDITORS) for town in towns)


@transaction.atomic
def item_update(*, actor: User, item: Item, data: dict) -> Item:
    """Change an item's name, unit, default warning level or use (``may_edit_catalogue``)."""
    if not may_edit_catalogue(actor):
        raise PermissionDenied(_("Your role does not allow this here."))
    fields = ("name", "unit", "warning_level", "active")
    item = Item.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item, fields)
    if "name" in data:
        item.name = _text(data["name"], "name", 40)
    if "unit" in data:
        item.unit = _text(data["unit"], "unit", 10)
    if "warning_level" in data:
        item.warning_level = _level(data["warning_level"])
    if "active" in data:
        item.active = bool(data["active"])
    item.full_clean()
    item.save()
    audit.record(
        actor=actor,
        action="stock.item_update",
        target=item,
        changes={
            name: [str(old), str(new)]  # Decimal levels, kept as text
            for name, (old, new) in audit.diff(before, audit.snapshot(item, fields)).items()
        },
    )
    return item


# --- Where stock goes --------------------------------------------------------------------------------


def store_choice(*, actor: User, value: str) -> Store:
    """The store a form or an API call names: ``s:<store>``, ``t:<team>``, ``c:<checkpoint>`` or
    ``a:<area code>`` (a town's or village's store), each read through the actor's scope (another
    village's is "no such record"); a team's, checkpoint's or area's store is set up on first use."""
    kind, _sep, key = (value or "").partition(":")
    if kind == "s" and key.isdigit():
        return get_visible_or_404(Store.objects, actor, pk=int(key))
    if kind == "t" and key.isdigit():
        return store_for_team(actor=actor, team=get_visible_or_404(Team.objects, actor, pk=int(key)))
    if kind == "c" and key.isdigit():
        checkpoint = get_visible_or_404(Checkpoint.objects, actor, pk=int(key))
        return store_for_checkpoint(actor=actor, checkpoint=checkpoint)
    if kind == "a":
        return store_for_area(actor=actor, area=visible_area(actor, key, field="store"))
    raise not_found()
