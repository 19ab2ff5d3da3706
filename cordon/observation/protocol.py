"""Protocol editions as data, and the date arithmetic they drive.

The national rules for close contacts and incoming people changed ten times between 2020 and 2022
(see the brief, section 4). Cordon keeps each edition's values as JSON (``ProtocolEdition.rules``); a
deployment picks an edition for its town and may override any value (``ProtocolChoice``). ``Rules``
is that JSON, checked; ``plan_period`` turns rules and an exposure date into the dates of a period.

Day numbering. The national texts never settled whether the exposure day is day 0 or day 1, so it is
a setting (``day_zero``, default day 0). A stage starting on S with N days:

    day 0 convention: day k is S + k,     the stage ends (release) on S + N
    day 1 convention: day k is S + k − 1, the stage ends (release) on S + N − 1

A chained plan (e.g. 14 d centralised + 7 d home monitoring) starts each stage on the day the previous
one ended, with its own day numbers for its test days (the 8th edition's "then D2, D7 at home").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MODES = {
    "home": gettext_lazy("Home observation"),
    "centralised": gettext_lazy("Centralised observation"),
    "monitoring": gettext_lazy("Health monitoring"),
}
REASONS = {
    "arrival": gettext_lazy("Arrival"),
    "contact": gettext_lazy("Close contact of a case"),
    "secondary_contact": gettext_lazy("Secondary contact"),
    "fever": gettext_lazy("Fever referral"),
    "manual": gettext_lazy("Opened by hand"),
}

# The checks a day holds, by checks per day, and the hour by which each is due (local time). A check
# not entered by then is missed ("not reporting"), its own state.
SLOTS = {1: ("day",), 2: ("am", "pm")}
SLOT_LABELS = {
    "day": gettext_lazy("Daily"),
    "am": gettext_lazy("Morning"),
    "pm": gettext_lazy("Evening"),
    "extra": gettext_lazy("Re-measured"),
}
SLOT_DEADLINES = {"day": time(22), "am": time(12), "pm": time(22)}
# From this hour on, the evening check is the one being taken.
EVENING_FROM = time(14)

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")
MAX_STAGE_DAYS = 60
MAX_TEST_DAY = 60


@dataclass(frozen=True)
class Stage:
    mode: str
    days: int
    tests: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rules:
    """The values one period is planned with: an edition's, with the deployment's overrides."""

    edition: str = ""
    day_zero: bool = True
    fever_threshold: Decimal = Decimal("37.3")
    checks_per_day: int = 2
    symptoms: tuple[str, ...] = ()
    # Close-contact look-back: days before the case's onset (0: from the onset); None: not defined.
    lookback_days: int | None = 0
    # Ledger categories (RiskCategory codes) whose arrivals are put under observation.
    arrival_categories: tuple[str, ...] = ()
    plans: dict[str, tuple[Stage, ...]] = field(default_factory=dict)

    # --- JSON ------------------------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: dict, *, edition: str = "") -> Rules:
        """Rules from their JSON; a ValidationError names each value that is wrong, in the user's words."""
        if not isinstance(data, dict):
            raise ValidationError(_("The rules must be a set of named values."))
        errors: dict[str, list[str]] = {}

        def fail(key, message):
            errors.setdefault(key, []).append(str(message))

        day_zero = data.get("day_zero", True)
        if not isinstance(day_zero, bool):
            fail("day_zero", _("Say whether the exposure day is day 0."))
            day_zero = True
        threshold = parse_temperature(
            data.get("fever_threshold", "37.3"), field="fever_threshold", errors=errors
        )
        checks = data.get("checks_per_day", 2)
        if checks not in SLOTS:
            fail("checks_per_day", _("Checks per day must be 1 or 2."))
            checks = 2
        symptoms = data.get("symptoms", [])
        if not isinstance(symptoms, list | tuple) or not all(
            isinstance(s, str) and s.strip() for s in symptoms
        ):
            fail("symptoms", _("List the symptoms as words."))
            symptoms = []
        symptoms = tuple(dict.fromkeys(s.strip()[:20] for s in symptoms))
        if len(symptoms) > 20:
            fail("symptoms", _("At most 20 symptoms."))
        lookback = data.get("lookback_days", 0)
        if lookback is not None and (
            not isinstance(lookback, int) or isinstance(lookback, bool) or not 0 <= lookback <= 30
        ):
            fail("lookback_days", _("The look-back is a number of days from 0 to 30, or empty."))
            lookback = 0
        categories = data.get("arrival_categories", [])
        if not isinstance(categories, list | tuple) or not all(isinstance(c, str) for c in categories):
            fail("arrival_categories", _("List the ledger categories by their codes."))
            categories = []
        plans = {}
        raw_plans = data.get("plans", {})
        if not isinstance(raw_plans, dict):
            fail("plans", _("The plans must be given per reason."))
            raw_plans = {}
        for reason, stages in raw_plans.items():
            if reason not in REASONS:
                fail("plans", _("Unknown reason: %(reason)s") % {"reason": str(reason)[:30]})
                continue
            parsed = _stages(stages, reason, fail)
            if parsed:
                plans[reason] = parsed
        if errors:
            raise ValidationError(errors)
        return cls(
            edition=edition,
            day_zero=day_zero,
            fever_threshold=threshold,
            checks_per_day=checks,
            symptoms=symptoms,
            lookback_days=lookback,
            arrival_categories=tuple(categories),
            plans=plans,
        )

    def to_json(self) -> dict:
        return {
            "day_zero": self.day_zero,
            "fever_threshold": str(self.fever_threshold),
            "checks_per_day": self.checks_per_day,
            "symptoms": list(self.symptoms),
            "lookback_days": self.lookback_days,
            "arrival_categories": list(self.arrival_categories),
            "plans": {
                reason: [{"mode": s.mode, "days": s.days, "tests": list(s.tests)} for s in stages]
                for reason, stages in self.plans.items()
            },
        }

    def merged(self, overrides: dict) -> Rules:
        """These rules with a deployment's overrides laid over them (a plan is replaced whole)."""
        data = self.to_json()
        for key, value in (overrides or {}).items():
            if key == "plans":
                data["plans"] = {**data["plans"], **value}
            else:
                data[key] = value
        return Rules.from_json(data, edition=self.edition)

    # --- what the rules say ----------------------------------------------------------------------

    @property
    def slots(self) -> tuple[str, ...]:
        return SLOTS[self.checks_per_day]

    def plan_for(self, reason: str) -> tuple[Stage, ...]:
        return self.plans.get(reason, ())

    def is_fever(self, temperature: Decimal | None) -> bool:
        return temperature is not None and temperature >= self.fever_threshold


