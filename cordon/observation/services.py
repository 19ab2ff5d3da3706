"""Every change to an observation period. Each checks the actor's role and writes the audit.

A period is planned once, with the rules in force when it opens, and keeps that plan: a later change
of edition or local values never moves its dates. Re-planning is its own, audited action
(``period_replan``) that shows the old and the new dates side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import CLINICIANS, OBSERVATION_MANAGERS, OBSERVERS
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit
from cordon.observation import protocol, stages
from cordon.observation.models import LabTest, Period, SelfReportLink
from cordon.observation.selectors import InForce, categories_observed_anywhere, rules_in_force
from cordon.people import validation
from cordon.people.models import Arrival, Person

PERIOD_FIELDS = ("mode", "place", "planned_end", "status", "outcome", "outcome_note", "actual_end", "edition")


def _snapshot(period: Period) -> dict:
    return audit.snapshot(period, PERIOD_FIELDS)


def _record(actor, action, period, before, *, reason="", extra=None):
    changes = audit.diff(before, _snapshot(period)) if before is not None else {}
    audit.record(
        actor=actor,
        action=action,
        target=period,
        area=period.area_id,
        changes={**changes, **(extra or {})},
        reason=reason,
    )


def _locked(period: Period) -> Period:
    return Period.objects.select_for_update().select_related("person").get(pk=period.pk)


def _require_active(period: Period) -> None:
    if not period.is_active:
        raise ValidationError(
            _("This period has already ended (%(status)s).") % {"status": period.get_status_display()}
        )


def _reason_text(reason: str, *, required: bool = True, field: str = "reason") -> str:
    text = validation.normalize(reason or "")
    if required and not text:
        raise ValidationError({field: [_("Say why.")]})
    if len(text) > 200:
        raise ValidationError({field: [_("Too long: at most %(max)s characters.") % {"max": 200}]})
    return text


def first_slot_for(opened_on: date, *, today: date, checks_per_day: int) -> int:
    """The first check a period owes: the one being taken now when it opens today; the day's first
    when it is entered for an earlier day (a period registered after the fact)."""
    if opened_on >= today:
        now = timezone.localtime()
        return protocol.slot_key(today, protocol.current_slot(now, checks_per_day))
    return protocol.slot_key(opened_on, protocol.SLOTS[checks_per_day][0])


# --- Opening ----------------------------------------------------------------------------------------


@dataclass
class _Opening:
    person: Person
    reason: str
    exposure: date
    opened_on: date
    in_force: InForce
    plan: protocol.Plan
    detail: str = ""
    place: str = ""
    arrival: Arrival | None = None


def _plan_opening(
    *, person, reason, exposure, opened_on, in_force, mode=None, days=None, detail="", place="", arrival=None
) -> _Opening:
    rules = in_force.rules
    stages = rules.plan_for(reason)
    if days is not None:
        if not 1 <= days <= protocol.MAX_STAGE_DAYS:
            raise ValidationError({"days": [_("From 1 to %(max)s days.") % {"max": protocol.MAX_STAGE_DAYS}]})
        stages = (protocol.Stage(mode=mode or (stages[0].mode if stages else "home"), days=days),)
    elif mode and stages:
        stages = (protocol.Stage(mode=mode, days=stages[0].days, tests=stages[0].tests), *stages[1:])
    if not stages:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "The protocol in force (%(edition)s) sets no observation for this reason; "
                        "give the days."
                    )
                    % {"edition": in_force.edition.name}
                ]
            }
        )
    plan = protocol.plan_period(rules, stages, exposure)
    if plan.end <= opened_on:
        raise ValidationError(
            {
                "exposure_date": [
                    _("Under %(edition)s the observation ended on %(end)s: no days remain to serve.")
                    % {"edition": in_force.edition.name, "end": plan.end.isoformat()}
                ]
            }
        )
    return _Opening(
        person=person,
        reason=reason,
        exposure=exposure,
        opened_on=opened_on,
        in_force=in_force,
        plan=plan,
        detail=detail,
        place=place,
        arrival=arrival,
    )


def _build(opening: _Opening, actor: User, today: date) -> Period:
    rules = opening.in_force.rules
    now = timezone.now()
    return Period(
        person=opening.person,
        area_id=opening.person.area_id,
        reason=opening.reason,
        reason_detail=opening.detail[:200],
        arrival=opening.arrival,
        mode=opening.plan.stage_on(opening.opened_on).mode,
        place=opening.place[:200],
        exposure_date=opening.exposure,
        opened_on=opening.opened_on,
        planned_end=opening.plan.end,
        edition_id=opening.in_force.edition.code,
        rules=rules.to_json(),
        plan=opening.plan.to_json(),
        checks_per_day=rules.checks_per_day,
        first_slot=first_slot_for(opening.opened_on, today=today, checks_per_day=rules.checks_per_day),
        opened_by=actor,
        created_at=now,
        updated_at=now,
    )


def _already_observed(person: Person) -> ValidationError:
    current = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    end = current.planned_end.isoformat() if current else "—"
    return ValidationError(
        _("%(name)s is already under observation until %(end)s; extend that period instead.")
        % {"name": person.name, "end": end}
    )


@transaction.atomic
def period_open(
    *,
    actor: User,
    person: Person,
    reason: str,
    exposure_date: date,
    reason_detail: str = "",
    mode: str | None = None,
    days: int | None = None,
    place: str = "",
    opened_on: date | None = None,
    arrival: Arrival | None = None,
) -> Period:
    """Put a person under observation from their last exposure, planned by the rules in force.

    The period runs from the exposure; a person found late serves only the days that remain, and one
    whose days are all past is not opened. One period at a time: someone already observed is refused
    with the date their period ends.
    """
    require_role(actor, person.area_id, *OBSERVERS)
    today = timezone.localdate()
    opened_on = opened_on or today
    if reason not in protocol.REASONS:
        raise ValidationError({"reason": [_("Unknown reason.")]})
    if mode is not None and mode not in protocol.MODES:
        raise ValidationError({"mode": [_("Unknown observation mode.")]})
    if exposure_date > today:
        raise ValidationError({"exposure_date": [_("The exposure date is in the future.")]})
    if opened_on > today or opened_on < exposure_date:
        raise ValidationError({"opened_on": [_("The period opens between the exposure and today.")]})
    opening = _plan_opening(
        person=person,
        reason=reason,
        exposure=exposure_date,
        opened_on=opened_on,
        in_force=rules_in_force(person.area_id),
        mode=mode,
        days=days,
        detail=_reason_text(reason_detail, required=reason == "manual", field="reason_detail"),
        place=validation.normalize(place or ""),
        arrival=arrival,
    )
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if Period.objects.filter(person=person, status=Period.Status.ACTIVE).exists():
        raise _already_observed(person)
    period = _build(opening, actor, today)
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:
        raise _already_observed(person) from None
    _record(
        actor,
        "observation.open",
        period,
        {},
        extra={"reason": [None, reason], "exposure_date": [None, exposure_date.isoformat()]},
    )
    return period


def periods_open_for_arrivals(*, actor: User, area, people=None, today: date | None = None) -> int:
    """Put under observation every arrival in ``area`` whose ledger the rules in force name, whose days
    are not all past, and whose person is not observed already. Returns how many periods were opened.

    Called after a registration, after a ledger import and by the daily sweep: running it twice opens
    nothing more. ``people`` limits it to some people (a registration).
    """
    today = today or timezone.localdate()
    area_code = area if isinstance(area, str) else area.code
    opened = 0
    by_town: dict[str, InForce] = {}
    arrivals = Arrival.objects.within(area_code) if area_code else Arrival.objects.all()
    candidates = (
        arrivals.filter(
            category__in=categories_observed_anywhere(),
            observation_period__isnull=True,
            arrival_date__gt=today - timedelta(days=protocol.MAX_STAGE_DAYS * 3),
        )
        .exclude(person__observation_periods__status=Period.Status.ACTIVE)
        .select_related("person")
        .order_by("arrival_date", "id")
    )
    if people is not None:
        candidates = candidates.filter(person__in=people)
    for arrival in candidates.iterator(chunk_size=500):
        town = arrival.area_id[:9]
        in_force = by_town.get(town) or by_town.setdefault(town, rules_in_force(arrival.area_id))
        if arrival.category_id not in in_force.rules.arrival_categories:
            continue
        if not has_role(actor, arrival.area_id, *OBSERVERS):
            continue
        try:
            with transaction.atomic():
                period_open(
                    actor=actor,
                    person=arrival.person,
                    reason=Period.Reason.ARRIVAL,
                    exposure_date=arrival.arrival_date,
                    reason_detail=f"{arrival.origin_text} {arrival.arrival_date:%Y-%m-%d}",
                    arrival=arrival,
                )
        except ValidationError:
            continue  # all days past, or observed since: nothing to open
        opened += 1
    return opened


# --- Changing the course ------------------------------------------------------------------------------


def _update_link_expiry(period: Period) -> None:
    period.links.filter(revoked_at__isnull=True).update(expires_at=link_expiry(period.planned_end))


def link_expiry(planned_end: date):
    """A self-report link works until the end of the period's last day."""
    from datetime import datetime, time

    end = datetime.combine(planned_end, time(23, 59, 59))
    return timezone.make_aware(end)


