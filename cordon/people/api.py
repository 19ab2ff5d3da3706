"""/api/v1/people/: people, arrivals, ledgers and the Excel import, through the same services.

Document numbers and phones come back masked unless the caller's role at the person's village needs
them whole (the same rule as the person's page); reading a whole record is written to the access log.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from cordon.accounts.permissions import PEOPLE_REGISTRARS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.core.access import log_access
from cordon.core.errors import ApiError
from cordon.core.models import Job
from cordon.core.pagination import Pages
from cordon.people import selectors, services
from cordon.people.jobs import queue_commit, queue_import
from cordon.people.models import Arrival, Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date | None
    document_type: str
    document_number: str
    phone: str
    phone_other: str
    area: str = Field(..., alias="area_id")
    area_name: str = Field(..., alias="area.name")
    address: str
    registered_address: str
    household: int | None = Field(None, alias="household_id")
    note: str
    masked: bool


class PersonIn(Schema):
    name: str = Field(..., max_length=60)
    document_type: Person.Document = Person.Document.MAINLAND_ID
    document_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    phone_other: str = Field("", max_length=30)
    area: str = Field(..., max_length=15, description="division code of the village of residence")
    address: str = Field("", max_length=200)
    registered_address: str = Field("", max_length=200)
    note: str = Field("", max_length=500)


class PersonPatch(Schema):
    name: str | None = Field(None, max_length=60)
    document_type: Person.Document | None = None
    document_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=30)
    phone_other: str | None = Field(None, max_length=30)
    area: str | None = Field(None, max_length=15)
    address: str | None = Field(None, max_length=200)
    registered_address: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=500)


class ArrivalOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    area: str = Field(..., alias="area_id")
    origin_text: str
    origin_code: str
    means: str
    plate: str
    transport_number: str
    route: str
    arrival_date: date
    category: str = Field(..., alias="category_id")
    category_name: str = Field(..., alias="category.name")
    category_manual: bool
    status: str


class ArrivalIn(Schema):
    origin_text: str = Field(..., max_length=100)
    arrival_date: date
    means: Arrival.Means | None = None
    plate: str = Field("", max_length=20)
    transport_number: str = Field("", max_length=30)
    route: str = Field("", max_length=200)
    screening_team: str = Field("", max_length=60)
    note: str = Field("", max_length=500)


class RegisterIn(Schema):
    person: PersonIn
    arrival: ArrivalIn


class RegisteredOut(Schema):
    created: bool
    person: PersonOut
    arrival: ArrivalOut


class ImportOut(Schema):
    id: int
    status: str
    dry_run: bool
    done: int
    total: int
    created_at: datetime
    finished_at: datetime | None
    result: dict
    message: str

    @staticmethod
    def resolve_dry_run(job):
        return bool(job.params.get("dry_run"))


def _person_out(user, person: Person) -> Person:
    """The person as ``user`` may see them; whole numbers handed out are written to the access log."""
    full = selectors.shows_full_data(user, person)
    if full:
        log_access(actor=user, kind="view", target=person, area=person.area_id)
    for key, value in selectors.masked_view(person, full).items():
        setattr(person, key, value)
    person.masked = not full
    return person


def _person_or_404(request, person_id: int) -> Person:
    return get_visible_or_404(Person.objects.select_related("area"), request.user, pk=person_id)


@router.get("/", response=list[PersonOut], summary="Search people (name, pinyin, initials, ID tail, phone)")
def person_list(request, q: str = ""):
    if not q.strip():
        raise ApiError(422, "invalid", _("Give a search term (q)."))
    people = list(selectors.person_search(request.user, q[:40]))
    for person in people:
        person.masked = True
        for key, value in selectors.masked_view(person, full=False).items():
            setattr(person, key, value)
    return people


@router.get("/{int:person_id}", response=PersonOut)
def person_detail(request, person_id: int):
    return _person_out(request.user, _person_or_404(request, person_id))


@router.post(
    "/register",
    response={201: RegisteredOut, 200: RegisteredOut},
    summary="Register a person and their arrival (a known document number updates that person)",
)
def register(request, payload: RegisterIn):
    area = visible_area(request.user, payload.person.area)
    person_data = payload.person.dict(exclude={"area"})
    arrival_data = {**payload.arrival.dict(), "means": payload.arrival.means or ""}
    person, arrival, created = services.register(
        actor=request.user, area=area, person_data=person_data, arrival_data=arrival_data
    )
    body = {
        "created": created,
        "person": _person_out(request.user, _person_or_404(request, person.pk)),
        "arrival": arrival,
    }
    return Status(201 if created else 200, body)


@router.patch("/{int:person_id}", response=PersonOut)
def person_update(request, person_id: int, payload: PersonPatch):
    """Change the fields sent; a field left out keeps what is stored."""
    person = _person_or_404(request, person_id)
    data = payload.dict(exclude_unset=True)
    area = visible_area(request.user, data.pop("area")) if data.get("area") else person.area
    services.person_save(actor=request.user, area=area, data=data, person=person, partial=True)
    return _person_out(request.user, _person_or_404(request, person_id))


@router.get("/{int:person_id}/arrivals", response=list[ArrivalOut])
def arrival_list(request, person_id: int):
    person = _person_or_404(request, person_id)
    return person.arrivals.visible_to(request.user).select_related("category")


@router.post(
    "/{int:person_id}/arrivals",
    response={201: ArrivalOut, 200: ArrivalOut},
    summary="Record an arrival (the same day again updates it)",
)
def arrival_create(request, person_id: int, payload: ArrivalIn):
    person = _person_or_404(request, person_id)
    data = {**payload.dict(), "means": payload.means or ""}
    arrival, created = services.arrival_save(actor=request.user, person=person, data=data, partial=True)
    return Status(201 if created else 200, arrival)


@router.get("/ledgers/arrivals", response=list[ArrivalOut], summary="A ledger: arrivals by category")
@paginate(Pages, page_size=100)
def ledger(
    request,
    category: str = "",
    area: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    status: str = "",
):
    if area:
        area = visible_area(request.user, area).code
    filters = selectors.LedgerFilters(
        category=category[:30],
        area_code=area,
        date_from=date_from,
        date_to=date_to,
        status=status if status in Arrival.Status.values else "",
    )
    return selectors.ledger_arrivals(request.user, filters)


@router.post(
    "/imports", response={202: ImportOut}, summary="Upload a ledger (.xlsx, .xls, .csv) to preview or import"
)
def import_upload(request, file: File[UploadedFile], area: Form[str], dry_run: Form[bool] = True):
    if not has_role_anywhere(request.user, *PEOPLE_REGISTRARS):
        raise PermissionDenied(_("Your role does not register people."))
    job = queue_import(
        actor=request.user, area=visible_area(request.user, area), upload=file, dry_run=dry_run, source="api"
    )
    return Status(202, job)


def _import_job(request, job_id: int) -> Job:
    return get_visible_or_404(
        Job.objects.filter(kind="people.import"), request.user, roles=PEOPLE_REGISTRARS, pk=job_id
    )


@router.get("/imports/{int:job_id}", response=ImportOut, summary="An import's progress and report")
def import_status(request, job_id: int):
    return _import_job(request, job_id)


@router.post(
    "/imports/{int:job_id}/commit", response={202: ImportOut}, summary="Import what a preview showed"
)
def import_commit(request, job_id: int):
    try:
        again = queue_commit(actor=request.user, preview=_import_job(request, job_id), source="api")
    except ValidationError as exc:
        raise ApiError(409, "not_a_finished_preview", exc.messages[0]) from None
    return Status(202, again)


@router.get(
    "/imports/{int:job_id}/rejected.xlsx", summary="The rejected rows, with a column saying what is wrong"
)
def import_rejected(request, job_id: int):
    from cordon.people.import_files import rejected_response

    return rejected_response(request.user, _import_job(request, job_id))
