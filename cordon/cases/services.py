"""Every change to cases and their contacts: registering a case, its classification and outcome, its
source, tracing contacts (who then go under observation), and turning a contact into a case.

Cases are clinical records: only health workers and the command centre (``CASE_WORKERS``) see or change
them. Quarantine sites and placements are in ``services_quarantine``.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import CASE_WORKERS
from cordon.accounts.scope import require_role
from cordon.cases import chain
from cordon.cases.models import Case, ClassificationChange, ContactLink
from cordon.cases.services_quarantine import placements_end_for_case
from cordon.core import audit, codes
from cordon.observation import protocol
from cordon.observation import services as observation
from cordon.observation.models import Alert, Period
from cordon.observation.selectors import rules_in_force
from cordon.observation.services_checks import alert_close
from cordon.people import validation
from cordon.people.models import Person
from cordon.people.services import person_save

# At most this many contacts in one submission: a night's tracing, entered in a few goes.
MAX_CONTACTS = 100
CASE_FIELDS = (
    "classification",
    "authority",
    "number",
    "onset_date",
    "confirmed_on",
    "isolated_on",
    "reporting_source",
    "hospital",
    "outcome",
    "outcome_on",
    "external_name",
    "external_note",
    "note",
)


def _snapshot(case: Case) -> dict:
    values = {field: getattr(case, field) for field in CASE_FIELDS} | {"person": case.person_id}
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


def _record(actor, action, target, before, *, area, reason=""):
    after = _snapshot(target) if isinstance(target, Case) else {}
    audit.record(
        actor=actor, action=action, target=target, area=area, changes=audit.diff(before, after), reason=reason
    )


_text = validation.clean_text


def _past(value: date | None, field: str, today: date) -> date | None:
    if value is not None and value > today:
        raise ValidationError({field: [_("This date is in the future.")]})
    return value


def _number_taken(authority: str, number: str) -> ValidationError:
    return ValidationError(
        {
            "number": [
                _("%(authority)s case %(number)s is already registered.")
                % {"authority": authority, "number": number}
            ]
        }
    )


def _clean_case(data: dict, *, today: date) -> dict:
    """Shape and rules inside one case: the number with its authority, dates in order, not in the future."""
    cleaned = {
        "authority": _text(data.get("authority"), "authority", 40),
        "number": _text(data.get("number"), "number", 20).removeprefix("第").removesuffix("例"),
        "reporting_source": _text(data.get("reporting_source"), "reporting_source", 100),
        "hospital": _text(data.get("hospital"), "hospital", 100),
        "external_name": _text(data.get("external_name"), "external_name", 40),
        "external_note": _text(data.get("external_note"), "external_note", 200),
        "note": _text(data.get("note"), "note", 300),
    }
    if cleaned["number"] and not cleaned["authority"]:
        raise ValidationError({"authority": [_("Say who numbered the case, e.g. 廊坊市.")]})
    for field in ("onset_date", "confirmed_on", "isolated_on"):
        cleaned[field] = _past(data.get(field), field, today)
    onset, confirmed = cleaned["onset_date"], cleaned["confirmed_on"]
    if onset and confirmed and confirmed < onset:
        raise ValidationError({"confirmed_on": [_("The confirmation cannot come before the onset.")]})
    return cleaned


@transaction.atomic
def case_register(
    *,
    actor: User,
    classification: str,
    person: Person | None = None,
    area: Area | None = None,
    classified_on: date | None = None,
    data: dict | None = None,
) -> Case:
    """Register a case: a person of the actor's areas, or (without ``person``) a case known only by its
    number elsewhere, recorded in ``area``. The number is unique per numbering authority; a person is a
    case once. The person's contact links now lead to this case, and their observation period ends
    ("became a case"), closing an open fever alert as a suspected case first.
    """
    today = timezone.localdate()
    data = data or {}
    if classification not in Case.Classification.values:
        raise ValidationError({"classification": [_("Choose a classification.")]})
    cleaned = _clean_case(data, today=today)
    if person is not None:
        area_code = person.area_id
    elif area is not None:
        area_code = area.code
        if not cleaned["number"]:
            raise ValidationError({"number": [_("A case known only elsewhere needs its number.")]})
    else:
        raise ValidationError({"person": [_("Choose the person.")]})
    require_role(actor, area_code, *CASE_WORKERS)
    classified_on = _past(classified_on or today, "classified_on", today)
    if classification == Case.Classification.CONFIRMED and not cleaned["confirmed_on"] and person is not None:
        cleaned["confirmed_on"] = classified_on  # a case known only elsewhere keeps its dates unknown
    if (
        cleaned["number"]
        and Case.objects.filter(authority=cleaned["authority"], number=cleaned["number"]).exists()
    ):
        raise _number_taken(cleaned["authority"], cleaned["number"])
    if person is not None:
        Person.objects.select_for_update().filter(pk=person.pk).first()
        existing = Case.objects.filter(person=person).first()
        if existing is not None:
            raise ValidationError(
                {"person": [_("%(name)s is already registered as a case.") % {"name": person.name}]}
            )
    now = timezone.now()
    case = Case(
        person=person,
        area_id=area_code,
        classification=classification,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **cleaned,
    )
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        if person is not None and Case.objects.filter(person=person).exists():
            raise ValidationError(
                {"person": [_("%(name)s is already registered as a case.") % {"name": person.name}]}
            ) from None
        raise _number_taken(cleaned["authority"], cleaned["number"]) from None
    ClassificationChange.objects.create(case=case, classification=classification, on=classified_on, by=actor)
    _record(actor, "case.create", case, {}, area=area_code)
    if person is not None:
        _became_case(actor, case, person, on=classified_on)
    return case


def _became_case(actor: User, case: Case, person: Person, *, on: date) -> None:
    """What follows from a person becoming a case: the chain reaches them, observation ends."""
    links = list(ContactLink.objects.filter(person=person).only("case_id"))
    for link in links:
        if link.case_id == case.pk or chain.reaches(case.pk, link.case_id):
            raise ValidationError(
                _("This would close a loop in the chain: %(case)s was infected through this person.")
                % {"case": Case.objects.get(pk=link.case_id).label}
            )
    ContactLink.objects.filter(person=person).update(contact_case=case)
    period = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    if period is not None:
        alert = Alert.objects.filter(period=period, closed_at__isnull=True).first()
        if alert is not None:
            alert_close(
                actor=actor, alert=alert, outcome=Alert.Outcome.SUSPECTED_CASE, note=case.label or person.name
            )
            period.refresh_from_db()
        ended = max(min(on, timezone.localdate()), period.opened_on)
        observation.period_close(
            actor=actor, period=period, outcome=Period.Outcome.BECAME_CASE, note=case.label, ended_on=ended
        )
    placements_end_for_case(actor=actor, person=person, on=on)


@transaction.atomic
def case_classify(*, actor: User, case: Case, classification: str, on: date, note: str = "") -> Case:
    """Move a case to another classification (suspected → confirmed / asymptomatic / excluded), dated;
    each step stays in the case's history."""
    require_role(actor, case.area_id, *CASE_WORKERS)
    if classification not in Case.Classification.values:
        raise ValidationError({"classification": [_("Choose a classification.")]})
    today = timezone.localdate()
    _past(on, "on", today)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.classification == classification:
        raise ValidationError({"classification": [_("The case is already classified so.")]})
    last = case.classifications.order_by("-on", "-at").first()
    if last is not None and on < last.on:
        raise ValidationError(
            {"on": [_("The previous classification is dated %(date)s.") % {"date": last.on}]}
        )
    before = _snapshot(case)
    case.classification = classification
    if classification == Case.Classification.CONFIRMED and not case.confirmed_on:
        case.confirmed_on = on
    case.updated_at = timezone.now()
    case.save()
    ClassificationChange.objects.create(
        case=case, classification=classification, on=on, by=actor, note=_text(note, "note", 200)
    )
    _record(actor, "case.classify", case, before, area=case.area_id, reason=note)
    return case


