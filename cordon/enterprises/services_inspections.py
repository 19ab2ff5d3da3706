"""Supervisory inspections (督导检查) of enterprises, their findings, and rectification.

Who inspects (the rule): the commander, the command-centre staff, field-team members and health
workers, each within the areas their role reaches; the inspector recorded is the person entering
the inspection. Any inspector may record a serious finding; only the commander or the staff suspend
the enterprise for it (on the spot, with ``suspend``, or later through ``enterprise_suspend``).
Rectification is confirmed by an inspector, at a re-inspection or on the finding's own page.

Status effects: a reopened enterprise with open findings is "open with findings"; when the last one
is rectified it is "reopened" again. A suspended one stays suspended until the command centre
resumes it (services.enterprise_resume), which it may do once nothing is left open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import ENTERPRISE_DECIDERS, INSPECTORS
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit
from cordon.core.pictures import picture_type
from cordon.enterprises import checklist, events
from cordon.enterprises.models import Enterprise, Finding, Inspection
from cordon.enterprises.services import EARLIEST, move_status
from cordon.people.validation import clean_text

MAX_FINDINGS = 20
MAX_PHOTO_BYTES = 3 * 1024 * 1024
MAX_DEADLINE_DAYS = 90


@dataclass
class NewFinding:
    description: str
    deadline: date
    serious: bool = False
    photo: bytes | None = None


def photo_type(data: bytes, field: str = "photo") -> str:
    """The content type of an uploaded photo, or a ValidationError: JPEG, PNG or WebP, at most 3 MB."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({field: [_("The photo is larger than 3 MB.")]})
    kind = picture_type(data[:12])
    if kind is not None:
        return kind[0]
    raise ValidationError({field: [_("Send a photo (JPEG, PNG or WebP).")]})


def _clean_findings(findings: list[NewFinding], inspected_on: date) -> list[Finding]:
    if len(findings) > MAX_FINDINGS:
        raise ValidationError({"findings": [_("At most %(n)s findings at once.") % {"n": MAX_FINDINGS}]})
    rows, errors = [], []
    for i, item in enumerate(findings, start=1):
        try:
            description = clean_text(item.description, "findings", 300, required=True)
        except ValidationError:
            errors.append(_("Finding %(i)s: describe what was found.") % {"i": i})
            continue
        if not isinstance(item.deadline, date):
            errors.append(_("Finding %(i)s: give a deadline to rectify it.") % {"i": i})
            continue
        if item.deadline < inspected_on:
            errors.append(_("Finding %(i)s: the deadline is before the inspection.") % {"i": i})
            continue
        if item.deadline > inspected_on + timedelta(days=MAX_DEADLINE_DAYS):
            errors.append(
                _("Finding %(i)s: a deadline at most %(n)s days away.") % {"i": i, "n": MAX_DEADLINE_DAYS}
            )
            continue
        kind = ""
        if item.photo:
            try:
                kind = photo_type(item.photo)
            except ValidationError as exc:
                errors.append(_("Finding %(i)s: %(problem)s") % {"i": i, "problem": exc.messages[0]})
                continue
        rows.append(
            Finding(
                description=description,
                deadline=item.deadline,
                serious=bool(item.serious),
                photo=item.photo or None,
                photo_type=kind,
            )
        )
    if errors:
        raise ValidationError({"findings": errors})
    return rows