def _stages(stages, reason, fail) -> tuple[Stage, ...]:
    if not isinstance(stages, list | tuple) or len(stages) > 3:
        fail("plans", _("A plan is a list of at most three stages."))
        return ()
    parsed = []
    for stage in stages:
        if not isinstance(stage, dict):
            fail("plans", _("Each stage has a mode and a number of days."))
            continue
        mode, days, tests = stage.get("mode"), stage.get("days"), stage.get("tests", [])
        if mode not in MODES:
            fail("plans", _("Unknown observation mode: %(mode)s") % {"mode": str(mode)[:30]})
            continue
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_STAGE_DAYS:
            fail(
                "plans",
                _("%(reason)s: a stage lasts 1 to %(max)s days.")
                % {"reason": REASONS[reason], "max": MAX_STAGE_DAYS},
            )
            continue
        if not isinstance(tests, list | tuple) or not all(
            isinstance(t, int) and not isinstance(t, bool) and 0 <= t <= min(days, MAX_TEST_DAY)
            for t in tests
        ):
            fail(
                "plans",
                _("%(reason)s: test days are day numbers within the stage (0 to %(days)s).")
                % {"reason": REASONS[reason], "days": days},
            )
            continue
        parsed.append(Stage(mode=mode, days=days, tests=tuple(sorted(set(tests)))))
    return tuple(parsed)


def parse_temperature(value, *, field: str = "temperature", errors: dict | None = None) -> Decimal | None:
    """A body temperature in °C with one decimal, 34.0 to 43.0; anything else is refused with a message.

    Accepts "36.5", "36,5", "３６．５" and 36.5; "365" (a missed decimal point) is refused, not guessed.
    """
    text = str(value if value is not None else "").strip()
    text = text.translate(str.maketrans("０１２３４５６７８９．，", "0123456789..")).replace(",", ".")
    text = text.removesuffix("℃").removesuffix("°C").removesuffix("°").strip()
    message = None
    try:
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        message = _("Enter the temperature in °C, for example 36.5.")
    else:
        if number != number.quantize(Decimal("0.1")):
            message = _("Give the temperature with one decimal, for example 36.5.")
        elif not TEMPERATURE_MIN <= number <= TEMPERATURE_MAX:
            message = _("%(value)s °C cannot be a body temperature: enter a value from 34.0 to 43.0.") % {
                "value": text[:8]
            }
    if message:
        if errors is not None:
            errors.setdefault(field, []).append(message)
            return Decimal("37.3")
        raise ValidationError({field: [message]})
    return number.quantize(Decimal("0.1"))