@transaction.atomic
def period_set_end(*, actor: User, period: Period, planned_end: date, reason: str) -> Period:
    """Extend or shorten a period, with a reason. The last stage moves; test days past the new end
    fall away. A period cannot end before it opened."""
    require_role(actor, period.area_id, *OBSERVATION_MANAGERS)
    reason = _reason_text(reason)
    period = _locked(period)
    _require_active(period)
    if planned_end == period.planned_end:
        raise ValidationError({"planned_end": [_("That is already the planned end.")]})
    if planned_end <= period.opened_on:
        raise ValidationError(
            {
                "planned_end": [
                    _("The period opened on %(day)s; it must end after that.") % {"day": period.opened_on}
                ]
            }
        )
    before, old_end = _snapshot(period), period.planned_end
    # The plan's dates change; its record of moves between modes stays.
    period.plan = {**period.plan, **period.parsed_plan.with_end(planned_end).to_json()}
    period.planned_end = planned_end
    period.updated_at = timezone.now()
    period.save(update_fields=["plan", "planned_end", "updated_at"])
    _update_link_expiry(period)
    action = "observation.extend" if planned_end > old_end else "observation.shorten"
    _record(actor, action, period, before, reason=reason)
    return period


@transaction.atomic
def period_transfer(
    *, actor: User, period: Period, mode: str, reason: str, place: str = "", on: date | None = None
) -> Period:
    """Move a period to another mode (home, centralised, monitoring) from ``on`` (today unless a
    backdated placement says when); its dates stay. The move is dated within the period, never before
    its last move."""
    require_role(actor, period.area_id, *OBSERVATION_MANAGERS)
    if mode not in protocol.MODES:
        raise ValidationError({"mode": [_("Unknown observation mode.")]})
    reason = _reason_text(reason)
    period = _locked(period)
    _require_active(period)
    if mode == period.mode and validation.normalize(place or "") == period.place:
        raise ValidationError({"mode": [_("The period is already in that mode.")]})
    today = timezone.localdate()
    on = on or today
    transfers = period.plan.get("transfers", [])
    last = date.fromisoformat(transfers[-1]["on"]) if transfers else period.opened_on
    if on > today or on < period.opened_on or on < last:
        raise ValidationError({"on": [_("The move lies between %(first)s and today.") % {"first": last}]})
    before = _snapshot(period)
    plan = dict(period.plan)
    plan["transfers"] = [
        *transfers,
        {"on": on.isoformat(), "from": period.mode, "to": mode, "reason": reason},
    ]
    period.plan = plan
    period.mode = mode
    period.moved_on = on
    period.place = validation.normalize(place or "")[:200]
    period.updated_at = timezone.now()
    period.save(update_fields=["plan", "mode", "moved_on", "place", "updated_at"])
    _record(actor, "observation.transfer", period, before, reason=reason)
    return period


