"""Health checks, missed checks, alerts, nucleic acid tests and self-reports.

A check is keyed by its slot (period, day, morning/evening): entering the same slot again corrects
it, and a save sent twice (``client_id``, made by the phone) is one check. A fever or a listed symptom
opens an alert — one open alert per period, later readings counted on it — that stays open until
someone closes it with an outcome. Nothing here closes an alert or completes a period by itself.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import CLINICIANS, OBSERVERS
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit
from cordon.observation import events, protocol
from cordon.observation.models import Alert, HealthCheck, LabTest, Period, SelfReportLink
from cordon.observation.services import _reason_text, _require_active
from cordon.people import validation


def _clean_symptoms(symptoms, rules: protocol.Rules) -> list[str]:
    chosen = [validation.normalize(str(s)) for s in (symptoms or []) if str(s).strip()]
    unknown = [s for s in chosen if s not in rules.symptoms]
    if unknown:
        raise ValidationError(
            {
                "symptoms": [
                    _("Not a symptom of the protocol in force: %(names)s")
                    % {"names": "、".join(unknown)[:60]}
                ]
            }
        )
    return [s for s in rules.symptoms if s in chosen]


def _client_id(value) -> str | None:
    text = str(value or "").strip()
    if len(text) > 40:
        raise ValidationError({"client_id": [_("The entry's id is too long.")]})
    return text or None


def _replayed(client_id: str | None, period: Period) -> HealthCheck | None:
    if not client_id:
        return None
    existing = HealthCheck.objects.filter(client_id=client_id).first()
    if existing is not None and existing.period_id != period.pk:
        raise ValidationError({"client_id": [_("This entry's id belongs to another check.")]})
    return existing


@transaction.atomic
def check_record(
    *,
    actor: User | None,
    period: Period,
    temperature,
    symptoms=(),
    day: date | None = None,
    slot: str | None = None,
    client_id: str | None = None,
    source: str = HealthCheck.Source.STAFF,
    measured_at: datetime | None = None,
) -> tuple[HealthCheck, bool]:
    """Record a temperature (and symptoms) for a period's check slot. Returns (check, created).

    The same ``client_id`` again returns the stored check unchanged (a retried save); the same slot
    again corrects it, and a correction of a measured value is audited. Staff entries need an
    observer's role at the village; self-reports come through ``self_report`` with a valid link.
    ``measured_at`` is when the temperature was taken, if not now (a paper list entered later).
    """
    if source == HealthCheck.Source.STAFF:
        require_role(actor, period.area_id, *OBSERVERS)
    client_id = _client_id(client_id)
    replay = _replayed(client_id, period)
    if replay is not None:
        return replay, False
    period = Period.objects.select_for_update().get(pk=period.pk)
    replay = _replayed(client_id, period)  # the same save, sent twice at once, waited for the lock
    if replay is not None:
        return replay, False
    _require_active(period)
    rules = period.parsed_rules
    now = timezone.localtime()
    today = now.date()
    if measured_at is not None and measured_at > now:
        raise ValidationError({"measured_at": [_("The time of measuring is in the future.")]})
    taken = timezone.localtime(measured_at) if measured_at is not None else now
    day = day or taken.date()
    slot = slot or protocol.current_slot(taken, rules.checks_per_day)
    if slot not in (*rules.slots, "extra"):
        raise ValidationError(
            {
                "slot": [
                    _("This period takes %(n)s check(s) a day; there is no such check.")
                    % {"n": rules.checks_per_day}
                ]
            }
        )
    if day > today:
        raise ValidationError({"day": [_("The day %(day)s is in the future.") % {"day": day.isoformat()}]})
    if day < period.exposure_date or day > period.planned_end:
        raise ValidationError({"day": [_("The day lies outside the period.")]})
    value = protocol.parse_temperature(temperature)
    chosen = _clean_symptoms(symptoms, rules)
    stamp = measured_at or timezone.now()
    existing = None
    if slot != "extra":
        existing = HealthCheck.objects.filter(period=period, day=day, slot=slot).first()
    if existing is None:
        try:
            with transaction.atomic():
                check = HealthCheck.objects.create(
                    period=period,
                    area_id=period.area_id,
                    day=day,
                    slot=slot,
                    temperature=value,
                    symptoms=chosen,
                    source=source,
                    measured_at=stamp,
                    recorded_by=actor if source == HealthCheck.Source.STAFF else None,
                    client_id=client_id,
                    created_at=stamp,
                    updated_at=stamp,
                )
        except IntegrityError:
            # The same client id stored by a request that did not hold the period's lock (SQLite's
            # writers are serialised, PostgreSQL's wait above): it is that check.
            replay = _replayed(client_id, period)
            if replay is None:
                raise
            return replay, False
        created = True
    else:
        check, created = existing, False
        before = {
            "temperature": str(check.temperature) if check.temperature is not None else None,
            "symptoms": check.symptoms,
        }
        was_measured = check.status == HealthCheck.Status.MEASURED
        check.status = HealthCheck.Status.MEASURED
        check.temperature, check.symptoms, check.source = value, chosen, source
        check.measured_at, check.updated_at = stamp, stamp
        check.recorded_by = actor if source == HealthCheck.Source.STAFF else None
        if check.client_id is None:
            check.client_id = client_id
        check.save()
        after = {"temperature": str(value), "symptoms": chosen}
        if was_measured and before != after:
            audit.record(
                actor=actor,
                action="observation.check_correct",
                target=period,
                area=period.area_id,
                changes={
                    "check": [None, f"{day:%Y-%m-%d} {check.get_slot_display()}"],
                    **audit.diff(before, after),
                },
            )
    _after_check(period, check, rules, actor)
    return check, created


def _after_check(period: Period, check: HealthCheck, rules: protocol.Rules, actor) -> None:
    """Keep the period's triage columns right, and open (or add to) an alert for a fever or a symptom."""
    fields = ["updated_at"]
    if check.slot != "extra":
        key = protocol.slot_key(check.day, check.slot)
        if period.last_slot is None or key >= period.last_slot:
            period.last_slot = key
            fields.append("last_slot")
    if period.last_checked_at is None or check.measured_at >= period.last_checked_at:
        period.last_temperature, period.last_checked_at = check.temperature, check.measured_at
        fields += ["last_temperature", "last_checked_at"]
    febrile = rules.is_fever(check.temperature)
    if febrile or check.symptoms:
        alert = Alert.objects.select_for_update().filter(period=period, closed_at__isnull=True).first()
        if alert is None:
            alert = Alert.objects.create(
                period=period,
                area_id=period.area_id,
                kind=Alert.Kind.FEVER if febrile else Alert.Kind.SYMPTOM,
                health_check=check,
                temperature=check.temperature,
                symptoms=check.symptoms,
                opened_at=_happened_at(check),
            )
            period.alert_open = True
            fields.append("alert_open")
            events.alert_opened(alert=alert, period=period)
            audit.record(
                actor=actor,
                action="observation.alert_open",
                target=period,
                area=period.area_id,
                changes={
                    "alert": [
                        None,
                        f"{alert.get_kind_display()} {check.temperature} °C "
                        f"{'、'.join(check.symptoms)}".strip(),
                    ]
                },
            )
        else:
            alert.readings += 1
            if check.temperature is not None and (
                alert.temperature is None or check.temperature > alert.temperature
            ):
                alert.temperature = check.temperature
            alert.symptoms = [s for s in rules.symptoms if s in set(alert.symptoms) | set(check.symptoms)]
            alert.save(update_fields=["readings", "temperature", "symptoms"])
    if check.status == HealthCheck.Status.MEASURED:
        events.check_entered(period=period)
    period.updated_at = timezone.now()
    period.save(update_fields=fields)


