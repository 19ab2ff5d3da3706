"""/api/v1/operations/: disinfection tasks and rounds (and every home of a case), counselling sessions
(counsellors and the commander only, a 404 to anyone else, every read access-logged), notices, and
rumours with their verification and rebuttal — the pages' services."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.permissions import COUNSELLING_READERS, DISINFECTION_FROM_CASE
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.accounts.selectors import top_areas
from cordon.cases.models import Case
from cordon.core.pagination import Pages
from cordon.forces.models import Team
from cordon.operations import services_counselling, services_disinfection, services_notices
from cordon.operations.models import CounsellingSession, DisinfectionTask, Notice, Rumour
from cordon.people.models import Household, Person

router = Router(tags=["operations"])


# --- Disinfection -----------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    planned_on: date
    done_at: datetime | None
    done_by: str | None = Field(None, alias="done_by.username")
    note: str
    has_photo: bool

    @staticmethod
    def resolve_has_photo(obj):
        return bool(obj.photo)


class DisinfectionTaskOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    kind: str
    target: str
    household: int | None = Field(None, alias="household_id")
    case: int | None = None  # only for those who may see cases (see resolve_case)
    agent: str
    concentration: Decimal
    concentration_unit: str
    method: str
    area_m2: Decimal
    starts_on: date
    every_days: int
    rounds: int
    team: int | None = Field(None, alias="team_id")
    note: str

    @staticmethod
    def resolve_case(obj, context):
        return obj.case_id if services_disinfection.may_see_case(context["request"].user, obj) else None


class TaskDetailOut(DisinfectionTaskOut):
    people: list[int]
    round_list: list[RoundOut]

    @staticmethod
    def resolve_people(obj, context):
        """Whose home it is: a case's or a contact's, so only for those who may see cases."""
        if not services_disinfection.may_see_case(context["request"].user, obj):
            return []
        return [p.pk for p in obj.people.all()]

    @staticmethod
    def resolve_round_list(obj):
        return list(obj.round_set.select_related("done_by"))


class ScheduleIn(Schema):
    agent: str = Field(..., max_length=60)
    concentration: Decimal
    concentration_unit: str = Field("mg/L", max_length=10)
    method: str = Field(..., max_length=20)
    area_m2: Decimal
    starts_on: date
    every_days: int = Field(1, ge=1, le=services_disinfection.MAX_EVERY_DAYS)
    rounds: int | None = Field(None, ge=1, le=services_disinfection.MAX_ROUNDS)
    ends_on: date | None = None
    team: int | None = None
    note: str = Field("", max_length=300)


class TaskIn(ScheduleIn):
    area: str = Field(..., max_length=15)
    kind: str = Field(..., max_length=20)
    target: str = Field(..., max_length=200)
    people: list[int] = Field(default_factory=list, max_length=50)
    household: int | None = None
    client_id: str = Field("", max_length=36)


class RoundIn(Schema):
    planned_on: date
    done_at: datetime | None = None
    note: str = Field("", max_length=200)


class FromCaseOut(Schema):
    created: list[int]
    existing: int
    without_address: int


def _team(request, pk):
    return None if pk is None else get_visible_or_404(Team.objects, request.user, pk=pk)


@router.get("/disinfection/tasks", response=list[DisinfectionTaskOut], summary="Disinfection tasks")
@paginate(Pages, page_size=100)
def task_list(request, area: str = "", kind: str = "", overdue: bool = False):
    tasks = DisinfectionTask.objects.visible_to(request.user)
    if area:
        tasks = tasks.within(area)
    if kind:
        tasks = tasks.filter(kind=kind)
    if overdue:
        tasks = tasks.with_counts(timezone.localdate()).filter(rounds_overdue__gt=0)
    return tasks


@router.post("/disinfection/tasks", response={201: TaskDetailOut, 200: TaskDetailOut}, summary="Plan a task")
def task_create(request, payload: TaskIn):
    area = visible_area(request.user, payload.area)
    people = [get_visible_or_404(Person.objects, request.user, pk=pk) for pk in payload.people]
    household = (
        get_visible_or_404(Household.objects, request.user, pk=payload.household)
        if payload.household
        else None
    )
    task, created = services_disinfection.task_create(
        actor=request.user,
        area=area,
        data=payload.dict(exclude={"area", "people", "household", "team", "client_id"}),
        people=people,
        household=household,
        team=_team(request, payload.team),
        client_id=payload.client_id,
    )
    return Status(201 if created else 200, task)


def _task(request, task_id: int) -> DisinfectionTask:
    return get_visible_or_404(DisinfectionTask.objects, request.user, pk=task_id)


@router.get("/disinfection/tasks/{task_id}", response=TaskDetailOut, summary="One task with its rounds")
def task_get(request, task_id: int):
    return _task(request, task_id)


@router.post(
    "/disinfection/tasks/{task_id}/rounds",
    response={201: RoundOut, 200: RoundOut},
    summary="Record a round as done (a retry answers 200 with the round as recorded)",
)
def round_record(request, task_id: int, payload: RoundIn):
    round_, recorded = services_disinfection.round_record(
        actor=request.user, task=_task(request, task_id), **payload.dict()
    )
    return Status(201 if recorded else 200, round_)


@router.post(
    "/disinfection/from-case/{case_id}",
    response={201: FromCaseOut},
    summary="A house task for every home of a case's person and its contacts",
)
def from_case(request, case_id: int, payload: ScheduleIn):
    case = get_visible_or_404(Case.objects, request.user, roles=DISINFECTION_FROM_CASE, pk=case_id)
    result = services_disinfection.disinfection_for_homes(
        actor=request.user,
        case=case,
        data=payload.dict(exclude={"team"}),
        team=_team(request, payload.team),
    )
    return Status(
        201,
        {
            "created": [t.pk for t in result["created"]],
            "existing": result["existing"],
            "without_address": len(result["without_address"]),
        },
    )


# --- Counselling --------------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    person: int | None = Field(None, alias="person_id")
    household: int | None = Field(None, alias="household_id")
    counsellor: str = Field(..., alias="counsellor.username")
    held_on: date
    mode: str
    concerns: str
    follow_up_needed: bool
    follow_up_on: date | None
    note: str


class SessionIn(Schema):
    person: int | None = None
    household: int | None = None
    held_on: date | None = None
    mode: str = Field(..., max_length=10)
    concerns: str = Field(..., max_length=2000)
    follow_up_needed: bool = False
    follow_up_on: date | None = None
    note: str = Field("", max_length=2000)
    client_id: str = Field("", max_length=36)


def _require_reader(request) -> None:
    if not has_role_anywhere(request.user, *COUNSELLING_READERS):
        raise Http404


@router.get(
    "/counselling", response=list[SessionOut], summary="Counselling sessions (counsellors, commander)"
)
@paginate(Pages, page_size=100)
def session_list(request):
    _require_reader(request)
    sessions = services_counselling.readable(request.user).select_related("counsellor")
    tops = top_areas(request.user)
    if tops:
        services_counselling.log_read(actor=request.user, area=tops[0], count=sessions.count())
    return sessions


@router.get("/counselling/{session_id}", response=SessionOut, summary="One counselling session")
def session_get(request, session_id: int):
    session = get_visible_or_404(
        CounsellingSession.objects.select_related("counsellor"),
        request.user,
        roles=COUNSELLING_READERS,
        pk=session_id,
    )
    services_counselling.log_read(actor=request.user, session=session)
    return session


@router.post("/counselling", response={201: SessionOut, 200: SessionOut}, summary="Record a session")
def session_create(request, payload: SessionIn):
    _require_reader(request)
    person = get_visible_or_404(Person.objects, request.user, pk=payload.person) if payload.person else None
    household = (
        get_visible_or_404(Household.objects, request.user, pk=payload.household)
        if payload.household
        else None
    )
    session, created = services_counselling.session_create(
        actor=request.user,
        data=payload.dict(exclude={"person", "household", "client_id"}),
        person=person,
        household=household,
        client_id=payload.client_id,
    )
    return Status(201 if created else 200, session)


# --- Notices and rumours ------------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    title: str
    body: str
    audience: list[str]
    channels: list[str]
    status: str
    published_at: datetime | None

    @staticmethod
    def resolve_audience(obj):
        return [a.code for a in obj.audience.all()]


class NoticeIn(Schema):
    area: str = Field(..., max_length=15)
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=5000)
    audience: list[str] = Field(default_factory=list, max_length=100)
    channels: list[str] = Field(..., max_length=4)


class RumourOut(Schema):
    id: int
    area: str = Field(..., alias="area_id")
    place: str
    heard_on: date
    content: str
    reported_by_name: str
    verification: str
    finding: str
    verified_at: datetime | None
    rebuttal: int | None = Field(None, alias="rebuttal_id")
    status: str


class RumourIn(Schema):
    area: str = Field(..., max_length=15)
    place: str = Field("", max_length=100)
    heard_on: date | None = None
    content: str = Field(..., max_length=2000)
    reported_by_name: str = Field(..., max_length=40)
    client_id: str = Field(
        "", max_length=36, description="The phone's id for this report: sent twice, kept once"
    )


class VerifyIn(Schema):
    verification: str = Field(..., max_length=12)
    finding: str = Field("", max_length=2000)


class RebutIn(Schema):
    notice: int | None = None
    area: str | None = Field(None, max_length=15)
    title: str = Field("", max_length=100)
    body: str = Field("", max_length=5000)
    channels: list[str] = Field(default_factory=list, max_length=4)


@router.get("/notices", response=list[NoticeOut], summary="Notices")
@paginate(Pages, page_size=100)
def notice_list(request, status: str = ""):
    notices = Notice.objects.visible_to(request.user).prefetch_related("audience")
    return notices.filter(status=status) if status else notices


@router.post("/notices", response={201: NoticeOut}, summary="Write a draft notice")
def notice_create(request, payload: NoticeIn):
    area = visible_area(request.user, payload.area)
    audience = [visible_area(request.user, code, field="audience") for code in payload.audience]
    notice = services_notices.notice_save(
        actor=request.user, area=area, data={**payload.dict(exclude={"area"}), "audience": audience}
    )
    return Status(201, notice)


def _notice(request, notice_id: int) -> Notice:
    return get_visible_or_404(Notice.objects, request.user, pk=notice_id)


@router.get("/notices/{notice_id}", response=NoticeOut, summary="One notice")
def notice_get(request, notice_id: int):
    return _notice(request, notice_id)


@router.post("/notices/{notice_id}/publish", response=NoticeOut, summary="Publish a draft")
def notice_publish(request, notice_id: int):
    return services_notices.notice_publish(actor=request.user, notice=_notice(request, notice_id))


@router.get("/rumours", response=list[RumourOut], summary="Rumours")
@paginate(Pages, page_size=100)
def rumour_list(request, status: str = ""):
    rumours = Rumour.objects.visible_to(request.user)
    return rumours.filter(status=status) if status else rumours


@router.post("/rumours", response={201: RumourOut}, summary="Report a rumour")
def rumour_report(request, payload: RumourIn):
    area = visible_area(request.user, payload.area)
    rumour = services_notices.rumour_report(
        actor=request.user,
        area=area,
        data=payload.dict(exclude={"area", "client_id"}),
        client_id=payload.client_id,
    )
    return Status(201, rumour)


def _rumour(request, rumour_id: int) -> Rumour:
    return get_visible_or_404(Rumour.objects, request.user, pk=rumour_id)


@router.get("/rumours/{rumour_id}", response=RumourOut, summary="One rumour")
def rumour_get(request, rumour_id: int):
    return _rumour(request, rumour_id)


@router.post("/rumours/{rumour_id}/verify", response=RumourOut, summary="Record what verification found")
def rumour_verify(request, rumour_id: int, payload: VerifyIn):
    return services_notices.rumour_verify(
        actor=request.user, rumour=_rumour(request, rumour_id), **payload.dict()
    )


@router.post("/rumours/{rumour_id}/rebut", response=RumourOut, summary="Rebut with a published notice")
def rumour_rebut(request, rumour_id: int, payload: RebutIn):
    rumour = _rumour(request, rumour_id)
    notice = _notice(request, payload.notice) if payload.notice else None
    area = visible_area(request.user, payload.area) if payload.area else None
    return services_notices.rumour_rebut(
        actor=request.user,
        rumour=rumour,
        notice=notice,
        area=area,
        data=payload.dict(include={"title", "body", "channels"}),
    )
