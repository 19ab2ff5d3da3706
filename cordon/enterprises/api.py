"""/api/v1/enterprises/: enterprises, reopening applications and their decisions, inspections and
the rectification of findings — the pages' services, the same scope, errors in the user's language."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts.permissions import ENTERPRISE_PHONE_READERS
from cordon.accounts.scope import get_visible_or_404, has_role, visible_area
from cordon.core.pagination import Pages
from cordon.core.privacy import mask_phone
from cordon.enterprises import services, services_inspections
from cordon.enterprises.models import Enterprise, Finding, Inspection, ReopeningApplication

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    area: str = Field(..., alias="area_id")
    address: str
    sector: str
    employees: int
    from_outside: int
    from_hubei: int
    contact_name: str
    contact_phone: str
    note: str
    status: str

    @staticmethod
    def resolve_contact_phone(obj, context):
        request = context["request"]
        if has_role(request.user, obj.area_id, *ENTERPRISE_PHONE_READERS):
            return obj.contact_phone
        return mask_phone(obj.contact_phone)


class EnterpriseIn(Schema):
    name: str = Field(..., max_length=100)
    uscc: str = Field(..., max_length=40)
    area: str = Field(..., max_length=15)
    address: str = Field(..., max_length=200)
    sector: str = Field(..., max_length=20)
    employees: int = Field(..., ge=0, le=1_000_000)
    from_outside: int = Field(0, ge=0, le=1_000_000)
    from_hubei: int = Field(0, ge=0, le=1_000_000)
    contact_name: str = Field(..., max_length=40)
    contact_phone: str = Field(..., max_length=30)
    note: str = Field("", max_length=200)


class EnterprisePatch(Schema):
    name: str | None = Field(None, max_length=100)
    uscc: str | None = Field(None, max_length=40)
    area: str | None = Field(None, max_length=15)
    address: str | None = Field(None, max_length=200)
    sector: str | None = Field(None, max_length=20)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    from_outside: int | None = Field(None, ge=0, le=1_000_000)
    from_hubei: int | None = Field(None, ge=0, le=1_000_000)
    contact_name: str | None = Field(None, max_length=40)
    contact_phone: str | None = Field(None, max_length=30)
    note: str | None = Field(None, max_length=200)


class Answer(Schema):
    ok: bool | None = None
    note: str = Field("", max_length=200)


class ChecklistIn(Schema):
    answers: dict[str, Answer] = Field(default_factory=dict)
    has_dormitory: bool = False
    dorm_people_per_room: int | None = Field(None, ge=0, le=1000)
    dorm_m2_per_person: Decimal | None = None


class ApplicationIn(ChecklistIn):
    planned_on: date
    prevention_plan: str = Field(..., max_length=4000)


class ApplicationOut(Schema):
    id: int
    enterprise: int = Field(..., alias="enterprise_id")
    planned_on: date
    prevention_plan: str
    checklist: dict
    has_dormitory: bool
    dorm_people_per_room: int | None
    dorm_m2_per_person: Decimal | None
    submitted_at: datetime
    decision: str
    conditions: str
    decision_comment: str
    decided_at: datetime | None


class ApplicationDecideIn(Schema):
    decision: str = Field(..., max_length=12)
    conditions: str = Field("", max_length=1000)
    comment: str = Field("", max_length=300)


class FindingIn(Schema):
    description: str = Field(..., max_length=300)
    deadline: date
    serious: bool = False


class InspectionIn(ChecklistIn):
    inspected_on: date
    findings: list[FindingIn] = Field(default_factory=list, max_length=services_inspections.MAX_FINDINGS)
    rectified: list[int] = Field(default_factory=list, max_length=100)
    rectification_note: str = Field("", max_length=300)
    suspend: bool = False
    comment: str = Field("", max_length=300)
    client_id: str = Field("", max_length=36)


class FindingOut(Schema):
    id: int
    description: str
    serious: bool
    deadline: date
    overdue: bool
    has_photo: bool
    rectified_at: datetime | None
    rectification_note: str

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue

    @staticmethod
    def resolve_has_photo(obj):
        return bool(obj.photo_type)


class InspectionOut(Schema):
    id: int
    enterprise: int = Field(..., alias="enterprise_id")
    inspector: str = Field(..., alias="inspector.username")
    inspected_on: date
    checklist: dict
    has_dormitory: bool
    dorm_people_per_room: int | None
    dorm_m2_per_person: Decimal | None
    outcome: str
    comment: str
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.defer("photo"))


class RectifyIn(Schema):
    note: str = Field(..., max_length=300)


class SuspendIn(Schema):
    reason: str = Field(..., max_length=300)


def _enterprise(request, enterprise_id: int) -> Enterprise:
    return get_visible_or_404(Enterprise.objects, request.user, pk=enterprise_id)


def _answers(payload: ChecklistIn) -> dict:
    return {key: answer.dict() for key, answer in payload.answers.items()}


@router.get("/", response=list[EnterpriseOut], summary="Enterprises of your areas")
@paginate(Pages, page_size=100)
def enterprise_list(request, status: str = "", sector: str = "", area: str = ""):
    enterprises = Enterprise.objects.visible_to(request.user)
    if status in Enterprise.Status.values:
        enterprises = enterprises.filter(status=status)
    if sector in Enterprise.Sector.values:
        enterprises = enterprises.filter(sector=sector)
    if area:
        enterprises = enterprises.within(area[:15])
    return enterprises


@router.post("/", response={201: EnterpriseOut}, summary="Register an enterprise")
def enterprise_create(request, payload: EnterpriseIn):
    data = payload.dict()
    area = visible_area(request.user, data.pop("area"))
    return Status(201, services.enterprise_register(actor=request.user, area=area, data=data))


@router.get("/{enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def enterprise_get(request, enterprise_id: int):
    return _enterprise(request, enterprise_id)


@router.patch("/{enterprise_id}", response=EnterpriseOut, summary="Correct an enterprise's particulars")
def enterprise_patch(request, enterprise_id: int, payload: EnterprisePatch):
    enterprise = _enterprise(request, enterprise_id)
    data = {field: getattr(enterprise, field) for field in services.ENTERPRISE_FIELDS if field != "area"}
    data.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    area = visible_area(request.user, data.pop("area", enterprise.area_id))
    return services.enterprise_update(actor=request.user, enterprise=enterprise, area=area, data=data)


@router.post("/{enterprise_id}/suspend", response=EnterpriseOut, summary="Suspend (command centre)")
def enterprise_suspend(request, enterprise_id: int, payload: SuspendIn):
    enterprise = _enterprise(request, enterprise_id)
    return services.enterprise_suspend(actor=request.user, enterprise=enterprise, reason=payload.reason)


@router.post(
    "/{enterprise_id}/applications",
    response={201: ApplicationOut},
    summary="Apply to reopen, with the checklist",
)
def application_create(request, enterprise_id: int, payload: ApplicationIn):
    application = services.application_submit(
        actor=request.user,
        enterprise=_enterprise(request, enterprise_id),
        planned_on=payload.planned_on,
        prevention_plan=payload.prevention_plan,
        answers=_answers(payload),
        has_dormitory=payload.has_dormitory,
        dorm_people_per_room=payload.dorm_people_per_room,
        dorm_m2_per_person=payload.dorm_m2_per_person,
    )
    return Status(201, application)


@router.post(
    "/applications/{application_id}/decide", response=ApplicationOut, summary="Decide an application"
)
def application_decide(request, application_id: int, payload: ApplicationDecideIn):
    application = get_visible_or_404(
        ReopeningApplication.objects.select_related("enterprise"), request.user, pk=application_id
    )
    return services.application_decide(actor=request.user, application=application, **payload.dict())


@router.post("/{enterprise_id}/inspections", response={201: InspectionOut}, summary="Record an inspection")
def inspection_create(request, enterprise_id: int, payload: InspectionIn):
    enterprise = _enterprise(request, enterprise_id)
    rectified = list(
        Finding.objects.visible_to(request.user).filter(
            pk__in=payload.rectified, inspection__enterprise=enterprise
        )
    )
    if len(rectified) != len(set(payload.rectified)):
        raise ValidationError({"rectified": [_("These findings are not this enterprise's.")]})
    inspection = services_inspections.inspection_record(
        actor=request.user,
        enterprise=enterprise,
        inspected_on=payload.inspected_on,
        answers=_answers(payload),
        has_dormitory=payload.has_dormitory,
        dorm_people_per_room=payload.dorm_people_per_room,
        dorm_m2_per_person=payload.dorm_m2_per_person,
        findings=[services_inspections.NewFinding(**f.dict()) for f in payload.findings],
        rectified=rectified,
        rectification_note=payload.rectification_note,
        suspend=payload.suspend,
        comment=payload.comment,
        client_id=payload.client_id,
    )
    return Status(201, inspection)


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="One inspection")
def inspection_get(request, inspection_id: int):
    return get_visible_or_404(Inspection.objects.select_related("inspector"), request.user, pk=inspection_id)


@router.post("/findings/{finding_id}/rectify", response=FindingOut, summary="Confirm a finding rectified")
def finding_rectify(request, finding_id: int, payload: RectifyIn):
    finding = get_visible_or_404(
        Finding.objects.select_related("inspection__enterprise").defer("photo"), request.user, pk=finding_id
    )
    return services_inspections.finding_rectify(actor=request.user, finding=finding, note=payload.note)
