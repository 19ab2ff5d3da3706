"""Reads of people and arrivals: search, ledgers, a person's timeline. All through the scope."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cordon.accounts.permissions import PERSON_DATA_READERS
from cordon.accounts.scope import has_role, visible_prefixes
from cordon.core.privacy import mask_document, mask_phone
from cordon.core.search import prefix_q
from cordon.people import validation
from cordon.people.models import Arrival, Person, RiskCategory

_DIGITS = re.compile(r"^[0-9]+[0-9X]?$")
_LETTERS = re.compile(r"^[a-z]+$")


def document_holder(kind: str, number: str) -> Person | None:
    """Who holds a document number, wherever they live: the one read across areas, because a number
    belongs to one person only. Callers reveal only *that* it is taken, never by whom or where."""
    from cordon.people.services import holders

    return holders(kind, [number]).only("id", "area_id").first()


_REFERENCE = re.compile(r"^#(\d{1,12})(?:\s|$)")


def picked_person(user, text: str) -> Person | None:
    """The person a form's person picker chose ("#123 尹某某", what the picker writes into the field in
    place of an ID number), inside the user's areas; None when ``text`` is not such a reference. A
    reference to someone the user may not see is refused as one to nobody."""
    match = _REFERENCE.match((text or "").strip())
    if match is None:
        return None
    person = Person.objects.visible_to(user).filter(pk=int(match.group(1))).first()
    if person is None:
        numbers = match.group(0).strip()
        raise ValidationError(_("Not registered in your areas: %(numbers)s.") % {"numbers": numbers})
    return person


def person_search(user, query: str, *, limit: int = 20) -> list[Person]:
    """People matching a name, pinyin or initials ("zs" finds 张三), the last digits of a document
    number, or a phone number — each an indexed prefix match inside the user's areas.

    The search column's index does the work: the scope is checked without an index (see
    ``visible_to_unindexed``), candidates are capped before they are sorted by name, and the two
    phone columns are asked one at a time, so each query reads a few index entries even in a
    registry of a million people.
    """
    q = validation.compact(validation.normalize(query or "")).upper()
    if not q:
        return []
    people = Person.objects.visible_to_unindexed(user).select_related("area").order_by()
    if _DIGITS.match(q):
        if len(q) == 11 and q.startswith("1"):
            # The second phone has a partial index (where filled): the query names its condition.
            matches = [Q(phone=q), Q(phone_other=q) & ~Q(phone_other="")]
        elif len(q) in (15, 18):
            with suppress(ValidationError):  # an old 15-digit card finds its 18-digit registration
                q = validation.parse_id_number(q, today=date.today()).number
            # As the unique index on (type, number) is defined: the type, and a number is there.
            matches = [Q(document_type="mainland_id", document_number=q) & ~Q(document_number="")]
        else:
            matches = [prefix_q("document_reversed", q[::-1])]
            if len(q) >= 7:
                matches += [prefix_q("phone", q), prefix_q("phone", "0" + q)]
    elif _LETTERS.match(q.lower()):
        matches = [prefix_q("name_initials", q.lower()), prefix_q("name_pinyin", q.lower())]
    else:
        matches = [prefix_q("name", validation.normalize(query))]
    found: dict[int, Person] = {}
    cap = limit * 10
    for match in matches:
        for person in people.filter(match)[:cap]:
            found.setdefault(person.pk, person)
    return sorted(found.values(), key=lambda p: (p.name, p.pk))[:limit]


@dataclass
class LedgerFilters:
    category: str = ""
    area_code: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""


def ledger_arrivals(user, filters: LedgerFilters, roles=None):
    """Arrivals of one ledger (category) in the user's areas (reached through ``roles``, when given),
    newest first, with their people.

    Ordered by the ledger index (area, category, arrival date) so a page is an index walk even over
    a million rows.
    """
    # A village's scope is a narrow index range; a town's is every row, and an index walk over it
    # (then a sort of a million rows) is what made a commander's ledger take seconds. Then the scope
    # is checked row by row while the day (or category-and-day) index gives the newest rows first.
    narrow = filters.area_code or all(len(p) >= 12 for p in visible_prefixes(user, roles) if p)
    scoped = (
        Arrival.objects.visible_to(user, roles)
        if narrow
        else Arrival.objects.visible_to_unindexed(user, roles)
    )
    arrivals = scoped.select_related("person", "area", "category")
    if filters.category:
        arrivals = arrivals.filter(category_id=filters.category)
    if filters.area_code:
        arrivals = arrivals.within(filters.area_code)
    if filters.date_from:
        arrivals = arrivals.filter(arrival_date__gte=filters.date_from)
    if filters.date_to:
        arrivals = arrivals.filter(arrival_date__lte=filters.date_to)
    if filters.status:
        arrivals = arrivals.filter(status=filters.status)
    return arrivals.order_by("-arrival_date", "-id")


def ledger_counts(user, filters: LedgerFilters) -> dict[str, int]:
    """How many arrivals each category holds under the same filters (bar the category): one query."""
    unfiltered = LedgerFilters(**{**filters.__dict__, "category": ""})
    rows = ledger_arrivals(user, unfiltered).order_by().values("category_id").annotate(n=Count("id"))
    return {row["category_id"]: row["n"] for row in rows}


def categories() -> list[RiskCategory]:
    """The ledger categories in their order (deployment-wide settings, not scoped records)."""
    return list(RiskCategory.objects.order_by("priority", "code"))


def category(code: str) -> RiskCategory:
    return RiskCategory.objects.get(code=code)


def shows_full_data(user, person: Person) -> bool:
    """Whether the user's role at the person's village needs whole document numbers and phones."""
    return has_role(user, person.area_id, *PERSON_DATA_READERS)


def masked_view(person: Person, full: bool) -> dict:
    """The personal numbers of a person as this viewer may see them."""
    if full:
        return {
            "document_number": person.document_number,
            "phone": person.phone,
            "phone_other": person.phone_other,
        }
    return {
        "document_number": mask_document(person.document_number),
        "phone": mask_phone(person.phone),
        "phone_other": mask_phone(person.phone_other),
    }


def person_timeline(user, person: Person) -> list[dict]:
    """What happened to a person, newest first: arrivals now; later modules add their records here."""
    events = []
    for arrival in person.arrivals.visible_to(user).select_related("category", "screened_by"):
        events.append({"date": arrival.arrival_date, "kind": "arrival", "object": arrival})
    events.sort(key=lambda e: e["date"], reverse=True)
    return events
