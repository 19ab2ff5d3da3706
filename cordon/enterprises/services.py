"""Enterprises and their reopening: registering and correcting an enterprise, applying to reopen,
the command centre's decision, suspending and resuming. Inspections and findings are in
services_inspections.py.

Who does what (the rule, checked here so pages, the API and the demo obey it alike):
- a village clerk or village head registers the enterprises of their village and enters their
  applications; the commander and the command-centre staff may do so anywhere in their town;
- only the commander and the command-centre staff decide applications, suspend and resume.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import ENTERPRISE_DECIDERS, ENTERPRISE_REGISTRARS
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.enterprises import checklist
from cordon.enterprises.models import Enterprise, Finding, ReopeningApplication, StatusChange
from cordon.enterprises.validation import parse_uscc
from cordon.people.validation import clean_text, parse_phone

AREA_LEVELS = (codes.TOWN, codes.VILLAGE, codes.GRID)
EARLIEST = date(2020, 1, 1)

ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "area",
    "address",
    "sector",
    "employees",
    "from_outside",
    "from_hubei",
    "contact_name",
    "contact_phone",
    "note",
)


def _count(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Enter a whole number.")]}) from None
    if number < 0:
        raise ValidationError({field: [_("Cannot be negative.")]})
    if number > 1_000_000:
        raise ValidationError({field: [_("Too large.")]})
    return number


def _field(parse, value, field: str):
    try:
        return parse(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _enterprise_values(data: dict) -> dict:
    """The enterprise's fields from what was typed, each checked; every error named by its field."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    checks = {
        "name": lambda v: clean_text(v, "name", 100, required=True),
        "uscc": lambda v: _field(parse_uscc, v, "uscc"),
        "address": lambda v: clean_text(v, "address", 200, required=True),
        "contact_name": lambda v: clean_text(v, "contact_name", 40, required=True),
        "contact_phone": lambda v: _field(parse_phone, v, "contact_phone"),
        "note": lambda v: clean_text(v, "note", 200),
        "employees": lambda v: _count(v, "employees"),
        "from_outside": lambda v: _count(v or 0, "from_outside"),
        "from_hubei": lambda v: _count(v or 0, "from_hubei"),
    }
    for field, check in checks.items():
        try:
            values[field] = check(data.get(field))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if data.get("sector") not in Enterprise.Sector.values:
        errors["sector"] = [_("Choose a sector.")]
    else:
        values["sector"] = data["sector"]
    employees = values.get("employees")
    if employees is not None:
        for field, label in (("from_outside", _("from outside the town")), ("from_hubei", _("from Hubei"))):
            if values.get(field) is not None and values[field] > employees:
                errors[field] = [
                    _("%(label)s (%(n)s) cannot be more than the employees (%(total)s).")
                    % {"label": label, "n": values[field], "total": employees}
                ]
    if errors:
        raise ValidationError(errors)
    return values


def _check_area(actor: User, area: Area, roles) -> None:
    require_role(actor, area, *roles)
    if area.level not in AREA_LEVELS:
        raise ValidationError({"area": [_("Choose the town, a village or a grid.")]})


def _save_unique(enterprise: Enterprise) -> None:
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        raise ValidationError(
            {"uscc": [_("An enterprise with this unified social credit code is already registered.")]}
        ) from None


def _uscc_taken(uscc: str, exclude_pk=None) -> bool:
    taken = Enterprise.objects.filter(uscc=uscc)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