@transaction.atomic
def case_update(*, actor: User, case: Case, data: dict) -> Case:
    """Correct a case's number, dates, hospital and outcome (discharged or died, with the date)."""
    require_role(actor, case.area_id, *CASE_WORKERS)
    today = timezone.localdate()
    case = Case.objects.select_for_update().get(pk=case.pk)
    merged = {field: getattr(case, field) for field in CASE_FIELDS} | data
    cleaned = _clean_case(merged, today=today)
    if case.is_external and not cleaned["number"]:
        raise ValidationError({"number": [_("A case known only elsewhere needs its number.")]})
    outcome = merged.get("outcome") or ""
    if outcome and outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    outcome_on = _past(merged.get("outcome_on"), "outcome_on", today)
    if outcome in (Case.Outcome.DISCHARGED, Case.Outcome.DIED) and not outcome_on:
        raise ValidationError({"outcome_on": [_("Give the date.")]})
    taken = Case.objects.filter(authority=cleaned["authority"], number=cleaned["number"]).exclude(pk=case.pk)
    if cleaned["number"] and taken.exists():
        raise _number_taken(cleaned["authority"], cleaned["number"])
    discharged_now = outcome == Case.Outcome.DISCHARGED and case.outcome != Case.Outcome.DISCHARGED
    before = _snapshot(case)
    for field, value in cleaned.items():
        setattr(case, field, value)
    case.outcome, case.outcome_on = outcome, outcome_on if outcome else None
    case.updated_at = timezone.now()
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise _number_taken(cleaned["authority"], cleaned["number"]) from None
    _record(actor, "case.update", case, before, area=case.area_id)
    if discharged_now and case.person_id is not None:
        _observe_after_discharge(actor, case)
    return case