@transaction.atomic
def period_close(
    *, actor: User, period: Period, outcome: str, note: str = "", ended_on: date | None = None
) -> Period:
    """End a period early: the person became a case, or left the area (saying where to), or another
    reason given in words. An open alert is closed first, with its own outcome."""
    require_role(actor, period.area_id, *OBSERVATION_MANAGERS)
    if outcome not in (Period.Outcome.BECAME_CASE, Period.Outcome.LEFT_AREA, Period.Outcome.OTHER):
        raise ValidationError({"outcome": [_("Choose why the period ends early.")]})
    note = _reason_text(note, required=outcome != Period.Outcome.BECAME_CASE, field="note")
    today = timezone.localdate()
    ended_on = ended_on or today
    period = _locked(period)
    _require_active(period)
    if ended_on > today or ended_on < period.opened_on:
        raise ValidationError({"ended_on": [_("The end lies between the opening and today.")]})
    if period.alert_open:
        raise ValidationError(_("An alert is open: close it with its outcome first."))
    stages.follow_stages(period, upto=ended_on, actor=actor)
    before = _snapshot(period)
    period.status = Period.Status.CLOSED
    period.outcome = outcome
    period.outcome_note = note
    period.actual_end = ended_on
    period.updated_at = timezone.now()
    period.save(update_fields=["status", "outcome", "outcome_note", "actual_end", "updated_at"])
    _record(actor, "observation.close", period, before, reason=note)
    return period