def checks_mark_missed(*, now: datetime | None = None, area=None) -> int:
    """Record as missed every check a period owed and nobody entered, up to the latest slot whose
    deadline has passed. Safe to run twice (and alongside late entries): a slot is recorded once."""
    now = now or timezone.localtime()
    periods = Period.objects.filter(status=Period.Status.ACTIVE).only(
        "id", "area_id", "first_slot", "planned_end", "checks_per_day"
    )
    if area is not None:
        periods = periods.within(area)
    until = {n: protocol.slot_key(*protocol.last_passed_slot(now, n)) for n in protocol.SLOTS}
    marked = 0
    chunk: list[Period] = []

    def flush():
        nonlocal marked
        if not chunk:
            return
        first_day = protocol.key_day(min(p.first_slot for p in chunk))
        existing = set(
            HealthCheck.objects.filter(period__in=[p.pk for p in chunk], day__gte=first_day)
            .exclude(slot="extra")
            .values_list("period_id", "day", "slot")
        )
        stamp = timezone.now()
        rows = [
            HealthCheck(
                period_id=p.pk,
                area_id=p.area_id,
                day=day,
                slot=slot,
                status=HealthCheck.Status.MISSED,
                created_at=stamp,
                updated_at=stamp,
            )
            for p in chunk
            for day, slot in protocol.required_slots(
                first_slot=p.first_slot,
                end=p.planned_end,
                until=until[p.checks_per_day],
                checks_per_day=p.checks_per_day,
            )
            if (p.pk, day, slot) not in existing
        ]
        HealthCheck.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        marked += len(rows)
        chunk.clear()

    for period in periods.iterator(chunk_size=500):
        chunk.append(period)
        if len(chunk) >= 500:
            flush()
    flush()
    return marked


