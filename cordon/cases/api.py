"""/api/v1/cases/: cases, contacts, the chain as JSON (nodes, edges), quarantine sites and placements,
through the same services and scope as the pages. Clinical records answer only health workers and
the command centre; anything outside the caller's areas is a 404, like a missing record."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.permissions import CASE_WORKERS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.cases import chain, selectors, services, services_quarantine
from cordon.cases.models import Case, ContactLink, Placement, QuarantineSite
from cordon.core.errors import ApiError
from cordon.core.pagination import Pages
from cordon.people.models import Person

router = Router(tags=["cases"])


# --- Schemas ---------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    label: str
    person: int | None = Field(None, alias="person_id")
    name: str = Field(..., alias="display_name")
    area: str = Field(..., alias="area_id")
    authority: str
    number: str
    classification: str
    onset_date: date | None
    confirmed_on: date | None
    isolated_on: date | None
    hospital: str
    reporting_source: str
    outcome: str
    outcome_on: date | None
    external: bool = Field(..., alias="is_external")
    external_note: str
    note: str


class CaseIn(Schema):
    person: int | None = Field(
        None, description="a person of your areas; leave out for a case known only elsewhere"
    )
    area: str = Field("", max_length=15, description="for a case known only elsewhere: where it is recorded")
    classification: str = Field(..., max_length=20)
    classified_on: date | None = None
    authority: str = Field("", max_length=40)
    number: str = Field("", max_length=20)
    onset_date: date | None = None
    confirmed_on: date | None = None
    isolated_on: date | None = None
    hospital: str = Field("", max_length=100)
    reporting_source: str = Field("", max_length=100)
    external_name: str = Field("", max_length=40)
    external_note: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class CasePatch(Schema):
    authority: str | None = Field(None, max_length=40)
    number: str | None = Field(None, max_length=20)
    onset_date: date | None = None
    confirmed_on: date | None = None
    isolated_on: date | None = None
    hospital: str | None = Field(None, max_length=100)
    reporting_source: str | None = Field(None, max_length=100)
    outcome: str | None = Field(None, max_length=20)
    outcome_on: date | None = None
    note: str | None = Field(None, max_length=300)


class ClassifyIn(Schema):
    classification: str = Field(..., max_length=20)
    on: date
    note: str = Field("", max_length=200)


class IdentifyIn(Schema):
    person: int


class ContactPersonIn(Schema):
    person: int | None = Field(None, description="a known person; or the details below")
    name: str = Field("", max_length=40)
    document_type: str = Field("mainland_id", max_length=20)
    document_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    area: str = Field("", max_length=15, description="the village the person lives in")


class ContactsIn(Schema):
    people: list[ContactPersonIn] = Field(..., max_length=services.MAX_CONTACTS)
    degree: str = Field("close", max_length=10)
    setting: str = Field(..., max_length=20)
    first_exposure: date | None = None
    last_exposure: date
    via: int | None = Field(None, description="for a secondary contact: the close contact's link id")
    note: str = Field("", max_length=200)


class ContactOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    person: int = Field(..., alias="person_id")
    person_name: str = Field(..., alias="person.name")
    area: str = Field(..., alias="area_id")
    degree: str
    setting: str
    first_exposure: date
    last_exposure: date
    via: int | None = Field(None, alias="via_id")
    contact_case: int | None = Field(None, alias="contact_case_id")
    period: int | None = Field(None, alias="period_id")


class ContactRowOut(Schema):
    contact: ContactOut
    status: str
    until: date | None
    place: str
    outside_lookback: bool


class CaseContactsOut(Schema):
    counts: dict[str, int]
    contacts: list[ContactRowOut]


class ToCaseIn(Schema):
    classification: str = Field(..., max_length=20)
    classified_on: date | None = None
    authority: str = Field("", max_length=40)
    number: str = Field("", max_length=20)


class ChainOut(Schema):
    root: str
    nodes: list[dict]
    edges: list[dict]
    truncated: bool = Field(
        ..., description="more contacts than a graph holds: every case kept, contacts cut"
    )


class SiteIn(Schema):
    area: str = Field(..., max_length=15)
    name: str = Field(..., max_length=100)
    capacity: int
    address: str = Field("", max_length=200)
    rooms: str = Field("", max_length=200)
    contact: str = Field("", max_length=100)
    is_active: bool = True


class SiteOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    name: str
    capacity: int
    address: str
    rooms: str
    contact: str
    is_active: bool


class OccupancyOut(Schema):
    day: date
    people: int
    capacity: int


class PlacementIn(Schema):
    person: int
    site: int
    placed_on: date
    room: str = Field("", max_length=20)
    transport: str = Field("", max_length=100)
    contact: int | None = None


class PlacementOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    area: str = Field(..., alias="area_id")
    site: int = Field(..., alias="site_id")
    room: str
    placed_on: date
    transport: str
    left_on: date | None
    outcome: str
    outcome_note: str
    period: int | None = Field(None, alias="period_id")


class ReleaseIn(Schema):
    released_on: date
    note: str = Field("", max_length=200)


class EndStayIn(Schema):
    outcome: str = Field(..., max_length=20)
    ended_on: date
    note: str = Field(..., max_length=200)


class CurveOut(Schema):
    day: date
    confirmed: int
    asymptomatic: int
    suspected: int


# --- Helpers ---------------------------------------------------------------------------------------


def _require_case_role(request):
    if not has_role_anywhere(request.user, *CASE_WORKERS):
        raise PermissionDenied


def _case(request, pk: int) -> Case:
    return get_visible_or_404(Case.objects.select_related("person"), request.user, roles=CASE_WORKERS, pk=pk)


def _person(request, pk: int) -> Person:
    return get_visible_or_404(Person.objects, request.user, pk=pk)


# --- Cases -----------------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="Cases of your areas")
@paginate(Pages, page_size=100)
def case_list(request, classification: str = "", area: str = "", q: str = ""):
    _require_case_role(request)
    code = visible_area(request.user, area).code if area else ""
    return selectors.case_list(request.user, classification=classification, area=code, query=q[:40])


@router.post("/cases", response={201: CaseOut}, summary="Register a case (or one known only by its number)")
def case_create(request, payload: CaseIn):
    _require_case_role(request)
    data = payload.dict(exclude={"person", "area", "classification", "classified_on"})
    person = _person(request, payload.person) if payload.person else None
    area = None
    if person is None:
        code = payload.area or selectors.home_town(request.user, CASE_WORKERS)
        area = visible_area(request.user, code)
    case = services.case_register(
        actor=request.user,
        person=person,
        area=area,
        classification=payload.classification,
        classified_on=payload.classified_on,
        data=data,
    )
    return Status(201, case)


@router.get("/cases/{case_id}", response=CaseOut, summary="One case")
def case_get(request, case_id: int):
    return _case(request, case_id)


@router.patch(
    "/cases/{case_id}", response=CaseOut, summary="Correct a case's number, dates, hospital, outcome"
)
def case_patch(request, case_id: int, payload: CasePatch):
    case = _case(request, case_id)
    return services.case_update(actor=request.user, case=case, data=payload.dict(exclude_unset=True))


@router.post("/cases/{case_id}/classify", response=CaseOut, summary="Reclassify a case, dated")
def case_classify(request, case_id: int, payload: ClassifyIn):
    return services.case_classify(actor=request.user, case=_case(request, case_id), **payload.dict())


@router.post(
    "/cases/{case_id}/identify", response=CaseOut, summary="Give a case known only by number its person"
)
def case_identify(request, case_id: int, payload: IdentifyIn):
    case = _case(request, case_id)
    return services.case_identify(actor=request.user, case=case, person=_person(request, payload.person))


@router.get(
    "/cases/{case_id}/contacts",
    response=CaseContactsOut,
    summary="A case's contacts you may see, with counts",
)
def case_contacts(request, case_id: int):
    found = selectors.case_contacts(_case(request, case_id), request.user)
    return {
        "counts": found.counts,
        "contacts": [
            {
                "contact": row.link,
                "status": row.status,
                "until": row.until,
                "place": row.place,
                "outside_lookback": row.outside_lookback,
            }
            for row in found.rows
        ],
    }


@router.post(
    "/cases/{case_id}/contacts", response={201: list[ContactOut]}, summary="Trace contacts, all or none"
)
def contacts_add(request, case_id: int, payload: ContactsIn):
    case = _case(request, case_id)
    people = []
    for entry in payload.people:
        if entry.person:
            people.append({"person": _person(request, entry.person)})
            continue
        area = None
        if entry.area:
            try:
                area = visible_area(request.user, entry.area)
            except ValidationError:
                area = None
        people.append(entry.dict(exclude={"person", "area"}) | {"area": area})
    via = None
    if payload.via:
        via = get_visible_or_404(ContactLink.objects, request.user, pk=payload.via)
    try:
        links = services.contact_add(
            actor=request.user,
            case=case,
            people=people,
            setting=payload.setting,
            degree=payload.degree,
            first_exposure=payload.first_exposure,
            last_exposure=payload.last_exposure,
            via=via,
            note=payload.note,
        )
    except services.EntryErrors as exc:
        errors = [
            {"field": f"people.{index}", "message": message}
            for index, messages in sorted(exc.entries.items())
            for message in messages
        ]
        raise ApiError(422, "invalid", exc.messages[0], errors) from None
    return Status(201, links)


@router.post("/contacts/{contact_id}/case", response={201: CaseOut}, summary="A contact became a case")
def contact_to_case(request, contact_id: int, payload: ToCaseIn):
    link = get_visible_or_404(
        ContactLink.objects.select_related("case", "person"), request.user, pk=contact_id
    )
    _case(request, link.case_id)
    case = services.contact_to_case(
        actor=request.user,
        link=link,
        classification=payload.classification,
        classified_on=payload.classified_on,
        data={"authority": payload.authority, "number": payload.number},
    )
    return Status(201, case)


@router.get("/cases/{case_id}/chain", response=ChainOut, summary="The chain around a case: nodes and edges")
def case_chain(request, case_id: int, depth: int = chain.MAX_DEPTH, degree: str = ""):
    case = _case(request, case_id)
    depth = min(max(depth, 1), chain.MAX_DEPTH)
    degrees = tuple(d for d in degree.split(",") if d in ContactLink.Degree.values)
    graph = selectors.chain_graph(case, request.user, depth=depth, degrees=degrees)
    return {"root": graph.root, "nodes": graph.nodes, "edges": graph.edges, "truncated": graph.truncated}


@router.get("/curve", response=list[CurveOut], summary="Cases per day of confirmation (or onset)")
def curve(request, area: str = "", by: str = "confirmed_on"):
    _require_case_role(request)
    code = visible_area(request.user, area).code if area else ""
    return selectors.epidemic_curve(request.user, area=code, by=by)


# --- Sites and placements --------------------------------------------------------------------------


@router.get("/sites", response=list[SiteOut], summary="Quarantine sites")
def site_list(request):
    _require_case_role(request)
    return list(selectors.sites_visible(request.user))


@router.post("/sites", response={201: SiteOut}, summary="Add a quarantine site")
def site_create(request, payload: SiteIn):
    area = visible_area(request.user, payload.area)
    site = services_quarantine.site_save(actor=request.user, area=area, data=payload.dict(exclude={"area"}))
    return Status(201, site)


@router.get("/sites/{site_id}/occupancy", response=list[OccupancyOut], summary="People at a site per day")
def site_occupancy(request, site_id: int, start: date | None = None, end: date | None = None):
    site = get_visible_or_404(QuarantineSite.objects, request.user, roles=CASE_WORKERS, pk=site_id)
    end = end or timezone.localdate()
    start = start or end
    if start > end or (end - start).days > 366:
        raise ApiError(422, "invalid", _("Give a period of at most a year, start before end."))
    days = services_quarantine.occupancy(site, start, end)
    return [{"day": day, "people": n, "capacity": site.capacity} for day, n in days.items()]


@router.get(
    "/placements", response=list[PlacementOut], summary="Stays at quarantine sites (open ones by default)"
)
@paginate(Pages, page_size=100)
def placement_list(request, site: int | None = None, open: bool = True):
    placements = selectors.placements_visible(request.user)
    if site:
        placements = placements.filter(site_id=site)
    if open:
        placements = placements.filter(left_on__isnull=True)
    return placements.order_by("-placed_on", "-id")


@router.post("/placements", response={201: PlacementOut}, summary="Place a person at a site")
def placement_create(request, payload: PlacementIn):
    person = _person(request, payload.person)
    site = get_visible_or_404(QuarantineSite.objects, request.user, roles=CASE_WORKERS, pk=payload.site)
    contact = None
    if payload.contact:
        contact = get_visible_or_404(ContactLink.objects, request.user, pk=payload.contact)
    placement = services_quarantine.placement_create(
        actor=request.user,
        person=person,
        site=site,
        placed_on=payload.placed_on,
        room=payload.room,
        transport=payload.transport,
        contact=contact,
    )
    return Status(201, placement)


def _placement(request, pk: int) -> Placement:
    return get_visible_or_404(Placement.objects, request.user, roles=CASE_WORKERS, pk=pk)


@router.post("/placements/{placement_id}/release", response=PlacementOut, summary="Release from quarantine")
def placement_release(request, placement_id: int, payload: ReleaseIn):
    return services_quarantine.placement_release(
        actor=request.user, placement=_placement(request, placement_id), **payload.dict()
    )


@router.post(
    "/placements/{placement_id}/end", response=PlacementOut, summary="Move to hospital or another site"
)
def placement_end(request, placement_id: int, payload: EndStayIn):
    return services_quarantine.placement_end(
        actor=request.user, placement=_placement(request, placement_id), **payload.dict()
    )
