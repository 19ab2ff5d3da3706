"""/api/v1/lockdowns/: sealed areas, exit passes and their decisions, the card's signed token and its
public key (for checking offline), and checking and using a pass at a gate — the pages' services."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.permissions import PASS_APPLICANTS, PASS_TOWN_DECIDERS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.checkpoints.models import Checkpoint
from cordon.core.pagination import Pages
from cordon.gate import passes
from cordon.lockdowns import services, services_supplies, tokens
from cordon.lockdowns.models import ExitPass, Lockdown, Rotation
from cordon.people.models import Person

router = Router(tags=["lockdowns"])


class LockdownOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    starts_at: datetime
    ended_at: datetime | None
    exit_reasons: list[str]
    entry_exceptions: str
    note: str


class SealIn(Schema):
    area: str = Field(..., max_length=15)
    starts_at: datetime | None = None
    exit_reasons: list[str] = Field(default_factory=list)
    entry_exceptions: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class LiftIn(Schema):
    note: str = Field("", max_length=200)


class DecisionOut(Schema):
    level: str
    approved: bool
    comment: str
    by: str = Field(..., alias="by.username")
    at: datetime


class PassOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    short_code: str
    status: str
    people: list[int]
    reason: str
    reason_detail: str
    destination: str
    valid_from: datetime
    valid_until: datetime
    urgent_medical: bool
    town_review_pending: bool
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_people(obj):
        return [p.pk for p in obj.people.all()]

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.select_related("by"))


class ApplyIn(Schema):
    area: str = Field(..., max_length=15)
    people: list[int] = Field(..., max_length=services.MAX_PEOPLE)
    reason: str = Field(..., max_length=20)
    reason_detail: str = Field("", max_length=200)
    destination: str = Field(..., max_length=100)
    valid_from: datetime
    valid_until: datetime
    urgent_medical: bool = False


class PassDecideIn(Schema):
    approve: bool
    comment: str = Field("", max_length=200)


class RevokeIn(Schema):
    reason: str = Field(..., max_length=200)


class PassTokenOut(Schema):
    token: str
    short_code: str


class PassCheckIn(Schema):
    checkpoint: int
    token: str = Field("", max_length=2000)
    short_code: str = Field("", max_length=12)


class PassCheckOut(Schema):
    state: str
    state_label: str
    pass_id: int | None
    hints: list[str]


class UseIn(Schema):
    checkpoint: int
    direction: str = Field("out", max_length=3)
    client_id: str = Field("", max_length=36)


class UseOut(Schema):
    passage: int


@router.get("/", response=list[LockdownOut], summary="Sealed areas (in force and lifted)")
@paginate(Pages, page_size=100)
def lockdown_list(request):
    return Lockdown.objects.visible_to(request.user)


@router.post("/", response={201: LockdownOut}, summary="Seal an area (the commander)")
def lockdown_seal(request, payload: SealIn):
    area = visible_area(request.user, payload.area)
    lockdown = services.lockdown_seal(actor=request.user, area=area, **payload.dict(exclude={"area"}))
    return Status(201, lockdown)


@router.post("/{lockdown_id}/lift", response=LockdownOut, summary="Lift a seal")
def lockdown_lift(request, lockdown_id: int, payload: LiftIn):
    lockdown = get_visible_or_404(Lockdown.objects, request.user, pk=lockdown_id)
    return services.lockdown_lift(actor=request.user, lockdown=lockdown, note=payload.note)


@router.get("/public-key", response=dict, summary="The key that verifies pass tokens (JWK, ECDSA P-256)")
def public_key(request):
    return tokens.public_jwk()


@router.get("/passes", response=list[PassOut], summary="Exit passes")
@paginate(Pages, page_size=100)
def pass_list(request, status: str = ""):
    passes = ExitPass.objects.visible_to(request.user).prefetch_related("people")
    return passes.filter(status=status) if status else passes


@router.post("/passes", response={201: PassOut}, summary="Apply for an exit pass")
def pass_apply(request, payload: ApplyIn):
    area = visible_area(request.user, payload.area)
    people = [get_visible_or_404(Person.objects, request.user, pk=pk) for pk in payload.people]
    exit_pass = services.pass_apply(
        actor=request.user, area=area, people=people, **payload.dict(exclude={"area", "people"})
    )
    return Status(201, exit_pass)


def _pass(request, pass_id: int) -> ExitPass:
    return get_visible_or_404(ExitPass.objects, request.user, pk=pass_id)


@router.get("/passes/{pass_id}", response=PassOut, summary="One exit pass")
def pass_get(request, pass_id: int):
    return _pass(request, pass_id)


@router.post("/passes/{pass_id}/decide", response=PassOut, summary="The next decision: village, then town")
def pass_decide(request, pass_id: int, payload: PassDecideIn):
    return services.pass_decide(actor=request.user, exit_pass=_pass(request, pass_id), **payload.dict())


@router.post("/passes/{pass_id}/revoke", response=PassOut, summary="Revoke an approved pass")
def pass_revoke(request, pass_id: int, payload: RevokeIn):
    return services.pass_revoke(actor=request.user, exit_pass=_pass(request, pass_id), reason=payload.reason)


@router.get("/passes/{pass_id}/token", response=PassTokenOut, summary="The signed token printed on the card")
def pass_token(request, pass_id: int):
    exit_pass = _pass(request, pass_id)
    if not has_role_anywhere(request.user, *PASS_APPLICANTS, *PASS_TOWN_DECIDERS):
        raise PermissionDenied
    return {"token": services.pass_token(exit_pass), "short_code": exit_pass.short_code}


@router.post("/check", response=PassCheckOut, summary="Check a card at a gate (token or short code)")
def pass_check(request, payload: PassCheckIn):
    checkpoint = get_visible_or_404(Checkpoint.objects, request.user, pk=payload.checkpoint)
    check = passes.pass_check(
        actor=request.user, checkpoint=checkpoint, token=payload.token, short_code=payload.short_code
    )
    return {
        "state": check.state,
        "state_label": str(passes.STATE_LABELS[check.state]),
        "pass_id": check.exit_pass.pk if check.exit_pass and check.state != "unknown" else None,
        "hints": list(check.hints),
    }


@router.post("/passes/{pass_id}/use", response={201: UseOut}, summary="Record a pass's use at a gate")
def pass_use(request, pass_id: int, payload: UseIn):
    checkpoint = get_visible_or_404(Checkpoint.objects, request.user, pk=payload.checkpoint)
    exit_pass = _pass(request, pass_id)
    passage = passes.pass_use(
        actor=request.user,
        checkpoint=checkpoint,
        exit_pass=exit_pass,
        direction=payload.direction,
        client_id=payload.client_id,
    )
    return Status(201, {"passage": passage.pk})


# --- Supplies and the purchase rotation --------------------------------------------------------------


class SupplyIn(Schema):
    kind: str = Field(..., max_length=20)
    description: str = Field(..., max_length=100)
    quantity: str = Field(..., max_length=20)
    unit: str = Field(..., max_length=10)
    supplier: str = Field(..., max_length=100)
    received_by: str = Field(..., max_length=40)
    delivered_at: datetime | None = None
    note: str = Field("", max_length=200)


class SupplyOut(Schema):
    id: int
    delivered_at: datetime
    kind: str
    description: str
    quantity: str
    unit: str
    supplier: str
    received_by: str
    note: str

    @staticmethod
    def resolve_quantity(obj):
        return str(obj.quantity)


class RotationIn(Schema):
    every_days: int = 3
    people_per_trip: int = 1
    starts_on: date | None = None


class RebalanceIn(Schema):
    keep_existing: bool = True


class RotationOut(Schema):
    every_days: int
    people_per_trip: int
    starts_on: date
    day: date
    batch_today: int | None
    households_today: list[dict]
    batch_sizes: dict[str, int]
    waiting: int


def _lockdown(request, lockdown_id: int) -> Lockdown:
    return get_visible_or_404(Lockdown.objects, request.user, pk=lockdown_id)


@router.get("/{lockdown_id}/supplies", response=list[SupplyOut], summary="Supplies delivered to the gate")
@paginate(Pages, page_size=100)
def supply_list(request, lockdown_id: int):
    return _lockdown(request, lockdown_id).deliveries.all()


@router.post("/{lockdown_id}/supplies", response={201: SupplyOut}, summary="Record a delivery")
def supply_create(request, lockdown_id: int, payload: SupplyIn):
    data = payload.dict()
    delivery = services_supplies.supply_record(
        actor=request.user, lockdown=_lockdown(request, lockdown_id), data=data
    )
    return Status(201, delivery)


def _rotation_out(rotation: Rotation, day: date) -> dict:
    sizes: dict[str, int] = {}
    for batch in rotation.members.values_list("batch", flat=True):
        sizes[str(batch)] = sizes.get(str(batch), 0) + 1
    return {
        "every_days": rotation.every_days,
        "people_per_trip": rotation.people_per_trip,
        "starts_on": rotation.starts_on,
        "day": day,
        "batch_today": rotation.batch_on(day),
        "households_today": [
            {"household": m.household_id, "address": m.household.address}
            for m in services_supplies.households_on(rotation, day)
        ],
        "batch_sizes": sizes,
        "waiting": services_supplies.households_waiting(rotation),
    }


@router.get("/{lockdown_id}/rotation", response=RotationOut, summary="The purchase rotation and a day's list")
def rotation_get(request, lockdown_id: int, day: date | None = None):
    lockdown = _lockdown(request, lockdown_id)
    rotation = get_visible_or_404(Rotation.objects, request.user, lockdown=lockdown)
    return _rotation_out(rotation, day or timezone.localdate())


@router.post(
    "/{lockdown_id}/rotation", response={201: RotationOut}, summary="Divide the households into batches"
)
def rotation_create(request, lockdown_id: int, payload: RotationIn):
    rotation = services_supplies.rotation_create(
        actor=request.user, lockdown=_lockdown(request, lockdown_id), **payload.dict()
    )
    return Status(201, _rotation_out(rotation, timezone.localdate()))


@router.post(
    "/{lockdown_id}/rotation/rebalance", response=RotationOut, summary="Add new households, or spread all"
)
def rotation_rebalance(request, lockdown_id: int, payload: RebalanceIn):
    lockdown = _lockdown(request, lockdown_id)
    rotation = get_visible_or_404(Rotation.objects, request.user, lockdown=lockdown)
    services_supplies.rotation_rebalance(
        actor=request.user, rotation=rotation, keep_existing=payload.keep_existing
    )
    return _rotation_out(rotation, timezone.localdate())
