"""/api/v1/colours/: a person's status colour (with reasons and since when) and the towns' rules."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from cordon.accounts.models import Area
from cordon.accounts.scope import get_visible_or_404
from cordon.colours import rules as colour_rules
from cordon.colours import selectors, services
from cordon.people.models import Person

router = Router(tags=["colours"])


class ReasonOut(Schema):
    fact: str
    label: str
    colour: str
    since: date | None


class ColourOut(Schema):
    person: int
    colour: str
    label: str
    since: date | None
    reasons: list[ReasonOut]


class RulesOut(Schema):
    area: str
    rules: dict[str, str]
    facts: dict[str, str]


class RulesIn(Schema):
    rules: dict[str, str]


@router.get(
    "/people/{int:person_id}", response=ColourOut, summary="A person's status colour (not a health code)"
)
def person_colour(request, person_id: int):
    person = get_visible_or_404(Person.objects, request.user, pk=person_id)
    colour = selectors.person_colour(person)
    return {
        "person": person.pk,
        "colour": colour.colour,
        "label": colour.label,
        "since": colour.since,
        "reasons": [
            {"fact": r.fact, "label": str(r.label), "colour": r.colour, "since": r.since}
            for r in colour.reasons
        ],
    }


def _rules_out(code: str) -> dict:
    return {
        "area": code,
        "rules": selectors.rules_for(code),
        "facts": {k: str(v) for k, v in colour_rules.FACTS.items()},
    }


def _town(request, code: str) -> Area:
    # An area outside the reader's answers as one that does not exist.
    return get_visible_or_404(Area.objects, request.user, code=code[:15])


@router.get("/rules/{area}", response=RulesOut, summary="A town's status colour rules")
def rules_get(request, area: str):
    return _rules_out(_town(request, area).code)


@router.put("/rules/{area}", response=RulesOut, summary="Set a town's status colour rules (its commander)")
def rules_put(request, area: str, payload: RulesIn):
    town = _town(request, area)
    services.colour_rules_save(actor=request.user, area=town, rules=payload.rules)
    return _rules_out(town.code)
