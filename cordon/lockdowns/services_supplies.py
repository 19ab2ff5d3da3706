"""A sealed area's supplies and its purchase rotation (households shopping in batches, every N days).

Batch k shops on days k, k+N, k+2N… from the rotation's day 1. Households added to the area later go
to the smallest batch, so nobody's day moves — unless the clerk chooses to spread everyone again.
"""

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import SUPPLY_KEEPERS
from cordon.accounts.scope import require_role
from cordon.core import audit
from cordon.lockdowns.models import Lockdown, Rotation, RotationMember, SupplyDelivery
from cordon.lockdowns.services import _text
from cordon.people.models import Household, Person


@transaction.atomic
def supply_record(*, actor: User, lockdown: Lockdown, data: dict) -> SupplyDelivery:
    """Record a delivery to a sealed area's gate."""
    require_role(actor, lockdown.area_id, *SUPPLY_KEEPERS)
    if lockdown.ended_at is not None:
        raise ValidationError(_("This seal was already lifted."))
    kind = data.get("kind")
    if kind not in SupplyDelivery.Kind.values:
        raise ValidationError({"kind": [_("Choose what kind of goods.")]})
    try:
        quantity = Decimal(str(data.get("quantity", "")).strip())
        if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e8"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"quantity": [_("Give a quantity above zero, e.g. 500 or 2.5.")]}) from None
    delivered_at = data.get("delivered_at") or timezone.now()
    if isinstance(delivered_at, datetime) and delivered_at > timezone.now() + timedelta(minutes=10):
        raise ValidationError({"delivered_at": [_("This time is in the future.")]})
    delivery = SupplyDelivery.objects.create(
        lockdown=lockdown,
        area_id=lockdown.area_id,
        delivered_at=delivered_at,
        kind=kind,
        description=_text(data.get("description"), "description", 100, required=True),
        quantity=quantity.quantize(Decimal("0.01")),
        unit=_text(data.get("unit"), "unit", 10, required=True),
        supplier=_text(data.get("supplier"), "supplier", 100, required=True),
        received_by=_text(data.get("received_by"), "received_by", 40, required=True),
        note=_text(data.get("note"), "note", 200),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="supply.record",
        target=delivery,
        area=delivery.area_id,
        changes={
            "description": [None, delivery.description],
            "quantity": [None, f"{delivery.quantity}{delivery.unit}"],
        },
    )
    return delivery


def _households(lockdown: Lockdown):
    return Household.objects.within(lockdown.area_id).order_by("address", "id")


@transaction.atomic
def rotation_create(
    *,
    actor: User,
    lockdown: Lockdown,
    every_days: int = 3,
    people_per_trip: int = 1,
    starts_on: date | None = None,
) -> Rotation:
    """Divide a sealed area's households into ``every_days`` batches, in address order, evenly."""
    require_role(actor, lockdown.area_id, *SUPPLY_KEEPERS)
    if not 1 <= every_days <= 14:
        raise ValidationError({"every_days": [_("Every 1 to 14 days.")]})
    if not 1 <= people_per_trip <= 5:
        raise ValidationError({"people_per_trip": [_("1 to 5 people per household per trip.")]})
    households = list(_households(lockdown))
    if not households:
        raise ValidationError(_("No household is registered in this area yet."))
    rotation = Rotation(
        lockdown=lockdown,
        area_id=lockdown.area_id,
        every_days=every_days,
        people_per_trip=people_per_trip,
        starts_on=starts_on or timezone.localdate(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            rotation.save()
    except IntegrityError:
        raise ValidationError(_("This area already has a purchase rotation.")) from None
    RotationMember.objects.bulk_create(
        RotationMember(rotation=rotation, household=h, batch=i % every_days + 1)
        for i, h in enumerate(households)
    )
    audit.record(
        actor=actor,
        action="rotation.create",
        target=rotation,
        area=rotation.area_id,
        changes={"every_days": [None, every_days], "households": [None, len(households)]},
    )
    return rotation


@transaction.atomic
def rotation_rebalance(*, actor: User, rotation: Rotation, keep_existing: bool = True) -> int:
    """Put the area's households not yet in the rotation into the smallest batches (existing households
    keep their day); or, with ``keep_existing`` False, spread every household evenly again. Returns how
    many households changed batch or joined."""
    require_role(actor, rotation.area_id, *SUPPLY_KEEPERS)
    rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
    members = {m.household_id: m for m in rotation.members.all()}
    households = list(_households(rotation.lockdown))
    changed = 0
    if keep_existing:
        sizes = Counter(dict.fromkeys(range(1, rotation.every_days + 1), 0))
        sizes.update(m.batch for m in members.values())
        new = []
        for household in households:
            if household.pk in members:
                continue
            batch = min(sizes, key=lambda k: (sizes[k], k))
            sizes[batch] += 1
            new.append(RotationMember(rotation=rotation, household=household, batch=batch))
        RotationMember.objects.bulk_create(new)
        changed = len(new)
    else:
        for i, household in enumerate(households):
            batch = i % rotation.every_days + 1
            member = members.get(household.pk)
            if member is None:
                RotationMember.objects.create(rotation=rotation, household=household, batch=batch)
                changed += 1
            elif member.batch != batch:
                member.batch = batch
                member.save(update_fields=["batch"])
                changed += 1
    audit.record(
        actor=actor,
        action="rotation.rebalance",
        target=rotation,
        area=rotation.area_id,
        changes={"changed": [None, changed], "keep_existing": [None, keep_existing]},
    )
    return changed


def households_on(rotation: Rotation, day: date):
    """The households whose turn it is on ``day`` (the clerk's printed list), in address order."""
    batch = rotation.batch_on(day)
    if batch is None:
        return RotationMember.objects.none()
    return rotation.members.filter(batch=batch).select_related("household").order_by("household__address")


def next_turn(rotation: Rotation, batch: int, day: date) -> date:
    """The first day on or after ``day`` when ``batch`` shops."""
    while rotation.batch_on(day) != batch:
        day += timedelta(days=1)
    return day


def turn_of(person: Person, day: date) -> dict | None:
    """For the gate: whether a person's household shops today under its area's rotation, and when
    next. None when no rotation applies to them."""
    if person.household_id is None:
        return None
    member = (
        RotationMember.objects.filter(
            household_id=person.household_id, rotation__lockdown__ended_at__isnull=True
        )
        .select_related("rotation")
        .first()
    )
    if member is None:
        return None
    rotation = member.rotation
    return {
        "batch": member.batch,
        "today": rotation.batch_on(day) == member.batch,
        "next": next_turn(rotation, member.batch, day + timedelta(days=1)),
        "people_per_trip": rotation.people_per_trip,
    }


def households_waiting(rotation: Rotation) -> int:
    """Households of the area not yet in the rotation (registered since it was made)."""
    return _households(rotation.lockdown).exclude(pk__in=rotation.members.values("household_id")).count()
