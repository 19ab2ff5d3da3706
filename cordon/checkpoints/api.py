"""/api/v1/checkpoints/: the checkpoints a user reaches (the command centre sets them up), and the
passages logged at them — one at a time, or a phone's offline entries as a batch, each stored once."""

from datetime import date, datetime, timedelta

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.models import Area
from cordon.accounts.scope import get_visible_or_404, visible_area
from cordon.checkpoints import selectors, services, services_visit
from cordon.checkpoints.models import Checkpoint
from cordon.colours.selectors import colour_dict
from cordon.core.errors import ApiError
from cordon.core.pagination import Pages
from cordon.core.privacy import mask_phone
from cordon.gate import flag_list, passages

router = Router(tags=["checkpoints"])


class CheckpointOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    area: str = Field(..., alias="area_id")
    area_name: str = Field(..., alias="area.name")
    location: str
    hours: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    note: str


class CheckpointIn(Schema):
    name: str = Field(..., max_length=60)
    kind: Checkpoint.Kind = Checkpoint.Kind.VILLAGE_GATE
    area: str = Field(..., max_length=15)
    location: str = Field("", max_length=120)
    hours: str = Field("", max_length=60)
    status: Checkpoint.Status = Checkpoint.Status.OPEN_24H
    note: str = Field("", max_length=200)


class CheckpointPatch(Schema):
    name: str | None = Field(None, max_length=60)
    kind: Checkpoint.Kind | None = None
    location: str | None = Field(None, max_length=120)
    hours: str | None = Field(None, max_length=60)
    status: Checkpoint.Status | None = None
    note: str | None = Field(None, max_length=200)


@router.get("/", response=list[CheckpointOut], summary="Checkpoints in the user's areas")
@paginate(Pages, page_size=100)
def checkpoint_list(request, area: str = "", kind: str = "", status: str = ""):
    if area:
        area = get_visible_or_404(Area.objects, request.user, code=area).code
    return selectors.checkpoints_for(
        request.user,
        area_code=area,
        kind=kind if kind in Checkpoint.Kind.values else "",
        status=status if status in Checkpoint.Status.values else "",
    )


@router.get("/{checkpoint_id}", response=CheckpointOut)
def checkpoint_detail(request, checkpoint_id: int):
    return get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=checkpoint_id)


@router.post("/", response={201: CheckpointOut})
def checkpoint_create(request, payload: CheckpointIn):
    data = payload.dict()
    data["area"] = visible_area(request.user, data["area"])
    return Status(201, services.checkpoint_create(actor=request.user, **data))


@router.patch("/{checkpoint_id}", response=CheckpointOut)
def checkpoint_update(request, checkpoint_id: int, payload: CheckpointPatch):
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=checkpoint_id)
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return services.checkpoint_update(actor=request.user, checkpoint=checkpoint, **values)


# --- Passages --------------------------------------------------------------------------------------


class OccupantIn(Schema):
    name: str = Field("", max_length=40)
    document_number: str = Field("", max_length=30)
    temperature: str = Field("", max_length=8)


class PassageIn(Schema):
    client_id: str = Field(
        "", max_length=40, description="made by the phone: the same id again is the same entry"
    )
    occurred_at: datetime | None = Field(None, description="when it happened (an offline entry); default now")
    direction: str = Field(..., max_length=3)
    subject: str = Field("person", max_length=10)
    document_type: str = Field("", max_length=20)
    document_number: str = Field("", max_length=30)
    name: str = Field("", max_length=60)
    phone: str = Field("", max_length=30)
    plate: str = Field("", max_length=20)
    vehicle_type: str = Field("", max_length=40)
    passengers: int | None = None
    origin: str = Field("", max_length=120)
    destination: str = Field("", max_length=120)
    purpose: str = Field("", max_length=120)
    temperature: str = Field("", max_length=8)
    decision: str = Field(..., max_length=12)
    reason: str = Field("", max_length=240)
    shown_code: str = Field(
        "", max_length=6, description="the province's health code shown: red, yellow, green"
    )
    occupants: list[OccupantIn] = Field(default_factory=list, max_length=passages.MAX_OCCUPANTS)
    visited_name: str = Field("", max_length=60, description="the local person a visitor comes to see")
    visited_phone: str = Field("", max_length=30)
    self_registration: int | None = Field(
        None, description="the visitor's self-registration this decision is on (扫码登记)"
    )


class PassageOut(Schema):
    id: int
    checkpoint: int = Field(..., alias="checkpoint_id")
    client_id: str | None
    occurred_at: datetime
    day: date
    direction: str
    subject: str
    person: int | None = Field(None, alias="person_id")
    name: str
    phone: str
    plate: str
    passengers: int | None
    origin: str
    destination: str
    purpose: str
    temperature: str | None
    decision: str
    reason: str
    flags: list[str]
    shown_code: str = ""
    visited_name: str = ""
    visited_phone: str = ""

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_visited_phone(obj):
        return mask_phone(obj.visited_phone)

    @staticmethod
    def resolve_temperature(obj):
        return None if obj.temperature is None else str(obj.temperature)


class BatchResultOut(Schema):
    client_id: str
    status: str
    id: int | None
    errors: list[str]  # each led by its field's label, in the user's language
    fields: dict[str, list[str]] = {}  # a refusal's messages by field key


class PassageCheckIn(Schema):
    document_number: str = Field(..., max_length=30)
    document_type: str = Field("", max_length=20)


class PassageCheckOut(Schema):
    known: bool
    name: str
    flags: list[str]
    flag_labels: list[str]
    until: str
    colour: str | None = Field(None, description="Cordon's own status colour (not a health code)")
    colour_label: str | None = None
    colour_since: date | None = None
    colour_reasons: list[str] = Field(default_factory=list)