# --- Completion ----------------------------------------------------------------------------------------


def missing_tests(period: Period, tests: list[LabTest], *, today: date) -> list[date]:
    """Test days due by ``today`` without a usable sample: one taken on the day, or late but before
    the next test day. Days before the period opened are not owed (a contact found late)."""
    due = [d for d in period.parsed_plan.test_days if period.opened_on <= d <= today]
    samples = sorted(t.sample_date for t in tests if t.result != LabTest.Result.INVALID)
    missing = []
    for index, day in enumerate(due):
        until = due[index + 1] if index + 1 < len(due) else period.planned_end + timedelta(days=1)
        if not any(day <= s < until for s in samples):
            missing.append(day)
    return missing


def completion_blockers(period: Period, *, today: date, tests: list[LabTest] | None = None) -> list[str]:
    """Why a period cannot be completed today, in words; empty when it can."""
    if not period.is_active:
        return [_("The period has ended.")]
    blockers = []
    if period.planned_end > today:
        blockers.append(_("The period runs until %(day)s.") % {"day": period.planned_end.isoformat()})
    if period.alert_open:
        blockers.append(_("An alert is open."))
    tests = list(period.tests.all()) if tests is None else tests
    if any(t.result == LabTest.Result.PENDING for t in tests):
        blockers.append(_("A test result is pending."))
    missing = missing_tests(period, tests, today=today)
    if missing and not period.tests_waived_reason:
        days = "、".join(d.strftime("%m-%d") for d in missing)
        blockers.append(_("Tests due on %(days)s are missing.") % {"days": days})
    return blockers


@transaction.atomic
def period_complete(*, actor: User, period: Period, completed_on: date | None = None) -> Period:
    """Complete a period on or after its planned end — never while an alert is open or a required test
    is missing or pending. Nothing completes a period by itself. ``completed_on`` records a release
    made on paper earlier (between the planned end and today)."""
    require_role(actor, period.area_id, *OBSERVERS)
    period = _locked(period)
    today = timezone.localdate()
    if completed_on is not None:
        if completed_on > today or completed_on < period.planned_end:
            raise ValidationError(_("A period is completed between its planned end and today."))
        today = completed_on
    blockers = completion_blockers(period, today=today)
    if blockers:
        raise ValidationError(blockers)
    stages.follow_stages(period, upto=today, actor=actor)  # its figures read the stages it went through
    before = _snapshot(period)
    period.status = Period.Status.COMPLETED
    period.outcome = Period.Outcome.COMPLETED
    period.actual_end = today
    period.updated_at = timezone.now()
    period.save(update_fields=["status", "outcome", "actual_end", "updated_at"])
    _record(actor, "observation.complete", period, before)
    return period


def periods_complete(*, actor: User, periods) -> tuple[list[Period], list[tuple[Period, list[str]]]]:
    """Complete several periods ("今日期满"), each on its own and each recorded. Returns the completed
    ones and, for the others, why not."""
    completed, skipped = [], []
    for period in periods:
        try:
            completed.append(period_complete(actor=actor, period=period))
        except ValidationError as exc:
            skipped.append((period, exc.messages))
    return completed, skipped


@transaction.atomic
def period_waive_tests(*, actor: User, period: Period, reason: str) -> Period:
    """A health worker's reasoned decision that the missing tests do not block the release."""
    require_role(actor, period.area_id, *CLINICIANS)
    reason = _reason_text(reason)
    period = _locked(period)
    _require_active(period)
    period.tests_waived_reason = reason
    period.tests_waived_by = actor
    period.updated_at = timezone.now()
    period.save(update_fields=["tests_waived_reason", "tests_waived_by", "updated_at"])
    _record(actor, "observation.waive_tests", period, None, reason=reason)
    return period