def _after_findings_changed(*, actor: User, enterprise: Enterprise, reason: str, at=None) -> None:
    """A reopened enterprise follows its open findings: some open → "open with findings", none →
    "reopened". Closed, applied and suspended ones do not move here."""
    if enterprise.status not in (Enterprise.Status.APPROVED, Enterprise.Status.FINDINGS):
        return
    still_open = Finding.objects.filter(inspection__enterprise=enterprise, rectified_at__isnull=True).exists()
    to = Enterprise.Status.FINDINGS if still_open else Enterprise.Status.APPROVED
    move_status(actor=actor, enterprise=enterprise, to=to, reason=reason, at=at)


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    enterprise: Enterprise,
    inspected_on: date,
    answers: dict,
    has_dormitory: bool,
    dorm_people_per_room=None,
    dorm_m2_per_person=None,
    findings: list[NewFinding] = (),
    rectified: list[Finding] = (),
    rectification_note: str = "",
    suspend: bool = False,
    comment: str = "",
    client_id: str = "",
) -> Inspection:
    """Record an inspection: the checklist as found, new findings (each with a deadline, a photo if
    taken), the earlier findings found rectified at this visit, and — for the command centre — the
    suspension a serious finding calls for. A retried submission (same ``client_id``) records
    nothing twice."""
    require_role(actor, enterprise.area_id, *INSPECTORS)
    client_id = clean_text(client_id, "client_id", 36)
    if client_id:
        done = Inspection.objects.filter(client_id=client_id, enterprise=enterprise, inspector=actor).first()
        if done is not None:
            return done
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not isinstance(inspected_on, date) or inspected_on > today or inspected_on < EARLIEST:
        errors["inspected_on"] = [_("The inspection date is today or earlier.")]
    try:
        cleaned, rooms, area = checklist.clean_checklist(
            answers=answers,
            has_dormitory=has_dormitory,
            people_per_room=dorm_people_per_room,
            m2_per_person=dorm_m2_per_person,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    new_findings = []
    if "inspected_on" not in errors:
        try:
            new_findings = _clean_findings(list(findings), inspected_on)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    rectified = list(rectified)
    locked = {
        f.pk: f
        for f in Finding.objects.select_for_update().filter(
            pk__in=[f.pk for f in rectified], inspection__enterprise=enterprise
        )
    }
    if len(locked) != len(rectified):
        errors["rectified"] = [_("These findings are not this enterprise's.")]
    if suspend:
        if not has_role(actor, enterprise.area_id, *ENTERPRISE_DECIDERS):
            errors["suspend"] = [_("Only the commander or the command-centre staff suspend an enterprise.")]
        elif not any(f.serious for f in new_findings):
            errors["suspend"] = [_("Suspend only for a serious finding recorded now.")]
        elif enterprise.status not in (Enterprise.Status.APPROVED, Enterprise.Status.FINDINGS):
            errors["suspend"] = [_("Only a reopened enterprise can be suspended.")]
    try:
        comment = clean_text(comment, "comment", 300)
        rectification_note = clean_text(rectification_note, "rectification_note", 300)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    inspection = Inspection(
        enterprise=enterprise,
        inspector=actor,
        inspected_on=inspected_on,
        checklist=cleaned,
        has_dormitory=has_dormitory,
        dorm_people_per_room=rooms,
        dorm_m2_per_person=area,
        outcome=Inspection.Outcome.PASSED,
        comment=comment,
        client_id=client_id,
    )
    inspection.full_clean(exclude=["enterprise", "inspector", "outcome"])
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:
        raise ValidationError(_("This inspection was already recorded.")) from None
    for finding in new_findings:
        finding.inspection = inspection
        finding.full_clean(exclude=["inspection"])
    Finding.objects.bulk_create(new_findings)
    # An inspection entered afterwards dates its confirmations on its own day.
    now = timezone.now()
    if inspected_on < today:
        now = timezone.make_aware(datetime.combine(inspected_on, time(17, 0)))
    for finding in locked.values():
        if finding.rectified_at is None:
            _mark_rectified(finding, actor, now, rectification_note, inspection)

    open_left = Finding.objects.filter(inspection__enterprise=enterprise, rectified_at__isnull=True).exists()
    inspection.outcome = (
        Inspection.Outcome.SUSPEND
        if suspend
        else Inspection.Outcome.RECTIFY
        if open_left
        else Inspection.Outcome.PASSED
    )
    inspection.save(update_fields=["outcome"])
    reason = _("Inspection of %(day)s") % {"day": inspected_on.isoformat()}
    if suspend:
        move_status(actor=actor, enterprise=enterprise, to=Enterprise.Status.SUSPENDED, reason=reason, at=now)
    else:
        _after_findings_changed(actor=actor, enterprise=enterprise, reason=reason, at=now)
    audit.record(
        actor=actor,
        action="inspection.record",
        target=inspection,
        area=enterprise.area_id,
        changes={
            "outcome": [None, inspection.outcome],
            "findings": [None, len(new_findings)],
            "rectified": [None, sorted(locked)],
            "failed_items": [None, checklist.labels_of(inspection.failed_items)],
        },
    )
    return inspection


def _mark_rectified(finding: Finding, actor: User, when, note: str, reinspection: Inspection | None) -> None:
    finding.rectified_at = when
    finding.rectified_by = actor
    finding.rectification_note = note
    finding.reinspection = reinspection
    finding.save(update_fields=["rectified_at", "rectified_by", "rectification_note", "reinspection"])
    audit.record(
        actor=actor,
        action="finding.rectify",
        target=finding,
        area=finding.inspection.enterprise.area_id,
        changes={"rectified_at": [None, when.isoformat()]},
        reason=note,
    )
    events.finding_rectified(finding=finding)


@transaction.atomic
def finding_rectify(*, actor: User, finding: Finding, note: str) -> Finding:
    """Confirm that a finding was rectified (an inspector, having checked it). Confirming it twice
    changes nothing. When it was the enterprise's last open finding, a reopened enterprise is
    reopened again without findings."""
    enterprise = finding.inspection.enterprise
    require_role(actor, enterprise.area_id, *INSPECTORS)
    # The enterprise first, then the finding: the order inspection_record locks them in.
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection__enterprise")
        .get(pk=finding.pk)
    )
    if finding.rectified_at is not None:
        return finding
    note = clean_text(note, "note", 300, required=True)
    _mark_rectified(finding, actor, timezone.now(), note, None)
    _after_findings_changed(actor=actor, enterprise=enterprise, reason=_("Finding rectified"))
    return finding
