"""/api/v1/observation/: periods, checks, alerts, tests and the protocol, through the same services
and the same scope as the pages. A period outside the caller's areas is a 404, like a missing one."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from cordon.accounts.permissions import OBSERVERS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.core.errors import ApiError
from cordon.core.models import Job
from cordon.core.openapi import named_choices
from cordon.core.pagination import Pages
from cordon.observation import (
    lab_import,
    selectors,
    services,
    services_checks,
    services_followup,
    services_protocol,
)
from cordon.observation.api_reminders import router as reminders_router
from cordon.observation.jobs import LAB_JOB, queue_lab_import
from cordon.observation.models import Alert, HealthCheck, LabTest, Period, ProtocolEdition, SelfReportLink
from cordon.people.models import Person

router = Router(tags=["observation"])


# --- Schemas ---------------------------------------------------------------------------------------


class EditionOut(Schema):
    code: str
    name: str
    effective_from: date
    is_default: bool
    summary: str
    note: str
    rules: dict


class ProtocolOut(Schema):
    area: str
    edition: str
    set_at: str = Field("", description="the area whose choice applies; empty for the default edition")
    overrides: dict
    rules: dict


class ProtocolIn(Schema):
    area: str = Field(..., max_length=15)
    edition: str = Field(..., max_length=30)
    overrides: dict = Field(default_factory=dict, description="values that differ from the edition's")


class PeriodOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    person_name: str = Field(..., alias="person.name")
    area: str = Field(..., alias="area_id")
    reason: str
    reason_detail: str
    mode: str
    place: str
    exposure_date: date
    opened_on: date
    planned_end: date
    actual_end: date | None
    status: str
    outcome: str
    outcome_note: str
    edition: str = Field(..., alias="edition_id")
    rules: dict
    plan: dict
    last_temperature: Decimal | None
    last_checked_at: datetime | None
    alert_open: bool
    follow_up_by: int | None = Field(None, alias="follow_up_by_id")


class AssignIn(Schema):
    worker: int | None = None


class LabJobOut(Schema):
    """A lab import as a job: its progress, then its report in ``result`` (created, updated,
    unchanged, rejected, positives, retests, errors; ``message`` when the file could not be read)."""

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


class FollowUpLoadOut(Schema):
    worker: int | None
    name: str
    count: int


class OpenIn(Schema):
    person: int
    reason: Period.Reason = Period.Reason.MANUAL
    exposure_date: date
    reason_detail: str = Field("", max_length=200)
    mode: Period.Mode | None = None
    days: int | None = Field(None, ge=1, le=60)
    place: str = Field("", max_length=200)


class EndIn(Schema):
    planned_end: date
    reason: str = Field(..., max_length=200)


class TransferIn(Schema):
    mode: Period.Mode
    place: str = Field("", max_length=200)
    reason: str = Field(..., max_length=200)


class CloseIn(Schema):
    outcome: named_choices(Period.Outcome, "PeriodOutcome")
    note: str = Field("", max_length=200)
    ended_on: date | None = None


class WaiveIn(Schema):
    reason: str = Field(..., max_length=200)


class ReplanIn(Schema):
    reason: str = Field(..., max_length=200)
    expected_rules: dict | None = Field(
        None, description="the rules of the preview; refused if they changed since"
    )


class ReplanOut(Schema):
    period: int
    old_end: date
    new_end: date | None
    old_test_days: list[date]
    new_test_days: list[date]
    problem: str
    rules: dict


class CompleteManyIn(Schema):
    periods: list[int] = Field(..., max_length=500)


class CompleteManyOut(Schema):
    completed: list[int]
    skipped: list[dict]


class HealthCheckIn(Schema):
    temperature: str = Field(..., max_length=8, description="°C with one decimal, 34.0 to 43.0")
    symptoms: list[str] = Field(default_factory=list, max_length=20)
    day: date | None = None
    slot: HealthCheck.Slot | None = None
    client_id: str | None = Field(
        None, max_length=40, description="made by the client: a retry is the same check"
    )


class HealthCheckOut(Schema):
    id: int
    period: int = Field(..., alias="period_id")
    day: date
    slot: str
    status: str
    temperature: Decimal | None
    symptoms: list[str]
    source: str
    measured_at: datetime | None
    client_id: str | None


class TestIn(Schema):
    sample_date: date
    sample_type: LabTest.Sample = LabTest.Sample.THROAT
    lab: str = Field("", max_length=100)
    result: LabTest.Result = LabTest.Result.PENDING
    result_date: date | None = None


class TestResultIn(Schema):
    result: LabTest.Result
    result_date: date | None = None


class TestOut(Schema):
    id: int
    period: int | None = Field(None, alias="period_id")
    sample_date: date
    sample_type: str
    lab: str
    result: str
    result_date: date | None


class AlertOut(Schema):
    id: int
    period: int = Field(..., alias="period_id")
    person_name: str = Field(..., alias="period.person.name")
    area: str = Field(..., alias="area_id")
    kind: str
    temperature: Decimal | None
    symptoms: list[str]
    readings: int
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    clinic: str
    referred_at: datetime | None
    note: str


class AlertCloseIn(Schema):
    outcome: named_choices(Alert.Outcome, "AlertOutcome")
    temperature: str | None = Field(None, max_length=8)
    clinic: str = Field("", max_length=100)
    referred_at: datetime | None = None
    note: str = Field("", max_length=300)


class LinkOut(Schema):
    id: int
    url: str = Field(..., description="shown once: only a hash of its secret is stored")
    expires_at: datetime


class TriageCountsOut(Schema):
    symptomatic: int
    not_reporting: int
    reporting: int
    due: int
    total: int


# --- Helpers ---------------------------------------------------------------------------------------


def _period(request, period_id: int) -> Period:
    return get_visible_or_404(Period.objects.select_related("person"), request.user, pk=period_id)


def _area_code(request, area: str) -> str:
    return visible_area(request.user, area).code if area else ""


# --- The protocol ------------------------------------------------------------------------------------


@router.get("/editions", response=list[EditionOut], summary="The protocol editions shipped (rules as data)")
def edition_list(request):
    return ProtocolEdition.objects.all()


@router.get("/protocol", response=ProtocolOut, summary="The rules in force for an area")
def protocol_get(request, area: str):
    code = _area_code(request, area)
    in_force = selectors.rules_in_force(code)
    return {
        "area": code,
        "edition": in_force.edition.code,
        "set_at": in_force.choice.area_id if in_force.choice else "",
        "overrides": in_force.choice.overrides if in_force.choice else {},
        "rules": in_force.rules.to_json(),
    }


@router.put("/protocol", response=ProtocolOut, summary="Set a town's edition and local values (commander)")
def protocol_put(request, payload: ProtocolIn):
    area = visible_area(request.user, payload.area)
    edition = ProtocolEdition.objects.filter(code=payload.edition).first()
    if edition is None:
        raise ValidationError({"edition": [_("No such edition.")]})
    services_protocol.protocol_choice_save(
        actor=request.user, area=area, edition=edition, overrides=payload.overrides
    )
    return protocol_get(request, area.code)


# --- Periods ---------------------------------------------------------------------------------------


@router.get("/periods", response=list[PeriodOut], summary="Periods: a triage list, or by status")
@paginate(Pages, page_size=100)
def period_list(request, tab: str = "", area: str = "", status: str = "active"):
    code = _area_code(request, area)
    if tab:
        if tab not in selectors.TRIAGE_TABS:
            raise ApiError(422, "invalid", _("Unknown list: %(tab)s") % {"tab": tab[:20]})
        return selectors.triage_list(request.user, tab, code)
    periods = Period.objects.visible_to(request.user).select_related("person")
    if code:
        periods = periods.within(code)
    if status in Period.Status.values:
        periods = periods.filter(status=status)
    return periods.order_by("planned_end", "id")


@router.post("/periods/{int:period_id}/assign", response=PeriodOut, summary="Give a period to a team member")
def period_assign(request, period_id: int, payload: AssignIn):
    period = _period(request, period_id)
    worker = None
    if payload.worker is not None:
        worker = services_followup.followers_for(period.area_id).filter(pk=payload.worker).first()
        if worker is None:
            raise ApiError(422, "invalid", _("Choose a member of this village's team."))
    services_followup.period_assign(actor=request.user, period=period, worker=worker)
    return _period(request, period_id)


@router.post(
    "/lab-results", response={202: LabJobOut}, summary="Upload a lab's result list to preview or import"
)
def lab_results(request, file: File[UploadedFile], area: Form[str], dry_run: Form[bool] = False):
    if not has_role_anywhere(request.user, *lab_import.IMPORTERS):
        raise PermissionDenied(_("Only the health worker or the command centre imports lab results."))
    job = queue_lab_import(
        actor=request.user, area=visible_area(request.user, area), upload=file, dry_run=dry_run, source="api"
    )
    return Status(202, job)


def _lab_job(request, job_id: int) -> Job:
    return get_visible_or_404(
        Job.objects.filter(kind=LAB_JOB), request.user, roles=lab_import.IMPORTERS, pk=job_id
    )


@router.get("/lab-results/{int:job_id}", response=LabJobOut, summary="A lab import's progress and report")
def lab_result_status(request, job_id: int):
    return _lab_job(request, job_id)


@router.post(
    "/lab-results/{int:job_id}/import", response={202: LabJobOut}, summary="Import what a preview read"
)
def lab_result_commit(request, job_id: int):
    preview = _lab_job(request, job_id)
    if not preview.params.get("dry_run") or preview.status != Job.Status.DONE:
        raise ApiError(409, "not_a_finished_preview", _("Only a finished preview can be imported."))
    job = queue_lab_import(
        actor=request.user, area=preview.area, dry_run=False, preview=preview, source="api"
    )
    return Status(202, job)


@router.get("/follow-up/mine", response=list[PeriodOut], summary="The periods assigned to me")
def follow_up_mine(request):
    return services_followup.my_follow_ups(request.user)


@router.get("/follow-up/load", response=list[FollowUpLoadOut], summary="Who follows how many (active)")
def follow_up_load(request, area: str = ""):
    return services_followup.follow_up_load(request.user, _area_code(request, area))


@router.get("/triage", response=TriageCountsOut, summary="How many periods each triage list holds")
def triage_counts(request, area: str = ""):
    return selectors.triage_counts(request.user, _area_code(request, area))


@router.post("/periods", response={201: PeriodOut}, summary="Put a person under observation")
def period_open(request, payload: OpenIn):
    person = get_visible_or_404(Person.objects, request.user, pk=payload.person)
    period = services.period_open(
        actor=request.user,
        person=person,
        reason=payload.reason,
        exposure_date=payload.exposure_date,
        reason_detail=payload.reason_detail,
        mode=payload.mode,
        days=payload.days,
        place=payload.place,
    )
    return Status(201, _period(request, period.pk))


@router.get("/periods/{int:period_id}", response=PeriodOut)
def period_detail(request, period_id: int):
    return _period(request, period_id)


@router.post("/periods/{int:period_id}/end", response=PeriodOut, summary="Extend or shorten, with a reason")
def period_end(request, period_id: int, payload: EndIn):
    return services.period_set_end(actor=request.user, period=_period(request, period_id), **payload.dict())


@router.post("/periods/{int:period_id}/transfer", response=PeriodOut, summary="Change the mode from today")
def period_transfer(request, period_id: int, payload: TransferIn):
    return services.period_transfer(actor=request.user, period=_period(request, period_id), **payload.dict())


@router.post("/periods/{int:period_id}/close", response=PeriodOut, summary="End a period early")
def period_close(request, period_id: int, payload: CloseIn):
    return services.period_close(actor=request.user, period=_period(request, period_id), **payload.dict())


@router.post("/periods/{int:period_id}/complete", response=PeriodOut, summary="Complete a period")
def period_complete(request, period_id: int):
    return services.period_complete(actor=request.user, period=_period(request, period_id))


@router.post("/periods/complete", response=CompleteManyOut, summary="Complete several periods (今日期满)")
def period_complete_many(request, payload: CompleteManyIn):
    if not has_role_anywhere(request.user, *OBSERVERS):
        raise PermissionDenied(_("Your role does not complete observation periods."))
    periods = list(Period.objects.visible_to(request.user).filter(pk__in=payload.periods))
    found = {p.pk for p in periods}
    completed, skipped = services.periods_complete(actor=request.user, periods=periods)
    return {
        "completed": [p.pk for p in completed],
        "skipped": [{"period": p.pk, "reasons": reasons} for p, reasons in skipped]
        + [{"period": pk, "reasons": [_("No such record.")]} for pk in payload.periods if pk not in found],
    }


@router.post(
    "/periods/{int:period_id}/waive-tests", response=PeriodOut, summary="Waive missing tests (health worker)"
)
def period_waive_tests(request, period_id: int, payload: WaiveIn):
    return services.period_waive_tests(
        actor=request.user, period=_period(request, period_id), reason=payload.reason
    )


def _replan_out(change, rules) -> dict:
    return {
        "period": change.period.pk,
        "old_end": change.old_end,
        "new_end": change.new_end,
        "old_test_days": list(change.old_tests),
        "new_test_days": list(change.new_tests),
        "problem": str(change.problem),
        "rules": rules,
    }


@router.get("/periods/{int:period_id}/replan", response=ReplanOut, summary="What re-planning would change")
def period_replan_preview(request, period_id: int):
    period = _period(request, period_id)
    in_force = selectors.rules_in_force(period.area_id)
    return _replan_out(services.replan_preview(period, in_force), in_force.rules.to_json())


@router.post(
    "/periods/{int:period_id}/replan", response=ReplanOut, summary="Re-plan under the rules in force"
)
def period_replan(request, period_id: int, payload: ReplanIn):
    period = _period(request, period_id)
    change = services.period_replan(
        actor=request.user, period=period, reason=payload.reason, expected_rules=payload.expected_rules
    )
    return _replan_out(change, selectors.rules_in_force(period.area_id).rules.to_json())


# --- Checks, tests, alerts, links -------------------------------------------------------------------


@router.get("/periods/{int:period_id}/checks", response=list[HealthCheckOut])
def check_list(request, period_id: int):
    return _period(request, period_id).checks.order_by("day", "slot", "id")


@router.post(
    "/periods/{int:period_id}/checks",
    response={201: HealthCheckOut, 200: HealthCheckOut},
    summary="Record a check (the same client_id again returns the stored check)",
)
def check_create(request, period_id: int, payload: HealthCheckIn):
    check, created = services_checks.check_record(
        actor=request.user,
        period=_period(request, period_id),
        temperature=payload.temperature,
        symptoms=payload.symptoms,
        day=payload.day,
        slot=payload.slot,
        client_id=payload.client_id,
    )
    return Status(201 if created else 200, check)


@router.get("/periods/{int:period_id}/tests", response=list[TestOut])
def test_list(request, period_id: int):
    return _period(request, period_id).tests.all()


@router.post("/periods/{int:period_id}/tests", response={201: TestOut}, summary="Record a nucleic acid test")
def test_create(request, period_id: int, payload: TestIn):
    test = services_checks.lab_test_record(
        actor=request.user, period=_period(request, period_id), **payload.dict()
    )
    return Status(201, test)


@router.patch("/tests/{int:test_id}", response=TestOut, summary="Enter or correct a test's result")
def test_update(request, test_id: int, payload: TestResultIn):
    test = get_visible_or_404(LabTest.objects, request.user, pk=test_id)
    return services_checks.lab_test_set_result(actor=request.user, test=test, **payload.dict())


@router.get("/alerts", response=list[AlertOut], summary="Open alerts in the user's areas")
@paginate(Pages, page_size=100)
def alert_list(request, area: str = ""):
    return selectors.open_alerts(request.user, _area_code(request, area))


@router.post("/alerts/{int:alert_id}/close", response=AlertOut, summary="Close an alert with its outcome")
def alert_close(request, alert_id: int, payload: AlertCloseIn):
    alert = get_visible_or_404(Alert.objects.select_related("period__person"), request.user, pk=alert_id)
    return services_checks.alert_close(actor=request.user, alert=alert, **payload.dict())


@router.post("/periods/{int:period_id}/links", response={201: LinkOut}, summary="Make a self-report link")
def link_create(request, period_id: int):
    from django.urls import reverse

    link, secret = services.link_create(actor=request.user, period=_period(request, period_id))
    return Status(
        201,
        {
            "id": link.pk,
            "url": request.build_absolute_uri(reverse("self_report", args=[secret])),
            "expires_at": link.expires_at,
        },
    )


@router.delete("/links/{int:link_id}", response={204: None}, summary="Revoke a self-report link")
def link_revoke(request, link_id: int):
    services.link_revoke(
        actor=request.user, link=get_visible_or_404(SelfReportLink.objects, request.user, pk=link_id)
    )
    return Status(204, None)


@router.get("/round", response=list[HealthCheckOut], summary="The checks of a village's round on a day")
def round_checks(request, area: str, day: date | None = None):
    code = _area_code(request, area)
    day = day or timezone.localdate()
    return (
        HealthCheck.objects.visible_to(request.user)
        .within(code)
        .filter(day=day)
        .order_by("period_id", "slot")
    )


# The person's own SMS reminders live in their own module (this one is long enough).
router.add_router("", reminders_router)