# --- Re-planning ------------------------------------------------------------------------------------


@dataclass
class Replan:
    period: Period
    old_end: date
    new_end: date | None
    old_tests: tuple[date, ...]
    new_tests: tuple[date, ...]
    problem: str = ""

    @property
    def changes(self) -> bool:
        return not self.problem and (self.old_end != self.new_end or self.old_tests != self.new_tests)


def replan_preview(period: Period, in_force: InForce | None = None) -> Replan:
    """What re-planning ``period`` under the rules in force (or ``in_force``) would change."""
    in_force = in_force or rules_in_force(period.area_id)
    old = period.parsed_plan
    stages = in_force.rules.plan_for(period.reason)
    if not stages:
        return Replan(period, old.end, None, old.test_days, (), _("The rules set no plan for this reason."))
    new = protocol.plan_period(in_force.rules, stages, period.exposure_date)
    return Replan(period, old.end, new.end, old.test_days, new.test_days)


@transaction.atomic
def period_replan(*, actor: User, period: Period, reason: str, expected_rules: dict | None = None) -> Replan:
    """Plan an active period again under the rules in force now, audited with old and new dates.

    ``expected_rules`` are the rules the user saw in the preview: when they changed since, nothing is
    re-planned and the user is asked to look again.
    """
    require_role(actor, period.area_id, *OBSERVATION_MANAGERS)
    reason = _reason_text(reason)
    period = _locked(period)
    _require_active(period)
    in_force = rules_in_force(period.area_id)
    if expected_rules is not None and expected_rules != in_force.rules.to_json():
        raise ValidationError(_("The rules changed after the preview: look at the new dates again."))
    change = replan_preview(period, in_force)
    if change.problem:
        raise ValidationError(change.problem)
    before = _snapshot(period)
    stages = in_force.rules.plan_for(period.reason)
    plan = protocol.plan_period(in_force.rules, stages, period.exposure_date)
    today = timezone.localdate()
    mode = plan.stage_on(max(today, period.opened_on)).mode
    transfers = period.plan.get("transfers", [])
    if mode != period.mode:  # a move between modes, counted from today like any other
        transfers = [*transfers, {"on": today.isoformat(), "from": period.mode, "to": mode, "reason": reason}]
        period.moved_on = today
    period.plan = {
        **plan.to_json(),
        "replanned_from": {"edition": period.edition_id, "end": str(change.old_end)},
        **({"transfers": transfers} if transfers else {}),
    }
    period.rules = in_force.rules.to_json()
    period.edition_id = in_force.edition.code
    period.planned_end = plan.end
    period.checks_per_day = in_force.rules.checks_per_day
    period.mode = mode
    period.updated_at = timezone.now()
    period.save()
    _update_link_expiry(period)
    _record(
        actor,
        "observation.replan",
        period,
        before,
        reason=reason,
        extra={"test_days": [[str(d) for d in change.old_tests], [str(d) for d in change.new_tests]]},
    )
    return change


# --- Self-report links ----------------------------------------------------------------------------


@transaction.atomic
def link_create(*, actor: User, period: Period) -> tuple[SelfReportLink, str]:
    """A personal link for the person to report their own temperature; the previous one stops working.
    Returns the link and its secret, which is shown once and never stored."""
    import hashlib
    import secrets

    require_role(actor, period.area_id, *OBSERVERS)
    period = _locked(period)
    _require_active(period)
    now = timezone.now()
    period.links.filter(revoked_at__isnull=True).update(revoked_at=now)
    secret = secrets.token_urlsafe(24)
    link = SelfReportLink.objects.create(
        period=period,
        area_id=period.area_id,
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
        hint=secret[:6],
        created_by=actor,
        created_at=now,
        expires_at=link_expiry(period.planned_end),
    )
    _record(actor, "observation.link_create", period, None, extra={"link": [None, link.hint]})
    return link, secret


@transaction.atomic
def link_revoke(*, actor: User, link: SelfReportLink) -> SelfReportLink:
    require_role(actor, link.area_id, *OBSERVERS)
    link = SelfReportLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        _record(actor, "observation.link_revoke", link.period, None, extra={"link": [link.hint, None]})
    return link
