"""Registering a case in one step, as the page and the API both do it: the person (chosen, or found
by ID number in the actor's areas), the case with its number, and the source case the person caught
it from — registered here or known elsewhere by its number — all or nothing.

Nothing typed is dropped: a source case half given (a number without its authority, an exposure
without the case) is refused with the field named, never saved as a case without a source.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.cases import selectors
from cordon.cases.models import Case, ContactLink
from cordon.cases.services import EntryErrors, case_register, contact_add, external_case
from cordon.people.models import Person
from cordon.people.validation import clean_text

SOURCE_FIELDS = ("source_authority", "source_number", "source_setting", "source_last_exposure")


def _clean_source(source: dict | None) -> dict | None:
    """The source case as given, or None when none of its fields was given; a half-given one is
    refused field by field."""
    source = source or {}
    authority = clean_text(source.get("authority"), "source_authority", 40)
    number = clean_text(source.get("number"), "source_number", 20).removeprefix("第").removesuffix("例")
    setting = source.get("setting") or ""
    last = source.get("last_exposure")
    first = source.get("first_exposure")
    if not (authority or number or setting or last or first):
        return None
    errors: dict[str, list[str]] = {}
    if not number:
        errors["source_number"] = [_("Give the source case's number, or leave the source case empty.")]
    if not authority:
        errors["source_authority"] = [_("Say who numbered the source case, e.g. 廊坊市.")]
    if setting not in ContactLink.Setting.values:
        errors["source_setting"] = [_("Choose where the person met the source case.")]
    if last is None:
        errors["source_last_exposure"] = [_("Give when the person last met the source case.")]
    if errors:
        raise ValidationError(errors)
    return {"authority": authority, "number": number, "setting": setting, "last": last, "first": first}


@transaction.atomic
def case_register_with_source(
    *,
    actor: User,
    classification: str,
    person: Person | None = None,
    document_number: str = "",
    area: Area | None = None,
    classified_on: date | None = None,
    data: dict | None = None,
    source: dict | None = None,
) -> Case:
    """Register a case and link it to its source case, all or nothing.

    ``person`` is a person of the actor's areas (or ``document_number`` finds one there); without
    either the case is known only elsewhere, recorded in ``area``. ``source`` holds ``authority``,
    ``number``, ``setting``, ``last_exposure`` (and optionally ``first_exposure``): the person becomes
    a close contact of that case — the one registered under that number, or a new case known only
    elsewhere — before becoming a case themselves, so the chain runs through them. There is no
    default classification: the health worker's choice is required.
    """
    if person is None and (document_number or "").strip():
        person = selectors.person_by_document(actor, document_number)
        if person is None:
            raise ValidationError({"document_number": [_("No person with this ID number in your areas.")]})
    cleaned_source = _clean_source(source)
    if cleaned_source is not None and person is None:
        raise ValidationError(
            {
                "source_number": [
                    _(
                        "A case known only elsewhere is not linked to a source here: register its "
                        "person first."
                    )
                ]
            }
        )
    if classification not in Case.Classification.values:
        raise ValidationError({"classification": [_("Choose a classification.")]})
    if cleaned_source is not None:
        _link_to_source(actor, person, cleaned_source)
    return case_register(
        actor=actor,
        classification=classification,
        person=person,
        area=area if person is None else None,
        classified_on=classified_on,
        data=data,
    )


def _link_to_source(actor: User, person: Person, source: dict) -> None:
    case = external_case(
        actor=actor, area=person.area, authority=source["authority"], number=source["number"]
    )
    if case.person_id is not None and case.person_id == person.pk:
        raise ValidationError({"source_number": [_("The case cannot be their own source.")]})
    if ContactLink.objects.filter(case=case, person=person).exists():
        return  # traced as this case's contact before: that link leads to the new case
    try:
        contact_add(
            actor=actor,
            case=case,
            people=[{"person": person}],
            setting=source["setting"],
            first_exposure=source["first"],
            last_exposure=source["last"],
            observe=False,
        )
    except EntryErrors as error:
        raise ValidationError({"source_number": [m for ms in error.entries.values() for m in ms]}) from None
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                ("source_" + key if key in ("last_exposure", "setting") else "source_number"): messages
                for key, messages in error.message_dict.items()
            }
        ) from None
