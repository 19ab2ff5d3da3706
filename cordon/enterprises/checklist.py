"""The State Council's February 2020 list for reopening workplaces, as explicit items.

The same items are answered on a reopening application (what the enterprise has put in place) and
at an inspection (what the inspector found). Each answer is yes/no with a note; the dormitory item
carries its numbers (people per room, m² per person), which decide it: at most 6 per room and at
least 2.5 m² per person.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordon.people.validation import clean_text

ITEMS: tuple[tuple[str, Any], ...] = (
    ("movement_ledger", gettext_lazy("Staff movement ledger (where each person was, when they came back)")),
    ("severe_isolated", gettext_lazy("People from severely affected areas isolated before work")),
    ("dorm_temperature", gettext_lazy("Temperature taken twice a day for staff living in dormitories")),
    ("gate_temperature", gettext_lazy("Temperature taken at the gate")),
    ("entrance_registration", gettext_lazy("Everyone entering registered")),
    ("fingerprint_suspended", gettext_lazy("Fingerprint clocks suspended")),
    ("dormitory", gettext_lazy("Dormitory: at most 6 per room, at least 2.5 m² per person")),
    ("staggered_meals", gettext_lazy("Staggered meals, no gathering in the canteen")),
    ("isolation_room", gettext_lazy("A room to isolate anyone with a fever")),
    ("mask_bins", gettext_lazy("Bins for used masks")),
    ("health_report", gettext_lazy("Daily staff health report")),
)
KEYS = tuple(key for key, _label in ITEMS)
LABELS = dict(ITEMS)
# Items that only apply where staff sleep on site.
DORMITORY_ITEMS = ("dorm_temperature", "dormitory")
MAX_PER_ROOM = 6
MIN_M2_PER_PERSON = Decimal("2.5")
NOTE_LIMIT = 200


def dormitory_complies(people_per_room: int | None, m2_per_person: Decimal | None) -> bool:
    return (
        people_per_room is not None
        and m2_per_person is not None
        and people_per_room <= MAX_PER_ROOM
        and m2_per_person >= MIN_M2_PER_PERSON
    )


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"dorm_m2_per_person": [_("Enter a number, e.g. 3.5.")]}) from None
    if not number.is_finite():
        raise ValidationError({"dorm_m2_per_person": [_("Enter a number, e.g. 3.5.")]})
    return number


def clean_checklist(
    *, answers: dict, has_dormitory: bool, people_per_room: Any, m2_per_person: Any
) -> tuple[dict, int | None, Decimal | None]:
    """The checklist as stored — {key: {"ok": bool, "note": str}} for every item — and the dormitory
    numbers; or a ValidationError naming the field.

    With a dormitory its two numbers are required and must be above zero (a room of 0 m² or 0 people
    is a typing slip, not a dormitory); the dormitory item is "yes" only when the numbers comply.
    Without one, the dormitory items are not applicable and stored as such (ok None).
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict] = {}
    for key in KEYS:
        answer = answers.get(key) or {}
        if not isinstance(answer, dict):
            errors[key] = [_("Answer yes or no.")]
            continue
        ok = answer.get("ok")
        if not has_dormitory and key in DORMITORY_ITEMS:
            ok = None
        elif not isinstance(ok, bool):
            errors[key] = [_("Answer yes or no.")]
            continue
        try:
            note = clean_text(answer.get("note", ""), key, NOTE_LIMIT)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        cleaned[key] = {"ok": ok, "note": note}

    rooms, area = None, None
    if has_dormitory:
        try:
            rooms = None if people_per_room in (None, "") else int(people_per_room)
        except (TypeError, ValueError):
            errors["dorm_people_per_room"] = [_("Enter a whole number.")]
        try:
            area = _decimal(m2_per_person)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if rooms is None and "dorm_people_per_room" not in errors:
            errors["dorm_people_per_room"] = [_("Enter how many people sleep in one room.")]
        elif rooms is not None and rooms <= 0:
            errors["dorm_people_per_room"] = [_("A room holds at least one person.")]
        if area is None and "dorm_m2_per_person" not in errors:
            errors["dorm_m2_per_person"] = [_("Enter the floor area per person in m².")]
        elif area is not None and area <= 0:
            errors["dorm_m2_per_person"] = [_("The area per person must be above 0 m².")]
        elif area is not None and area >= 1000:
            errors["dorm_m2_per_person"] = [_("At most 999.9 m² per person.")]
        if not errors and cleaned.get("dormitory", {}).get("ok") and not dormitory_complies(rooms, area):
            errors["dormitory"] = [
                _(
                    "%(rooms)s per room and %(area)s m² per person do not meet the rule "
                    "(at most 6 per room, at least 2.5 m² each): answer no."
                )
                % {"rooms": rooms, "area": area}
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned, rooms, (area.quantize(Decimal("0.1")) if area is not None else None)


def rows(checklist: dict) -> list[tuple[str, Any, bool | None, str]]:
    """(key, label, ok, note) for display, in the list's order."""
    return [
        (key, label, (checklist.get(key) or {}).get("ok"), (checklist.get(key) or {}).get("note", ""))
        for key, label in ITEMS
    ]


def failed(checklist: dict) -> list[str]:
    """The keys answered "no"."""
    return [key for key in KEYS if (checklist.get(key) or {}).get("ok") is False]


def labels_of(keys) -> list[str]:
    """The items' labels, for the audit trail a person reads (the keys are for the code)."""
    return [str(LABELS.get(key, key)) for key in keys]