# --- Planning ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedStage:
    mode: str
    days: int
    start: date
    end: date
    test_days: tuple[date, ...] = ()

    def to_json(self) -> dict:
        return {
            "mode": self.mode,
            "days": self.days,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "test_days": [d.isoformat() for d in self.test_days],
        }

    @classmethod
    def from_json(cls, data: dict) -> PlannedStage:
        return cls(
            mode=data["mode"],
            days=data["days"],
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            test_days=tuple(date.fromisoformat(d) for d in data.get("test_days", [])),
        )


@dataclass(frozen=True)
class Plan:
    """The dates of one period: its stages in order, each with its release date and test days."""

    exposure: date
    stages: tuple[PlannedStage, ...]

    @property
    def end(self) -> date:
        return self.stages[-1].end

    @property
    def test_days(self) -> tuple[date, ...]:
        return tuple(sorted({d for stage in self.stages for d in stage.test_days}))

    def stage_on(self, day: date) -> PlannedStage:
        """The stage a day falls in (the last one from its end on)."""
        for stage in self.stages:
            if day < stage.end:
                return stage
        return self.stages[-1]

    def day_number(self, day: date, *, day_zero: bool) -> int:
        """The day's number counted from the exposure, in the period's convention."""
        return (day - self.exposure).days + (0 if day_zero else 1)

    def with_end(self, end: date) -> Plan:
        """The same plan ending on ``end`` (extended or shortened): the last stage moves, stages after
        the new end are dropped, and test days past it fall away."""
        kept = [s for s in self.stages if s.start < end] or [self.stages[0]]
        last = kept[-1]
        last = replace(
            last,
            end=end,
            days=last.days + (end - last.end).days,
            test_days=tuple(d for d in last.test_days if d <= end),
        )
        return Plan(exposure=self.exposure, stages=(*kept[:-1], last))

    def to_json(self) -> dict:
        return {"exposure": self.exposure.isoformat(), "stages": [s.to_json() for s in self.stages]}

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(
            exposure=date.fromisoformat(data["exposure"]),
            stages=tuple(PlannedStage.from_json(s) for s in data["stages"]),
        )


def plan_period(rules: Rules, stages: tuple[Stage, ...], exposure: date) -> Plan:
    """The stages' dates for an exposure on ``exposure``, in the rules' day convention.

    A contact found late is planned from the same exposure: the dates do not move, and only the days
    that remain are served ("缺几天补几天").
    """
    if not stages:
        raise ValidationError(_("The protocol in force defines no observation for this reason."))
    shift = 0 if rules.day_zero else -1
    planned = []
    start = exposure
    for stage in stages:
        end = start + timedelta(days=stage.days + shift)
        tests = tuple(start + timedelta(days=k + shift) for k in stage.tests if k + shift >= 0)
        planned.append(PlannedStage(mode=stage.mode, days=stage.days, start=start, end=end, test_days=tests))
        start = end
    return Plan(exposure=exposure, stages=tuple(planned))


# --- Check slots ----------------------------------------------------------------------------------


def slot_key(day: date, slot: str) -> int:
    """A number that orders (day, slot) pairs: two per day, the morning (or the day's only) one first."""
    return day.toordinal() * 2 + (1 if slot == "pm" else 0)


def key_day(key: int) -> date:
    return date.fromordinal(key // 2)


def current_slot(moment: datetime, checks_per_day: int) -> str:
    """The slot a check taken at ``moment`` (local time) belongs to."""
    if checks_per_day == 1:
        return "day"
    return "pm" if moment.time() >= EVENING_FROM else "am"


def last_passed_slot(moment: datetime, checks_per_day: int) -> tuple[date, str]:
    """The latest (day, slot) whose deadline lies before ``moment`` (local time)."""
    today = moment.date()
    for slot in reversed(SLOTS[checks_per_day]):
        if moment.time() >= SLOT_DEADLINES[slot]:
            return today, slot
    return today - timedelta(days=1), SLOTS[checks_per_day][-1]


def required_slots(*, first_slot: int, end: date, until: int, checks_per_day: int):
    """The (day, slot) pairs a period must report, from ``first_slot`` up to ``until`` inclusive and
    before its release day."""
    slots = SLOTS[checks_per_day]
    day = key_day(first_slot)
    while day < end:
        for slot in slots:
            key = slot_key(day, slot)
            if key > until:
                return
            if key >= first_slot:
                yield day, slot
        day += timedelta(days=1)