# Days of home observation after discharge ("出院后继续进行14天的隔离管理和健康状况监测", the 6th edition of
# the diagnosis and treatment guidance onwards).
POST_DISCHARGE_DAYS = 14


def _observe_after_discharge(actor: User, case: Case) -> None:
    """A discharged case is observed at home from the day of discharge; one already observed is not
    observed twice."""
    if Period.objects.filter(person_id=case.person_id, status=Period.Status.ACTIVE).exists():
        return
    if case.outcome_on + timedelta(days=POST_DISCHARGE_DAYS) <= timezone.localdate():
        return  # the days are all past: a discharge recorded late is not observed again
    observation.period_open(
        actor=actor,
        person=case.person,
        reason=Period.Reason.MANUAL,
        reason_detail=_("Observation after discharge (%(case)s)") % {"case": case.label},
        exposure_date=case.outcome_on,
        opened_on=timezone.localdate(),
        mode=Period.Mode.HOME,
        days=POST_DISCHARGE_DAYS,
    )


@transaction.atomic
def case_identify(*, actor: User, case: Case, person: Person) -> Case:
    """Give a case known only by its number its person, once registered: every link stays."""
    require_role(actor, person.area_id, *CASE_WORKERS)
    require_role(actor, case.area_id, *CASE_WORKERS)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_external:
        raise ValidationError(_("This case already has its person."))
    if Case.objects.filter(person=person).exists():
        raise ValidationError(
            {"person": [_("%(name)s is already registered as a case.") % {"name": person.name}]}
        )
    if case.contacts.filter(person=person).exists():
        raise ValidationError({"person": [_("This person is listed among the case's own contacts.")]})
    before = _snapshot(case)
    case.person = person
    case.area_id = person.area_id
    case.updated_at = timezone.now()
    case.save(update_fields=["person", "area", "updated_at"])
    _record(actor, "case.identify", case, before, area=case.area_id)
    _became_case(actor, case, person, on=case.confirmed_on or timezone.localdate())
    return case


def external_case(
    *, actor: User, area: Area, authority: str, number: str, name: str = "", note: str = ""
) -> Case:
    """The case numbered so by that authority: the one registered, or a new case known only elsewhere,
    recorded in the actor's town (``area``'s town)."""
    authority = _text(authority, "authority", 40)
    number = _text(number, "number", 20).removeprefix("第").removesuffix("例")
    found = Case.objects.filter(authority=authority, number=number).first()
    if found is not None:
        return found
    level = codes.level_of(area.code)
    town = area.code if level in (codes.TOWN, codes.COUNTY) else area.code[:9].ljust(12, "0")
    return case_register(
        actor=actor,
        classification=Case.Classification.CONFIRMED,
        area=Area.objects.get(code=town),
        data={"authority": authority, "number": number, "external_name": name, "external_note": note},
    )


# --- Contacts ----------------------------------------------------------------------------------------


def lookback_start(case: Case) -> date | None:
    """The first day of the look-back window of the edition in force for the case's area: the onset
    less the edition's days (after the onset itself in the 3rd–4th edition); None without an onset."""
    if case.onset_date is None:
        return None
    days = rules_in_force(case.area_id).rules.lookback_days
    if days is None:
        return None
    return case.onset_date - timedelta(days=days)


