"""/api/v1/forces/: personnel, teams and their members, assignments and the contribution record — the
pages' services and scope. Phones and ID numbers come masked unless the role manages the forces there
(phones) — ID numbers always masked (the person's record in /people/ has them, logged)."""

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.models import User
from cordon.accounts.permissions import COMMAND, FORCES_MANAGERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.core.pagination import Pages
from cordon.core.privacy import mask_document, mask_phone
from cordon.forces import selectors, services, services_assign
from cordon.forces.models import Assignment, Personnel, Team, TeamMember

router = Router(tags=["forces"])


class PersonnelOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    name: str = Field(..., alias="person.name")
    document_number: str
    phone: str
    kind: str
    unit: str
    skills: str
    availability: str
    area: str = Field(..., alias="area_id")
    account: int | None = Field(None, alias="account_id")
    note: str
    active: bool
    created_at: datetime

    @staticmethod
    def resolve_document_number(obj):
        return mask_document(obj.person.document_number)

    @staticmethod
    def resolve_phone(obj, context):
        user = context["request"].user
        return obj.phone if has_role(user, obj.area_id, *FORCES_MANAGERS) else mask_phone(obj.phone)


class PersonnelIn(Schema):
    area: str = Field(..., max_length=15)
    name: str = Field("", max_length=60)
    document_type: str = Field("mainland_id", max_length=20)
    document_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    kind: str = Field(..., max_length=20)
    unit: str = Field("", max_length=100)
    skills: str = Field("", max_length=300)
    availability: str = Field("full_time", max_length=12)
    note: str = Field("", max_length=300)
    account: int | None = None


class PersonnelPatch(Schema):
    kind: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=30)
    unit: str | None = Field(None, max_length=100)
    skills: str | None = Field(None, max_length=300)
    availability: str | None = Field(None, max_length=12)
    note: str | None = Field(None, max_length=300)
    active: bool | None = None
    area: str | None = Field(None, max_length=15)


class MemberOut(Schema):
    id: int
    personnel: int = Field(..., alias="personnel_id")
    name: str = Field(..., alias="personnel.person.name")
    role: str
    joined_on: date
    left_on: date | None


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    area: str = Field(..., alias="area_id")
    leader: int | None = Field(None, alias="leader_id")
    note: str
    active: bool


class TeamDetailOut(TeamOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj):
        return list(selectors.active_members(obj))


class TeamIn(Schema):
    area: str = Field(..., max_length=15)
    name: str = Field(..., max_length=100)
    kind: str = Field(..., max_length=20)
    note: str = Field("", max_length=300)
    leader: int | None = None


class MemberIn(Schema):
    personnel: int
    role: str = Field("", max_length=60)
    joined_on: date | None = None


class MemberRemoveIn(Schema):
    left_on: date | None = None


class AssignmentOut(Schema):
    id: int
    team: int | None = Field(None, alias="team_id")
    personnel: int | None = Field(None, alias="personnel_id")
    area: str = Field(..., alias="area_id")
    checkpoint: int | None = Field(None, alias="checkpoint_id")
    shift: int | None = Field(None, alias="shift_id")
    starts_on: date
    ends_on: date | None
    note: str
    cancelled_at: datetime | None


class AssignmentIn(Schema):
    team: int | None = None
    personnel: int | None = None
    area: str | None = Field(None, max_length=15)
    checkpoint: int | None = None
    shift: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str = Field("", max_length=300)


class FiguresOut(Schema):
    personnel: int
    name: str
    shifts: int
    passages: int
    screenings: int
    checks: int
    rounds: int
    streak: int
    commendations: int
    notes: int


class CommendationIn(Schema):
    kind: str = Field(..., max_length=12)
    text: str = Field(..., max_length=600)


# --- Personnel -----------------------------------------------------------------------------------------


@router.get(
    "/personnel", response=list[PersonnelOut], summary="Personnel (search by name, filter kind/area/team)"
)
@paginate(Pages, page_size=50)
def personnel_list(request, q: str = "", kind: str = "", area: str = "", team: int | None = None):
    return selectors.personnel_list(request.user, query=q.strip()[:40], kind=kind, area=area[:15], team=team)


@router.post(
    "/personnel",
    response={201: PersonnelOut, 200: PersonnelOut},
    summary="Register personnel (201; someone already in the forces answers 200 with their record)",
)
def personnel_register(request, payload: PersonnelIn):
    area = visible_area(request.user, payload.area)
    account = None
    if payload.account is not None:
        account = get_visible_or_404(User.objects, request.user, pk=payload.account)
    person_data = {
        "name": payload.name,
        "document_type": payload.document_type,
        "document_number": payload.document_number,
        "document_required": True,
    }
    data = payload.dict(include={"kind", "unit", "phone", "skills", "availability", "note"})
    personnel, created = services.personnel_register(
        actor=request.user, area=area, person_data=person_data, data=data, account=account
    )
    return Status(201 if created else 200, personnel)


def _personnel(request, pk: int) -> Personnel:
    return get_visible_or_404(Personnel.objects.select_related("person"), request.user, pk=pk)


@router.get("/personnel/{personnel_id}", response=PersonnelOut, summary="One member of the forces")
def personnel_get(request, personnel_id: int):
    return _personnel(request, personnel_id)


@router.patch("/personnel/{personnel_id}", response=PersonnelOut, summary="Change a member of the forces")
def personnel_patch(request, personnel_id: int, payload: PersonnelPatch):
    personnel = _personnel(request, personnel_id)
    data = payload.dict(exclude_unset=True)
    area = visible_area(request.user, data.pop("area")) if data.get("area") else None
    return services.personnel_update(actor=request.user, personnel=personnel, data=data, area=area)