@transaction.atomic
def enterprise_register(
    *, actor: User, area: Area, data: dict, registered_at: datetime | None = None
) -> Enterprise:
    """Register an enterprise of a village (the clerk or head there) or of the town (the command
    centre). It starts closed. The credit code is unique across the deployment: registering the
    same code twice — also a retried form — is refused with the field named. ``registered_at``
    (never in the future) is for a ledger entered afterwards."""
    _check_area(actor, area, ENTERPRISE_REGISTRARS)
    registered_at = _past_moment(registered_at, "registered_at")
    values = _enterprise_values(data)
    if _uscc_taken(values["uscc"]):
        raise ValidationError(
            {"uscc": [_("An enterprise with this unified social credit code is already registered.")]}
        )
    enterprise = Enterprise(
        area=area, created_by=actor, created_at=registered_at, status=Enterprise.Status.CLOSED, **values
    )
    enterprise.full_clean(exclude=["created_by"], validate_unique=False)
    _save_unique(enterprise)
    StatusChange.objects.create(
        enterprise=enterprise, from_status="", to_status=enterprise.status, by=actor, at=enterprise.created_at
    )
    audit.record(
        actor=actor,
        action="enterprise.register",
        target=enterprise,
        area=area,
        changes=audit.diff({}, audit.snapshot(enterprise, [*ENTERPRISE_FIELDS, "status"])),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, area: Area, data: dict) -> Enterprise:
    """Correct an enterprise's particulars (not its status: that moves only by a decision or an
    inspection). Moving it to another village needs the role in both."""
    require_role(actor, enterprise.area_id, *ENTERPRISE_REGISTRARS)
    _check_area(actor, area, ENTERPRISE_REGISTRARS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    values = _enterprise_values(data)
    if _uscc_taken(values["uscc"], exclude_pk=enterprise.pk):
        raise ValidationError(
            {"uscc": [_("An enterprise with this unified social credit code is already registered.")]}
        )
    for field, value in values.items():
        setattr(enterprise, field, value)
    enterprise.area = area
    enterprise.full_clean(validate_unique=False)
    changes = audit.diff(before, audit.snapshot(enterprise, ENTERPRISE_FIELDS))
    if not changes:
        return enterprise
    _save_unique(enterprise)
    audit.record(
        actor=actor, action="enterprise.update", target=enterprise, area=enterprise.area_id, changes=changes
    )
    return enterprise


def move_status(*, actor: User, enterprise: Enterprise, to: str, reason: str = "", at=None) -> None:
    """Move a (locked) enterprise's status, keeping the move in its history and the audit trail.
    Called only by the services, inside their transaction."""
    before = enterprise.status
    if before == to:
        return
    enterprise.status = to
    enterprise.save(update_fields=["status"])
    # The history is read by date (the daily report's figures for a past day): a move is never dated
    # before the move it follows, or the history would end on an older status than the record holds.
    at = at or timezone.now()
    last = StatusChange.objects.filter(enterprise=enterprise).order_by("-at").values_list("at", flat=True)
    at = max(at, last.first() or at)
    StatusChange.objects.create(
        enterprise=enterprise, from_status=before, to_status=to, by=actor, at=at, reason=reason[:300]
    )
    audit.record(
        actor=actor,
        action="enterprise.status",
        target=enterprise,
        area=enterprise.area_id,
        changes={"status": [before, to]},
        reason=reason,
    )


def _past_moment(at: datetime | None, field: str) -> datetime:
    """Now, or an earlier moment given for a record entered afterwards (never a future one)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError({field: [_("This is in the future.")]})
    return at


@transaction.atomic
def application_submit(
    *,
    actor: User,
    enterprise: Enterprise,
    planned_on: date,
    prevention_plan: str,
    answers: dict,
    has_dormitory: bool,
    dorm_people_per_room=None,
    dorm_m2_per_person: Decimal | str | None = None,
    submitted_at: datetime | None = None,
) -> ReopeningApplication:
    """Enter an enterprise's application to reopen, with its prevention plan and the checklist.

    One open application at a time: a second one (or the same form sent twice) is refused while the
    first waits. A closed or suspended enterprise applies; it becomes "applied". A dormitory of 0
    people or 0 m² is refused.
    """
    require_role(actor, enterprise.area_id, *ENTERPRISE_REGISTRARS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if ReopeningApplication.objects.filter(enterprise=enterprise, decision="").exists():
        raise ValidationError(_("This enterprise already has an application waiting for a decision."))
    if enterprise.status not in (Enterprise.Status.CLOSED, Enterprise.Status.SUSPENDED):
        raise ValidationError(
            _("%(name)s is %(status)s: only a closed or suspended enterprise applies to reopen.")
            % {"name": enterprise.name, "status": enterprise.get_status_display()}
        )
    submitted_at = _past_moment(submitted_at, "submitted_at")
    errors: dict[str, list[str]] = {}
    plan = ""
    try:
        plan = clean_text(prevention_plan, "prevention_plan", 4000, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not isinstance(planned_on, date) or planned_on < EARLIEST:
        errors["planned_on"] = [_("Enter the planned reopening date.")]
    try:
        cleaned, rooms, area = checklist.clean_checklist(
            answers=answers,
            has_dormitory=has_dormitory,
            people_per_room=dorm_people_per_room,
            m2_per_person=dorm_m2_per_person,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    application = ReopeningApplication(
        enterprise=enterprise,
        planned_on=planned_on,
        prevention_plan=plan,
        checklist=cleaned,
        has_dormitory=has_dormitory,
        dorm_people_per_room=rooms,
        dorm_m2_per_person=area,
        submitted_by=actor,
        submitted_at=submitted_at,
    )
    application.full_clean(exclude=["enterprise", "submitted_by"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            _("This enterprise already has an application waiting for a decision.")
        ) from None
    move_status(
        actor=actor, enterprise=enterprise, to=Enterprise.Status.APPLIED, at=submitted_at, reason=_("Applied")
    )
    audit.record(
        actor=actor,
        action="reopening.apply",
        target=application,
        area=enterprise.area_id,
        changes={
            "planned_on": [None, planned_on.isoformat()],
            "failed_items": [None, checklist.labels_of(application.failed_items)],
            "dormitory": [None, [rooms, str(area) if area is not None else None]],
        },
    )
    return application


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: ReopeningApplication,
    decision: str,
    conditions: str = "",
    comment: str = "",
    decided_at: datetime | None = None,
) -> ReopeningApplication:
    """The command centre's decision on an application: approve, approve with conditions, reject.

    Decided once: the row is locked, so of two commanders deciding at once the second is told it is
    already decided (the same decision sent twice by the same person is taken as one). An application
    whose dormitory fails the numbers, or with any item answered "no", cannot be approved without
    conditions. Approving reopens the enterprise; rejecting leaves it closed.
    """
    require_role(actor, application.enterprise.area_id, *ENTERPRISE_DECIDERS)
    # The enterprise first, then the application: the order application_submit locks them in.
    enterprise = Enterprise.objects.select_for_update().get(pk=application.enterprise_id)
    application = (
        ReopeningApplication.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=application.pk)
    )
    if decision not in (c for c, _label in ReopeningApplication.Decision.choices if c):
        raise ValidationError({"decision": [_("Choose approve, approve with conditions, or reject.")]})
    if not application.is_open:
        if application.decision == decision and application.decided_by_id == actor.pk:
            return application  # the same decision sent twice
        raise ValidationError(
            _("Already decided: %(decision)s by %(who)s at %(when)s.")
            % {
                "decision": application.get_decision_display(),
                "who": application.decided_by.display_name,
                "when": timezone.localtime(application.decided_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    conditions = clean_text(conditions, "conditions", 1000)
    comment = clean_text(comment, "comment", 300)
    Decision = ReopeningApplication.Decision
    if decision == Decision.APPROVE:
        if application.dormitory_fails:
            raise ValidationError(
                {
                    "decision": [
                        _(
                            "The dormitory does not meet the rule (at most 6 per room, at least 2.5 m² "
                            "each): approve only with conditions, or reject."
                        )
                    ]
                }
            )
        if application.failed_items:
            raise ValidationError(
                {
                    "decision": [
                        _("Items answered no: %(items)s. Approve only with conditions, or reject.")
                        % {"items": "、".join(str(checklist.LABELS[k]) for k in application.failed_items)}
                    ]
                }
            )
    if (
        decision != Decision.REJECT
        and Finding.objects.open().filter(inspection__enterprise=enterprise).exists()
    ):
        # Resuming is refused while findings are open; reopening by a new application is too.
        raise ValidationError(
            {"decision": [_("Findings of an inspection are still open: rectify them first, or reject.")]}
        )
    if decision == Decision.CONDITIONAL and not conditions:
        raise ValidationError({"conditions": [_("Write the conditions.")]})
    if decision == Decision.REJECT and not comment:
        raise ValidationError({"comment": [_("Say why it is rejected.")]})
    decided_at = _past_moment(decided_at, "decided_at")
    if decided_at < application.submitted_at:
        raise ValidationError({"decided_at": [_("A decision comes after the application.")]})
    application.decision = decision
    application.conditions = conditions if decision == Decision.CONDITIONAL else ""
    application.decision_comment = comment
    application.decided_by = actor
    application.decided_at = decided_at
    application.save(update_fields=["decision", "conditions", "decision_comment", "decided_by", "decided_at"])
    to = Enterprise.Status.CLOSED if decision == Decision.REJECT else Enterprise.Status.APPROVED
    move_status(
        actor=actor,
        enterprise=enterprise,
        to=to,
        at=decided_at,
        reason=application.get_decision_display() + (f"：{comment}" if comment else ""),
    )
    audit.record(
        actor=actor,
        action="reopening.decide",
        target=application,
        area=enterprise.area_id,
        changes={"decision": [None, decision], "conditions": [None, application.conditions]},
        reason=comment,
    )
    return application


@transaction.atomic
def enterprise_suspend(
    *, actor: User, enterprise: Enterprise, reason: str, at: datetime | None = None
) -> Enterprise:
    """Suspend a reopened enterprise (停业整顿): the commander or the command-centre staff, with a
    reason. Suspending one already suspended changes nothing."""
    require_role(actor, enterprise.area_id, *ENTERPRISE_DECIDERS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    reason = clean_text(reason, "reason", 300, required=True)
    if enterprise.status == Enterprise.Status.SUSPENDED:
        return enterprise
    if enterprise.status not in (Enterprise.Status.APPROVED, Enterprise.Status.FINDINGS):
        raise ValidationError(_("Only a reopened enterprise can be suspended."))
    move_status(actor=actor, enterprise=enterprise, to=Enterprise.Status.SUSPENDED, reason=reason, at=at)
    return enterprise


@transaction.atomic
def enterprise_resume(*, actor: User, enterprise: Enterprise, comment: str = "") -> Enterprise:
    """Let a suspended enterprise work again once every finding is rectified (commander or staff)."""
    require_role(actor, enterprise.area_id, *ENTERPRISE_DECIDERS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status != Enterprise.Status.SUSPENDED:
        raise ValidationError(_("This enterprise is not suspended."))
    still_open = Finding.objects.filter(inspection__enterprise=enterprise, rectified_at__isnull=True).count()
    if still_open:
        raise ValidationError(
            _("Findings not yet rectified: %(n)s. Resume after the re-inspection.") % {"n": still_open}
        )
    move_status(
        actor=actor,
        enterprise=enterprise,
        to=Enterprise.Status.APPROVED,
        reason=clean_text(comment, "comment", 300) or _("Resumed"),
    )
    return enterprise