def _check_exposure(case: Case, first: date | None, last: date | None, today: date) -> tuple[date, date]:
    if last is None:
        raise ValidationError({"last_exposure": [_("Give the last exposure.")]})
    first = first or last
    if last < first:
        raise ValidationError({"last_exposure": [_("The last exposure cannot precede the first.")]})
    if last > today:
        raise ValidationError({"last_exposure": [_("This date is in the future.")]})
    if case.isolated_on and last > case.isolated_on:
        raise ValidationError(
            {
                "last_exposure": [
                    _("The case was isolated on %(date)s: no exposure after it.") % {"date": case.isolated_on}
                ]
            }
        )
    return first, last


@transaction.atomic
def contact_add(
    *,
    actor: User,
    case: Case,
    people: list[dict],
    setting: str,
    last_exposure: date | None,
    first_exposure: date | None = None,
    degree: str = ContactLink.Degree.CLOSE,
    via: ContactLink | None = None,
    note: str = "",
    observe: bool = True,
    traced_on: date | None = None,
) -> list[ContactLink]:
    """Trace contacts of a case, all or none: each entry is ``{"person": Person}`` or a person's
    details (a known document number links that person, never a duplicate) with ``area``. Each close
    or secondary contact is put under observation from the last exposure per the edition in force;
    someone already observed keeps their period, extended when this exposure ends later (``observe``
    False: not observed — a person about to be registered as a case of this source). ``traced_on``
    records tracing done earlier on paper: the periods open that day. A person
    already traced for this case, the case's own person, or a loop in the chain is refused.

    A ValidationError lists the entries at fault as ``{"people": {index: messages}}``.
    """
    require_role(actor, case.area_id, *CASE_WORKERS)
    today = timezone.localdate()
    if not people:
        raise ValidationError({"people": [_("Add at least one person.")]})
    if len(people) > MAX_CONTACTS:
        raise ValidationError({"people": [_("At most %(n)s people at a time.") % {"n": MAX_CONTACTS}]})
    if degree not in ContactLink.Degree.values:
        raise ValidationError({"degree": [_("Choose the degree.")]})
    if setting not in ContactLink.Setting.values:
        raise ValidationError({"setting": [_("Choose where the exposure happened.")]})
    if degree == ContactLink.Degree.SECONDARY:
        if via is None or via.case_id != case.pk or via.degree != ContactLink.Degree.CLOSE:
            raise ValidationError(
                {"via": [_("A secondary contact is traced through one of the case's close contacts.")]}
            )
    elif via is not None:
        raise ValidationError({"via": [_("Only a secondary contact is traced through another contact.")]})
    first, last = _check_exposure(case, first_exposure, last_exposure, today)
    traced_on = traced_on or today
    if traced_on > today or traced_on < last:
        raise ValidationError({"traced_on": [_("The tracing lies between the last exposure and today.")]})
    note = _text(note, "note", 200)
    errors: dict[int, list[str]] = {}
    links = []
    seen = set()
    for index, entry in enumerate(people):
        try:
            with transaction.atomic():
                person = entry.get("person") or _contact_person(actor, entry)
                if person.pk in seen:
                    raise ValidationError(_("This person is listed twice."))
                seen.add(person.pk)
                links.append(
                    _link(actor, case, person, degree, setting, first, last, via, note, traced_on, observe)
                )
        except ValidationError as error:
            errors[index] = _messages(error)
    if errors:
        raise EntryErrors(errors)  # nothing is kept: the form shows every entry with its messages
    return links


class EntryErrors(ValidationError):
    """A refused ``contact_add``: ``entries`` holds {index: messages} of the entries at fault."""

    def __init__(self, entries: dict[int, list[str]]):
        super().__init__({"people": [_("Some entries need attention: nothing was saved.")]})
        self.entries = entries


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def _contact_person(actor: User, entry: dict) -> Person:
    area = entry.get("area")
    if area is None:
        raise ValidationError(_("Choose the village the person lives in."))
    data = {key: value for key, value in entry.items() if key != "area"}
    known = _known_holder(data)
    if known is not None and Person.objects.visible_to(actor).filter(pk=known.pk).exists():
        # A known number links that person as they are: a name typed differently at night does not
        # rename them (their page is where a correction is made).
        return known
    person, _created = person_save(actor=actor, area=area, data=data, partial=True)
    return person


