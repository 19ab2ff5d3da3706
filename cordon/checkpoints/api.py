"""/api/v1/checkpoints/: the checkpoints a user reaches; the command centre sets them up."""

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.models import Area
from cordon.accounts.scope import get_visible_or_404, visible_area
from cordon.checkpoints import selectors, services
from cordon.checkpoints.models import Checkpoint
from cordon.core.pagination import Pages

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