class CountsOut(Schema):
    checkpoint: int
    checkpoint_name: str
    day: date
    total: int
    came_in: int
    went_out: int
    turned_back: int
    referred: int
    fever: int
    vehicles: int


def _guarded(request, checkpoint_id: int) -> Checkpoint:
    return selectors.checkpoint_for_passages(request.user, checkpoint_id)


@router.post(
    "/{checkpoint_id}/check", response=PassageCheckOut, summary="The flags for an ID number, before deciding"
)
def passage_check(request, checkpoint_id: int, payload: PassageCheckIn):
    check = passages.gate_check(
        actor=request.user,
        checkpoint=_guarded(request, checkpoint_id),
        document_number=payload.document_number,
        document_type=payload.document_type,
    )
    return {**check.as_dict(), **colour_dict(check.person)}


class FlaggedOut(Schema):
    key: str = Field(..., description="SHA-256 of the salt followed by the compacted ID number")
    name: str = Field(..., description="masked as on a pass card (尹某*)")
    tail: str = Field(..., description="the ID number's last four characters")
    flags: list[str]
    until: str


class ShiftOut(Schema):
    starts_at: datetime
    ends_at: datetime


class FlagListOut(Schema):
    checkpoint: int
    generated_at: datetime
    expires_at: datetime = Field(..., description="the end of the guard's duty shift: drop the list then")
    shift: ShiftOut | None
    salt: str
    labels: dict[str, str]
    people: list[FlaggedOut]


@router.get(
    "/{checkpoint_id}/flags",
    response=FlagListOut,
    summary="The flagged people of the gate's village, masked, for the phone's shift offline",
)
def flags_list(request, checkpoint_id: int):
    return flag_list.flag_list(actor=request.user, checkpoint=_guarded(request, checkpoint_id))


class SelfRegistrationOut(Schema):
    id: int
    created_at: datetime
    name: str
    document_tail: str = Field(..., description="the ID number's last four characters")
    phone: str = Field(..., description="masked")
    origin: str
    purpose: str
    visited_name: str
    visited_phone: str = Field(..., description="masked")
    temperature: float | None
    status: str

    @staticmethod
    def resolve_document_tail(obj):
        return obj.document_number[-4:]

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_visited_phone(obj):
        return mask_phone(obj.visited_phone)


@router.get(
    "/{checkpoint_id}/self-registrations",
    response=list[SelfRegistrationOut],
    summary="Self-registrations (扫码登记) waiting for the gate's guard, oldest first",
)
def self_registration_queue(request, checkpoint_id: int):
    return list(services_visit.visit_queue(actor=request.user, checkpoint=_guarded(request, checkpoint_id)))


@router.post(
    "/{checkpoint_id}/self-registrations/{registration_id}/dismiss",
    response=SelfRegistrationOut,
    summary="Dismiss a waiting self-registration: it leaves the queue and what it held is erased",
)
def self_registration_dismiss(request, checkpoint_id: int, registration_id: int):
    return services_visit.visit_dismiss(
        actor=request.user, checkpoint=_guarded(request, checkpoint_id), pk=registration_id
    )


@router.post(
    "/{checkpoint_id}/passages",
    response={200: PassageOut, 201: PassageOut},
    summary="Log a passage (201; the same client_id again answers 200 with the stored one)",
)
def passage_create(request, checkpoint_id: int, payload: PassageIn):
    data = payload.dict(exclude={"client_id"})
    passage, created = passages.passage_record(
        actor=request.user,
        checkpoint=_guarded(request, checkpoint_id),
        data=data,
        client_id=payload.client_id,
    )
    return Status(201 if created else 200, passage)


@router.post(
    "/{checkpoint_id}/passages/batch",
    response=list[BatchResultOut],
    summary="Send a phone's offline entries: each stored once, each answered",
)
def passage_batch(request, checkpoint_id: int, payload: list[PassageIn]):
    entries = [entry.dict() for entry in payload]
    return passages.passages_record_batch(
        actor=request.user, checkpoint=_guarded(request, checkpoint_id), entries=entries
    )


@router.get(
    "/{checkpoint_id}/passages", response=list[PassageOut], summary="A checkpoint's passages of a day"
)
@paginate(Pages, page_size=200)
def passage_list(request, checkpoint_id: int, day: date | None = None):
    return selectors.day_passages(_guarded(request, checkpoint_id), day or timezone.localdate())


@router.get("/passages/counts", response=list[CountsOut], summary="Passages per checkpoint and day")
def passage_counts(request, area: str = "", start: date | None = None, end: date | None = None):
    end = end or timezone.localdate()
    start = start or end - timedelta(days=13)
    if start > end or (end - start).days > 92:
        raise ApiError(422, "invalid", _("Give a period of at most 92 days, start before end."))
    code = visible_area(request.user, area).code if area else ""
    table = selectors.counts_by_day_and_checkpoint(request.user, code, start, end)
    cells = [
        {
            "checkpoint": row["checkpoint"].pk,
            "checkpoint_name": row["checkpoint"].name,
            "day": day.isoformat(),
            **{k: cell[k] for k in selectors.FIGURES},
        }
        for row in table.rows
        for day, cell in zip(table.days, row["by_day"], strict=True)
        if cell["total"]
    ]
    # Thousands of cells of plain numbers: written as they are, not validated one by one against the
    # schema (which the documentation still shows), which took four fifths of the time.
    return JsonResponse(cells, safe=False, json_dumps_params={"ensure_ascii": False})
