"""A person's status colour, from Cordon's own records, by their town's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from cordon.cases.models import Case, Placement
from cordon.colours import rules as colour_rules
from cordon.colours.models import ColourRules
from cordon.lockdowns.models import ExitPass, Lockdown
from cordon.observation.models import Alert, Period


@dataclass
class Reason:
    fact: str
    label: str
    colour: str
    since: date | None


@dataclass
class Colour:
    colour: str
    since: date | None = None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(colour_rules.COLOURS[self.colour])

    def as_dict(self) -> dict:
        return {
            "colour": self.colour,
            "colour_label": self.label,
            "colour_since": self.since.isoformat() if self.since else None,
            "colour_reasons": [str(r.label) for r in self.reasons],
        }


def town_of(area_code: str) -> str:
    return area_code[:9] + "000"


def rules_for(area_code: str) -> dict:
    """The rules in force for a person of this area: their town's, else the defaults."""
    row = ColourRules.objects.filter(area_id=town_of(area_code)).only("rules").first()
    return colour_rules.clean_rules(row.rules)[0] if row else dict(colour_rules.DEFAULT_RULES)


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def facts_of(person, *, now: datetime | None = None) -> dict[str, date | None]:
    """Which facts hold for the person now, each with the day it began (one query per kind of fact)."""
    now = now or timezone.now()
    found: dict[str, date | None] = {}
    case = (
        Case.objects.filter(
            person=person,
            classification__in=[
                Case.Classification.SUSPECTED,
                Case.Classification.CONFIRMED,
                Case.Classification.ASYMPTOMATIC,
            ],
        )
        .exclude(outcome__in=[Case.Outcome.DISCHARGED, Case.Outcome.DIED])
        .first()
    )
    if case is not None:
        found["case"] = case.confirmed_on or _day(case.created_at)
    stay = Placement.objects.filter(person=person, left_on__isnull=True).first()
    if stay is not None:
        found["in_quarantine"] = stay.placed_on
    period = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    if period is not None:
        fact = "centralised_observation" if period.mode == Period.Mode.CENTRALISED else "home_observation"
        found[fact] = period.opened_on
        alert = Alert.objects.filter(period=period, closed_at__isnull=True).first()
        if alert is not None:
            found["open_alert"] = _day(alert.opened_at)
    area = person.area_id
    sealed = (
        Lockdown.objects.filter(ended_at__isnull=True, starts_at__lte=now, area_id__in=[area, area[:12]])
        .order_by("starts_at")
        .first()
    )
    if sealed is not None:
        has_pass = ExitPass.objects.filter(
            people=person, status=ExitPass.Status.APPROVED, valid_from__lte=now, valid_until__gte=now
        ).exists()
        if not has_pass:
            found["sealed_no_pass"] = _day(sealed.starts_at)
    return found


def person_colour(person, *, now: datetime | None = None, rules: dict | None = None) -> Colour:
    """The worst colour the person's facts give by the rules, its reasons and since when; green with
    no reasons when none holds."""
    rules = rules if rules is not None else rules_for(person.area_id)
    reasons = [
        Reason(fact=fact, label=colour_rules.FACTS[fact], colour=rules[fact], since=since)
        for fact, since in facts_of(person, now=now).items()
        if rules.get(fact)
    ]
    if not reasons:
        return Colour(colour=colour_rules.GREEN)
    worst = max(reasons, key=lambda r: colour_rules.RANK[r.colour]).colour
    kept = sorted(
        (r for r in reasons if r.colour == worst), key=lambda r: list(colour_rules.FACTS).index(r.fact)
    )
    days = [r.since for r in kept if r.since]
    return Colour(colour=worst, since=min(days) if days else None, reasons=kept)


def colour_dict(person) -> dict:
    """The colour for a gate check's answer (empty for someone not registered)."""
    return person_colour(person).as_dict() if person is not None else {}