# --- Teams ---------------------------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut], summary="Teams (filter kind/area)")
@paginate(Pages, page_size=100)
def team_list(request, kind: str = "", area: str = ""):
    return selectors.team_list(request.user, kind=kind, area=area[:15])


@router.post("/teams", response={201: TeamDetailOut}, summary="Form a team")
def team_create(request, payload: TeamIn):
    area = visible_area(request.user, payload.area)
    leader = _personnel(request, payload.leader) if payload.leader is not None else None
    team = services.team_create(
        actor=request.user, area=area, data=payload.dict(include={"name", "kind", "note"}), leader=leader
    )
    return Status(201, team)


def _team(request, pk: int) -> Team:
    return get_visible_or_404(Team.objects, request.user, pk=pk)


@router.get("/teams/{team_id}", response=TeamDetailOut, summary="A team with its members")
def team_get(request, team_id: int):
    return _team(request, team_id)


@router.post("/teams/{team_id}/members", response={201: MemberOut}, summary="Add a member to a team")
def member_add(request, team_id: int, payload: MemberIn):
    team = _team(request, team_id)
    personnel = _personnel(request, payload.personnel)
    membership = services.team_member_add(
        actor=request.user, team=team, personnel=personnel, role=payload.role, joined_on=payload.joined_on
    )
    return Status(201, membership)


@router.post(
    "/teams/{team_id}/members/{personnel_id}/remove", response=MemberOut, summary="A member leaves a team"
)
def member_remove(request, team_id: int, personnel_id: int, payload: MemberRemoveIn):
    team = _team(request, team_id)
    membership = (
        TeamMember.objects.filter(team=team, personnel_id=personnel_id, left_on__isnull=True)
        .select_related("team", "personnel__person")
        .first()
    )
    if membership is None:
        raise Http404(_("No such record."))
    return services.team_member_remove(actor=request.user, membership=membership, left_on=payload.left_on)


# --- Assignments ---------------------------------------------------------------------------------------


@router.get("/assignments", response=list[AssignmentOut], summary="Assignments (filter team/personnel)")
@paginate(Pages, page_size=100)
def assignment_list(request, team: int | None = None, personnel: int | None = None):
    rows = Assignment.objects.visible_to(request.user)
    if team is not None:
        rows = rows.filter(team_id=team)
    if personnel is not None:
        rows = rows.filter(personnel_id=personnel)
    return rows


@router.post("/assignments", response={201: AssignmentOut}, summary="Send a team or a person somewhere")
def assignment_create(request, payload: AssignmentIn):
    user = request.user
    assignment = services_assign.assignment_create(
        actor=user,
        team=_team(request, payload.team) if payload.team is not None else None,
        personnel=_personnel(request, payload.personnel) if payload.personnel is not None else None,
        area=visible_area(user, payload.area) if payload.area else None,
        checkpoint=get_visible_or_404(Checkpoint.objects, user, pk=payload.checkpoint)
        if payload.checkpoint
        else None,
        shift=get_visible_or_404(DutyShift.objects, user, pk=payload.shift) if payload.shift else None,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return Status(201, assignment)


@router.post("/assignments/{assignment_id}/cancel", response=AssignmentOut, summary="Call an assignment off")
def assignment_cancel(request, assignment_id: int):
    assignment = get_visible_or_404(Assignment.objects, request.user, pk=assignment_id)
    return services_assign.assignment_cancel(actor=request.user, assignment=assignment)


# --- Contribution (the command centre only) ------------------------------------------------------------


def _require_command(request) -> None:
    if not has_role_anywhere(request.user, *COMMAND):
        raise Http404(_("No such record."))


def _figures(personnel: Personnel, figures) -> dict:
    return {
        "personnel": personnel.pk,
        "name": personnel.person.name,
        **{
            k: getattr(figures, k)
            for k in (
                "shifts",
                "passages",
                "screenings",
                "checks",
                "rounds",
                "streak",
                "commendations",
                "notes",
            )
        },
    }


@router.get("/contribution", response=list[FiguresOut], summary="The contribution ranking (command centre)")
@paginate(Pages, page_size=100)
def contribution(request, team: int | None = None, by: str = "shifts"):
    _require_command(request)
    people = Personnel.objects.visible_to(request.user, COMMAND).select_related("person")
    if team is not None:
        get_visible_or_404(Team.objects, request.user, roles=COMMAND, pk=team)
        people = people.filter(memberships__team_id=team, memberships__left_on__isnull=True)
    return [
        _figures(p, f) for p, f in selectors.ranking(request.user, list(people.order_by("id")[:5000]), by=by)
    ]


@router.get("/contribution/{personnel_id}", response=FiguresOut, summary="One person's contribution")
def contribution_person(request, personnel_id: int):
    personnel = get_visible_or_404(
        Personnel.objects.select_related("person"), request.user, roles=COMMAND, pk=personnel_id
    )
    return _figures(personnel, selectors.contribution(request.user, [personnel])[personnel.pk])


@router.post(
    "/contribution/{personnel_id}/notes", response={201: dict}, summary="Write a commendation or a note"
)
def commend(request, personnel_id: int, payload: CommendationIn):
    personnel = get_visible_or_404(Personnel.objects, request.user, roles=COMMAND, pk=personnel_id)
    note = services_assign.commendation_write(
        actor=request.user, personnel=personnel, kind=payload.kind, text=payload.text
    )
    return Status(201, {"id": note.pk, "kind": note.kind, "text": note.text})