# --- Alerts ----------------------------------------------------------------------------------------


@transaction.atomic
def alert_close(
    *,
    actor: User,
    alert: Alert,
    outcome: str,
    temperature=None,
    clinic: str = "",
    referred_at: datetime | None = None,
    note: str = "",
) -> Alert:
    """Close an alert with its outcome: re-measured normal (with the new temperature, itself recorded
    as a check), referred to the fever clinic (where and when), or a suspected case (a health worker's
    or the command centre's decision)."""
    require_role(actor, alert.area_id, *OBSERVERS)
    if outcome not in Alert.Outcome.values:
        raise ValidationError({"outcome": [_("Choose how the alert ends.")]})
    if outcome == Alert.Outcome.SUSPECTED_CASE and not has_role(actor, alert.area_id, *CLINICIANS):
        raise ValidationError(
            {"outcome": [_("Only a health worker or the command centre records a suspected case.")]}
        )
    note = _reason_text(note, required=False, field="note")
    alert = Alert.objects.select_for_update().select_related("period").get(pk=alert.pk)
    if alert.closed_at is not None:
        raise ValidationError(
            _("This alert was already closed at %(time)s.")
            % {"time": timezone.localtime(alert.closed_at).strftime("%m-%d %H:%M")}
        )
    period = alert.period
    rules = period.parsed_rules
    if outcome == Alert.Outcome.REMEASURED_NORMAL:
        if alert.kind == Alert.Kind.POSITIVE_TEST:
            raise ValidationError({"outcome": [_("A positive test is not closed by a temperature.")]})
        value = protocol.parse_temperature(temperature)
        if rules.is_fever(value):
            raise ValidationError(
                {
                    "temperature": [
                        _("%(value)s °C is still a fever: refer the person to the fever clinic.")
                        % {"value": value}
                    ]
                }
            )
    if outcome == Alert.Outcome.REFERRED:
        clinic = validation.normalize(clinic or "")
        errors = {}
        if not clinic:
            errors["clinic"] = [_("Say which fever clinic.")]
        if referred_at is None:
            errors["referred_at"] = [_("Say when the person was referred.")]
        elif referred_at > timezone.now():
            errors["referred_at"] = [_("That time is in the future.")]
        if errors:
            raise ValidationError(errors)
        alert.clinic, alert.referred_at = clinic[:100], referred_at
    if outcome == Alert.Outcome.REMEASURED_NORMAL and not note:
        note = _("Re-measured: %(value)s °C") % {"value": value}
    now = timezone.now()
    alert.outcome, alert.note = outcome, note
    alert.closed_at, alert.closed_by = now, actor
    alert.save()
    Period.objects.filter(pk=period.pk).update(alert_open=False, updated_at=now)
    period.alert_open = False
    audit.record(
        actor=actor,
        action="observation.alert_close",
        target=period,
        area=period.area_id,
        changes={
            "alert": [alert.get_kind_display(), alert.get_outcome_display()],
            **({"clinic": [None, alert.clinic]} if alert.clinic else {}),
        },
        reason=note,
    )
    events.alert_closed(alert=alert)
    if outcome == Alert.Outcome.REMEASURED_NORMAL:
        check_record(actor=actor, period=period, temperature=value, slot="extra")
    return alert


def _happened_at(check: HealthCheck) -> datetime:
    """When a check's fever or symptoms were found: its time of measuring, unless that lies after the
    check's own day (a paper list of an earlier day typed in without times) — then the slot's deadline
    on that day, so the alert counts on the day it happened, never on the day it was typed in."""
    measured = timezone.localtime(check.measured_at)
    if measured.date() <= check.day:
        return check.measured_at
    deadline = protocol.SLOT_DEADLINES.get(check.slot, time(22))
    return timezone.make_aware(datetime.combine(check.day, deadline))


# --- Nucleic acid tests ------------------------------------------------------------------------------


def _open_positive_alert(period: Period, test: LabTest, actor) -> None:
    period = Period.objects.select_for_update().get(pk=period.pk)
    alert = Alert.objects.select_for_update().filter(period=period, closed_at__isnull=True).first()
    if alert is None:
        alert = Alert.objects.create(
            period=period,
            area_id=period.area_id,
            kind=Alert.Kind.POSITIVE_TEST,
            lab_test=test,
            opened_at=timezone.now(),
        )
        Period.objects.filter(pk=period.pk).update(alert_open=True, updated_at=timezone.now())
    else:
        alert.kind, alert.lab_test = Alert.Kind.POSITIVE_TEST, test
        alert.save(update_fields=["kind", "lab_test"])
    events.alert_opened(alert=alert, period=period)
    audit.record(
        actor=actor,
        action="observation.alert_open",
        target=period,
        area=period.area_id,
        changes={"alert": [None, str(Alert.Kind.POSITIVE_TEST.label)]},
    )


