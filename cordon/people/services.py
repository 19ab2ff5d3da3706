"""Every change to people, households and arrivals. Each checks the actor's role and writes the audit.

The same plain validation functions (``cordon.people.validation``) serve the forms, the API, the CLI
and the Excel importer, so a number refused on one is refused on all.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import PEOPLE_REGISTRARS, PEOPLE_SUPERVISORS
from cordon.accounts.scope import require_role
from cordon.core import audit
from cordon.core.privacy import mask_document, mask_phone
from cordon.people import identity, validation
from cordon.people.classify import classify, load_categories
from cordon.people.models import Arrival, Household, Person, RiskCategory
from cordon.people.origins import resolve_origin
from cordon.people.pinyin import name_keys
from cordon.people.signals import announce_arrivals

PERSON_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "document_number",
    "phone",
    "phone_other",
    "area",
    "address",
    "registered_address",
    "household",
    "note",
)
ARRIVAL_FIELDS = (
    "origin_text",
    "origin_code",
    "means",
    "plate",
    "transport_number",
    "route",
    "arrival_date",
    "category",
    "status",
    "screening_team",
    "note",
    "area",
)


# Django rebuilds a TextChoices' values on every access; these run on every imported row.
_DOCUMENTS = frozenset(Person.Document.values)
_SEXES = frozenset(["", *Person.Sex.values])
_MEANS = frozenset(["", *Arrival.Means.values])


def _masked(values: dict) -> dict:
    """A snapshot fit for the audit trail: personal numbers masked."""
    for key in ("document_number",):
        if values.get(key):
            values[key] = mask_document(values[key])
    for key in ("phone", "phone_other", "contact_phone"):
        if values.get(key):
            values[key] = mask_phone(values[key])
    return values


def _person_snapshot(person: Person) -> dict:
    return _masked(audit.snapshot(person, PERSON_FIELDS))


# --- Validation shared by the form, the API and the importer ------------------------------------------


def clean_person(data: dict, *, today: date) -> dict:
    """Normalise and check a person's fields; raise ValidationError({field: [message]}) for each problem.

    A mainland ID number decides sex and birth date; other documents are checked for shape only.
    """
    errors: dict[str, list] = {}
    cleaned: dict = {}

    def attempt(field, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return None

    cleaned["name"] = attempt("name", validation.parse_name, data.get("name") or "")
    kind = data.get("document_type") or Person.Document.MAINLAND_ID
    if kind not in _DOCUMENTS:
        errors.setdefault("document_type", []).append(_("Unknown kind of document."))
        kind = Person.Document.OTHER
    cleaned["document_type"] = kind
    raw_number = validation.compact(data.get("document_number") or "")
    cleaned["document_number"] = ""
    cleaned["sex"] = data.get("sex") or ""
    cleaned["birth_date"] = data.get("birth_date")
    if kind == Person.Document.NONE:
        pass
    elif raw_number:
        if kind == Person.Document.MAINLAND_ID:
            id_number = attempt("document_number", validation.parse_id_number, raw_number, today=today)
            if id_number is not None:
                cleaned.update(
                    document_number=id_number.number, sex=id_number.sex, birth_date=id_number.birth_date
                )
        else:
            number = attempt("document_number", validation.parse_document, kind, raw_number, today=today)
            if number is not None:
                cleaned["document_number"] = number if isinstance(number, str) else number[0]
    elif kind != Person.Document.NONE and data.get("document_required"):
        errors.setdefault("document_number", []).append(
            _("Enter the document number, or choose “No document”.")
        )
    if cleaned["sex"] not in _SEXES:
        errors.setdefault("sex", []).append(_("Unknown sex."))
    for field in ("phone", "phone_other"):
        raw = data.get(field) or ""
        cleaned[field] = attempt(field, validation.parse_phone, raw) if raw.strip() else ""
    for field, limit in (("address", 200), ("registered_address", 200), ("note", 500)):
        value = validation.normalize(data.get(field) or "")
        if len(value) > limit:
            errors.setdefault(field, []).append(_("Too long: at most %(max)s characters.") % {"max": limit})
        cleaned[field] = value[:limit]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_arrival(
    data: dict,
    *,
    today: date,
    resolve: bool = True,
    context_year: int | None = None,
    date_reference: date | None = None,
) -> dict:
    """Normalise and check an arrival's fields (origin, date, means, plate, numbers).

    ``resolve=False`` leaves the origin code to the caller (the importer resolves each text once).
    """
    errors: dict[str, list] = {}
    cleaned: dict = {}
    origin_text = validation.normalize(data.get("origin_text") or "")
    if not origin_text:
        errors["origin_text"] = [_("Enter where the person came from.")]
    elif len(origin_text) > 100:
        errors["origin_text"] = [_("Too long: at most %(max)s characters.") % {"max": 100}]
    cleaned["origin_text"] = origin_text[:100]
    origin = resolve_origin(origin_text) if origin_text and resolve else None
    cleaned["origin_code"] = origin.code if origin else ""
    arrival_date = data.get("arrival_date")
    try:
        arrival_date = (
            # A date without its year is read near the ledger's own dates (date_reference), not today.
            validation.parse_date(arrival_date, today=date_reference or today, context_year=context_year)
            if arrival_date not in (None, "")
            else None
        )
    except ValidationError as exc:
        errors["arrival_date"] = exc.messages
        arrival_date = None
    if arrival_date is None and "arrival_date" not in errors:
        errors["arrival_date"] = [_("Enter the arrival date.")]
    elif arrival_date and arrival_date > today:
        errors["arrival_date"] = [_("The arrival date %(date)s is in the future.") % {"date": arrival_date}]
    cleaned["arrival_date"] = arrival_date
    means = data.get("means") or ""
    if means not in _MEANS:
        errors["means"] = [_("Unknown means of travel.")]
    cleaned["means"] = means
    plate = data.get("plate") or ""
    try:
        cleaned["plate"] = validation.parse_plate(plate) if plate.strip() else ""
    except ValidationError as exc:
        errors["plate"] = exc.messages
    for field, limit in (("transport_number", 20), ("route", 200), ("screening_team", 60), ("note", 500)):
        value = validation.normalize(data.get(field) or "")
        if field == "transport_number":
            value = validation.compact(value).upper()
        if len(value) > limit:
            errors.setdefault(field, []).append(_("Too long: at most %(max)s characters.") % {"max": limit})
        cleaned[field] = value[:limit]
    if errors:
        raise ValidationError(errors)
    return cleaned


def search_keys(person: Person) -> None:
    """Fill the derived search columns from the name and the document number."""
    person.name_pinyin, person.name_initials = name_keys(person.name)
    person.document_reversed = person.document_number[::-1]


# --- People --------------------------------------------------------------------------------------------


def holders(document_type: str, numbers) -> models.QuerySet:
    """People holding these numbers, asked so that the partial unique index on (type, number) answers:
    the type, the index's condition (a number is there) and no ordering — 1,444 ms → 0.2 ms at a
    million people on SQLite."""
    return Person.objects.filter(
        ~Q(document_number=""), document_type=document_type, document_number__in=numbers
    ).order_by()


def _existing_holder(document_type: str, number: str, *, exclude_pk=None) -> Person | None:
    if not number:
        return None
    found = holders(document_type, [number])
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def _same_person_without_document(area: Area, cleaned: dict) -> Person | None:
    keys = [("phone", cleaned["phone"]), ("address", cleaned["address"])]
    query = Q()
    for field, value in keys:
        if value:
            query |= Q(**{field: value})
    if not query:
        return None
    return Person.objects.filter(query, area=area, name=cleaned["name"], document_number="").first()


def _over(record, data: dict, fields) -> dict:
    """``data`` over what ``record`` holds: a field left out or blank keeps the stored value."""
    merged = {name: getattr(record, name) for name in fields if name not in ("area", "household")}
    merged.update({k: v for k, v in data.items() if v not in (None, "")})
    return merged


# The person exists, but outside the actor's areas: say only that, never where or who.
REGISTERED_ELSEWHERE = gettext_lazy(
    "This number is registered in another village; ask the town's command centre."
)


def _refuse_elsewhere() -> ValidationError:
    return ValidationError({"document_number": [REGISTERED_ELSEWHERE]})


@transaction.atomic
def person_save(
    *, actor: User, area: Area, data: dict, person: Person | None = None, partial: bool = False
) -> tuple[Person, bool]:
    """Register a person, or update one. A known document number updates the person who holds it.

    Returns (person, created). Refuses a number held by a person outside the actor's areas. With
    ``partial`` (a registration of a known person, an API PATCH), a field left out or blank keeps
    what is stored; the edit page, which shows every field, saves them all.
    """
    require_role(actor, area, *PEOPLE_REGISTRARS)
    try:
        with transaction.atomic():
            return _person_save(actor=actor, area=area, data=data, person=person, partial=partial)
    except IntegrityError:
        # Someone registered the same number a moment ago (between our check and our insert): now it
        # is a known number, and the person who holds it is updated like any known number.
        taken = ValidationError({"document_number": [_("Another person already holds this number.")]})
        if person is not None:
            raise taken from None
        try:
            with transaction.atomic():
                return _person_save(actor=actor, area=area, data=data, person=None, partial=True)
        except IntegrityError:
            raise taken from None


def _person_save(*, actor, area, data, person, partial) -> tuple[Person, bool]:
    today = timezone.localdate()
    if partial and person is not None:
        data = _over(person, data, PERSON_FIELDS)
    cleaned = clean_person(data, today=today)
    holder = _existing_holder(
        cleaned["document_type"], cleaned["document_number"], exclude_pk=person.pk if person else None
    )
    if holder is None and person is None and not cleaned["document_number"]:
        # Without a document, the same name with the same phone (or address) in the village is the
        # same person — the rule the importer follows — so a second registration updates, not doubles.
        holder = _same_person_without_document(area, cleaned)
    if holder is not None and person is None and partial:
        cleaned = clean_person(_over(holder, data, PERSON_FIELDS), today=today)
    if holder is not None:
        if not Person.objects.visible_to(actor).filter(pk=holder.pk).exists():
            raise _refuse_elsewhere()
        if person is not None:
            raise ValidationError({"document_number": [_("Another person already holds this number.")]})
        person = holder
        found = True
    else:
        found = False
    created = person is None
    if created:
        person = Person(area=area, created_by=actor)
        before = {}
    else:
        person = Person.objects.select_for_update().get(pk=person.pk)
        require_role(actor, person.area_id, *PEOPLE_REGISTRARS)
        if found:
            # Found by what was typed, not chosen: a registration names the person, it neither
            # renames nor moves them (their page does that, on purpose).
            identity.refuse_name_conflict(holder=person, given_name=cleaned["name"], viewer=actor)
            identity.refuse_move(holder=person, area=area, viewer=actor)
        before = _person_snapshot(person)
        if person.area_id != area.code and not found:
            require_role(actor, area, *PEOPLE_REGISTRARS)
            person.area = area
    for field, value in cleaned.items():
        setattr(person, field, value)
    search_keys(person)
    person.updated_at = timezone.now()
    person.full_clean(validate_constraints=False)
    person.save()
    changes = audit.diff(before, _person_snapshot(person))
    if changes:
        action = "person.update" if "area" not in changes else "person.transfer"
        audit.record(
            actor=actor,
            action="person.create" if created else action,
            target=person,
            area=person.area_id,
            changes=changes,
        )
    return person, created


@transaction.atomic
def arrival_save(
    *,
    actor: User,
    person: Person,
    data: dict,
    arrival: Arrival | None = None,
    categories: list[RiskCategory] | None = None,
    partial: bool = False,
) -> tuple[Arrival, bool]:
    """Record an arrival of ``person``, or update one. One arrival per person and day: the same day
    again updates it (with ``partial``, blank fields keep what is stored). A new arrival is filed by
    the deployment's rules; one already filed moves only when its origin changes, never because the
    rules changed since — and never when it was classified by hand."""
    require_role(actor, person.area_id, *PEOPLE_REGISTRARS)
    today = timezone.localdate()
    cleaned = clean_arrival(data, today=today)
    if arrival is None:
        arrival = Arrival.objects.filter(person=person, arrival_date=cleaned["arrival_date"]).first()
        if arrival is not None and partial:
            cleaned = clean_arrival(_over(arrival, data, ARRIVAL_FIELDS), today=today)
    elif (
        Arrival.objects.filter(person=person, arrival_date=cleaned["arrival_date"])
        .exclude(pk=arrival.pk)
        .exists()
    ):
        raise ValidationError({"arrival_date": [_("This person already has an arrival on that day.")]})
    created = arrival is None
    if created:
        arrival = Arrival(person=person, area_id=person.area_id, screened_by=actor)
        before = {}
    else:
        arrival = Arrival.objects.select_for_update().get(pk=arrival.pk)
        before = audit.snapshot(arrival, ARRIVAL_FIELDS)
    origin_moved = created or before.get("origin_code") != cleaned["origin_code"]
    for field, value in cleaned.items():
        setattr(arrival, field, value)
    if origin_moved and not arrival.category_manual:
        category = classify(
            categories if categories is not None else load_categories(),
            origin_code=arrival.origin_code,
            area_code=arrival.area_id,
            arrival_date=arrival.arrival_date,
        )
        if category is None:
            raise ValidationError({"origin_text": [_("No ledger category applies to this origin and date.")]})
        arrival.category = category
    arrival.updated_at = timezone.now()
    arrival.full_clean(validate_constraints=False)
    arrival.save()
    changes = audit.diff(before, audit.snapshot(arrival, ARRIVAL_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="arrival.create" if created else "arrival.update",
            target=person,
            area=arrival.area_id,
            changes=changes,
        )
    if created:
        # Observation opens a period when the rules in force observe this arrival's ledger.
        announce_arrivals(actor=actor, area=arrival.area_id, people=[person.pk])
    return arrival, created


@transaction.atomic
def register(
    *, actor: User, area: Area, person_data: dict, arrival_data: dict
) -> tuple[Person, Arrival, bool]:
    """The one-form registration: a person and their arrival, both or neither.

    Errors of both halves are reported together, so the clerk fixes everything in one go.
    """
    errors = {}
    today = timezone.localdate()
    for clean, data in ((clean_person, person_data), (clean_arrival, arrival_data)):
        try:
            clean(data, today=today)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    person, created = person_save(actor=actor, area=area, data=person_data, partial=True)
    arrival, _created = arrival_save(actor=actor, person=person, data=arrival_data, partial=True)
    return person, arrival, created


@transaction.atomic
def arrival_reclassify(*, actor: User, arrival: Arrival, category: RiskCategory, reason: str) -> Arrival:
    """Put an arrival in another ledger by hand, with a reason; the rules no longer move it."""
    require_role(actor, arrival.area_id, *PEOPLE_SUPERVISORS)
    reason = validation.normalize(reason or "")
    if not reason:
        raise ValidationError({"reason": [_("Say why the category is changed.")]})
    arrival = Arrival.objects.select_for_update().get(pk=arrival.pk)
    before = audit.snapshot(arrival, ("category", "category_manual"))
    arrival.category = category
    arrival.category_manual = True
    arrival.category_reason = reason[:200]
    arrival.updated_at = timezone.now()
    arrival.save(update_fields=["category", "category_manual", "category_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="arrival.reclassify",
        target=arrival.person,
        area=arrival.area_id,
        changes=audit.diff(before, audit.snapshot(arrival, ("category", "category_manual"))),
        reason=reason,
    )
    return arrival


@transaction.atomic
def person_merge(*, actor: User, keep: Person, duplicate: Person, reason: str) -> Person:
    """Merge two records of one person (typically registered twice without a document).

    ``keep`` takes the other's arrivals and any field it lacks. Two arrivals on the same day are one
    arrival: ``keep``'s stays and takes what only the other held (plate, route, note…), and the other
    is written to the audit entry in full — a hand-made category stays with whichever had one.
    ``duplicate`` is deleted, its full record kept in the audit entry. Two different document numbers
    are never merged.
    """
    require_role(actor, keep.area_id, *PEOPLE_SUPERVISORS)
    require_role(actor, duplicate.area_id, *PEOPLE_SUPERVISORS)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    if (
        keep.document_number
        and duplicate.document_number
        and (
            keep.document_number != duplicate.document_number or keep.document_type != duplicate.document_type
        )
    ):
        raise ValidationError(_("The two records carry different document numbers: they are two people."))
    reason = validation.normalize(reason or "")
    if not reason:
        raise ValidationError({"reason": [_("Say why these are the same person.")]})
    before = _person_snapshot(keep)
    removed = _person_snapshot(duplicate)
    for field in ("sex", "birth_date", "phone", "phone_other", "address", "registered_address", "household"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    if not keep.document_number and duplicate.document_number:
        keep.document_type, keep.document_number = duplicate.document_type, duplicate.document_number
        duplicate.document_number = ""
        duplicate.save(update_fields=["document_number"])
    kept = {a.arrival_date: a for a in keep.arrivals.select_for_update()}
    folded = []
    for other in duplicate.arrivals.filter(arrival_date__in=list(kept)):
        mine = kept[other.arrival_date]
        for field in ("origin_code", "means", "plate", "transport_number", "route", "screening_team", "note"):
            if not getattr(mine, field) and getattr(other, field):
                setattr(mine, field, getattr(other, field))
        if other.category_manual and not mine.category_manual:
            mine.category_id, mine.category_manual, mine.category_reason = (
                other.category_id,
                True,
                other.category_reason,
            )
        mine.updated_at = timezone.now()
        mine.save()
        folded.append(audit.snapshot(other, ARRIVAL_FIELDS))
    moved = duplicate.arrivals.exclude(arrival_date__in=list(kept)).update(person=keep)
    _move_other_records(keep, duplicate)
    search_keys(keep)
    keep.updated_at = timezone.now()
    keep.save()
    label, pk = str(duplicate), duplicate.pk
    duplicate.delete()
    audit.record(
        actor=actor,
        action="person.merge",
        target=keep,
        area=keep.area_id,
        reason=reason[:200],
        changes={
            **audit.diff(before, _person_snapshot(keep)),
            "merged": [f"{label} #{pk}", None],
            "arrivals_moved": [None, moved],
            **({"arrivals_folded": [folded, None]} if folded else {}),
        },
    )
    audit.record(
        actor=actor,
        action="person.merged_away",
        target=Person(pk=pk, name=label),
        area=removed.get("area"),
        changes=audit.diff(removed, {}),
        reason=reason[:200],
    )
    return keep


def _move_other_records(keep: Person, duplicate: Person) -> None:
    """What other modules hold about the duplicate (observation periods, tests…) now belongs to the
    kept person: a merge never deletes a record through its person."""
    for relation in Person._meta.related_objects:
        if relation.related_model is Arrival or not relation.one_to_many:
            continue
        name = relation.field.name
        try:
            with transaction.atomic():
                relation.related_model._base_manager.filter(**{name: duplicate}).update(**{name: keep})
        except IntegrityError:
            raise ValidationError(
                _("Both records have a record of the same kind still open (%(kind)s): close one first.")
                % {"kind": relation.related_model._meta.verbose_name}
            ) from None


@transaction.atomic
def household_assign(*, actor: User, person: Person, address: str, contact_phone: str = "") -> Household:
    """Put a person in the household at ``address`` in their village, making it if it is new."""
    require_role(actor, person.area_id, *PEOPLE_REGISTRARS)
    address = validation.normalize(address or "")
    if not address:
        raise ValidationError({"address": [_("Enter the household's address.")]})
    if len(address) > 200:
        raise ValidationError({"address": [_("Too long: at most %(max)s characters.") % {"max": 200}]})
    phone = validation.parse_phone(contact_phone) if (contact_phone or "").strip() else ""
    household, _created = Household.objects.get_or_create(
        area_id=person.area_id, address=address, defaults={"contact_phone": phone}
    )
    if phone and household.contact_phone != phone:
        household.contact_phone = phone
        household.save(update_fields=["contact_phone"])
    before = _person_snapshot(person)
    Person.objects.filter(pk=person.pk).update(household=household, updated_at=timezone.now())
    person.household = household
    audit.record(
        actor=actor,
        action="person.update",
        target=person,
        area=person.area_id,
        changes=audit.diff(before, _person_snapshot(person)),
    )
    return household