def _known_holder(data: dict) -> Person | None:
    from cordon.people.services import holders
    from cordon.people.validation import parse_document

    kind = data.get("document_type") or Person.Document.MAINLAND_ID
    try:
        number = parse_document(kind, data.get("document_number"), today=timezone.localdate()).number
    except (ValidationError, ValueError):
        return None  # person_save says what is wrong with it
    return holders(kind, [number]).first() if number else None


def _link(actor, case, person, degree, setting, first, last, via, note, traced_on, observe) -> ContactLink:
    require_role(actor, person.area_id, *CASE_WORKERS)
    if case.person_id == person.pk:
        raise ValidationError(_("The case cannot be their own contact."))
    if ContactLink.objects.filter(case=case, person=person).exists():
        raise ValidationError(_("%(name)s is already a contact of this case.") % {"name": person.name})
    contact_case = Case.objects.filter(person=person).first()
    if contact_case is not None and (contact_case.pk == case.pk or chain.reaches(contact_case.pk, case.pk)):
        raise ValidationError(
            _("%(name)s is %(case)s, from whom this case descends: that would close a loop in the chain.")
            % {"name": person.name, "case": contact_case.label}
        )
    link = ContactLink(
        case=case,
        person=person,
        area_id=person.area_id,
        degree=degree,
        setting=setting,
        first_exposure=first,
        last_exposure=last,
        via=via,
        contact_case=contact_case,
        note=note,
        traced_by=actor,
    )
    if observe and contact_case is None and degree != ContactLink.Degree.GENERAL:
        link.period = _observe(actor, case, person, degree, last, traced_on)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:  # the same person traced a moment ago by someone else
        raise ValidationError(
            _("%(name)s is already a contact of this case.") % {"name": person.name}
        ) from None
    audit.record(
        actor=actor,
        action="contact.create",
        target=link,
        area=link.area_id,
        changes={
            "case": [None, case.label],
            "degree": [None, degree],
            "last_exposure": [None, last.isoformat()],
        },
    )
    return link


def _observe(actor, case, person, degree, last: date, traced_on: date) -> Period | None:
    """The contact's observation period: opened, or the open one extended to this exposure's end."""
    reason = Period.Reason.CONTACT if degree == ContactLink.Degree.CLOSE else Period.Reason.SECONDARY_CONTACT
    detail = _("Contact of %(case)s") % {"case": case.label or case.display_name}
    rules = rules_in_force(person.area_id).rules
    stages = rules.plan_for(reason)
    if not stages:
        return None  # the edition in force observes no one for this (secondary contacts before the 7th)
    end = protocol.plan_period(rules, stages, last).end
    if end <= traced_on:
        return None  # the days are all served: traced, not observed
    period = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    if period is None:
        return observation.period_open(
            actor=actor,
            person=person,
            reason=reason,
            exposure_date=last,
            reason_detail=detail,
            opened_on=traced_on,
        )
    if end > period.planned_end:
        period = observation.period_set_end(actor=actor, period=period, planned_end=end, reason=detail)
    return period


@transaction.atomic
def contact_to_case(
    *,
    actor: User,
    link: ContactLink,
    classification: str,
    classified_on: date | None = None,
    data: dict | None = None,
) -> Case:
    """A contact became a case: their case is registered with this link's case as its source, and
    their own contacts can be traced in turn."""
    require_role(actor, link.case.area_id, *CASE_WORKERS)
    existing = Case.objects.filter(person_id=link.person_id).first()
    if existing is not None:
        raise ValidationError(_("%(name)s is already registered as a case.") % {"name": link.person.name})
    return case_register(
        actor=actor, classification=classification, person=link.person, classified_on=classified_on, data=data
    )


@transaction.atomic
def contact_remove(*, actor: User, link: ContactLink, reason: str) -> None:
    """Take back a contact traced by mistake, with a reason. Their observation period stays: ending it
    is a decision of its own."""
    require_role(actor, link.case.area_id, *CASE_WORKERS)
    reason = _text(reason, "reason", 200)
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    if link.secondary.exists():
        raise ValidationError(_("Remove the secondary contacts traced through this person first."))
    audit.record(
        actor=actor,
        action="contact.delete",
        target=link,
        area=link.area_id,
        changes={"case": [link.case.label, None], "person": [link.person.name, None]},
        reason=reason,
    )
    link.placements.update(contact=None)
    link.delete()