def _clean_test(sample_date, result, result_date, *, today) -> None:
    if result not in LabTest.Result.values:
        raise ValidationError({"result": [_("Unknown result.")]})
    if sample_date > today:
        raise ValidationError({"sample_date": [_("The sample date is in the future.")]})
    if result_date is not None and (result_date < sample_date or result_date > today):
        raise ValidationError({"result_date": [_("The result date lies between the sample date and today.")]})


@transaction.atomic
def lab_test_record(
    *,
    actor: User,
    period: Period,
    sample_date: date,
    sample_type: str = LabTest.Sample.THROAT,
    lab: str = "",
    result: str = LabTest.Result.PENDING,
    result_date: date | None = None,
) -> LabTest:
    """Record a sample taken during a period (and its result, when known). A positive result opens an
    alert."""
    require_role(actor, period.area_id, *OBSERVERS)
    today = timezone.localdate()
    if sample_type not in LabTest.Sample.values:
        raise ValidationError({"sample_type": [_("Unknown kind of sample.")]})
    _clean_test(sample_date, result, result_date, today=today)
    if sample_date < period.exposure_date:
        raise ValidationError({"sample_date": [_("The sample was taken before the exposure.")]})
    lab = validation.normalize(lab or "")
    if len(lab) > 100:
        raise ValidationError({"lab": [_("Too long: at most %(max)s characters.") % {"max": 100}]})
    test = LabTest.objects.create(
        period=period,
        person_id=period.person_id,
        area_id=period.area_id,
        sample_date=sample_date,
        sample_type=sample_type,
        lab=lab,
        result=result,
        result_date=result_date if result != LabTest.Result.PENDING else None,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="observation.test",
        target=period,
        area=period.area_id,
        changes={"test": [None, f"{sample_date:%Y-%m-%d} {test.get_result_display()}"]},
    )
    events.test_recorded(period=period, sample_date=sample_date)
    if result == LabTest.Result.POSITIVE:
        _open_positive_alert(period, test, actor)
    return test


@transaction.atomic
def lab_test_set_result(
    *, actor: User, test: LabTest, result: str, result_date: date | None = None
) -> LabTest:
    """Enter (or correct) a test's result. A positive result opens an alert."""
    require_role(actor, test.area_id, *OBSERVERS)
    test = LabTest.objects.select_for_update().get(pk=test.pk)
    today = timezone.localdate()
    result_date = result_date or (today if result != LabTest.Result.PENDING else None)
    _clean_test(test.sample_date, result, result_date, today=today)
    if result == test.result:
        return test
    before = test.get_result_display()
    test.result, test.result_date = result, result_date
    test.save(update_fields=["result", "result_date"])
    if test.period_id:
        audit.record(
            actor=actor,
            action="observation.test",
            target=test.period,
            area=test.area_id,
            changes={
                "test": [
                    f"{test.sample_date:%Y-%m-%d} {before}",
                    f"{test.sample_date:%Y-%m-%d} {test.get_result_display()}",
                ]
            },
        )
        if result == LabTest.Result.POSITIVE and test.period.is_active:
            _open_positive_alert(test.period, test, actor)
    return test


# --- Self-reports -------------------------------------------------------------------------------------


def link_for_secret(secret: str) -> SelfReportLink | None:
    """The live link a secret opens — not revoked, not expired, its period still running — or None."""
    if not secret or len(secret) > 64:
        return None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    link = SelfReportLink.objects.select_related("period__person").filter(key_hash=digest).first()
    if (
        link is None
        or link.revoked_at is not None
        or link.expires_at <= timezone.now()
        or link.period.status != Period.Status.ACTIVE
    ):
        return None
    return link


def self_report(*, secret: str, temperature, symptoms=(), client_id: str | None = None) -> HealthCheck:
    """A person's own report through their link: the check of the current slot, marked self-reported."""
    link = link_for_secret(secret)
    if link is None:
        raise ValidationError(_("This link no longer works. Ask your village's clerk for a new one."))
    check, _created = check_record(
        actor=None,
        period=link.period,
        temperature=temperature,
        symptoms=symptoms,
        client_id=client_id,
        source=HealthCheck.Source.SELF,
    )
    SelfReportLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return check
