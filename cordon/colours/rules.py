"""The facts a status colour is made of, and the colour each gives by default.

A town reads and edits these on its rules page: each fact gives red, yellow or nothing. A person's
colour is the worst colour any of their facts gives (red over yellow over green), with those facts
as its reasons and the earliest of their starts as "since when". It is Cordon's own view from its
own records, never a health code: the province's code is read at the gate, and may be recorded
beside it.
"""

from django.utils.translation import gettext_lazy as _

RED, YELLOW, GREEN, OFF = "red", "yellow", "green", ""
COLOURS = {RED: _("Red"), YELLOW: _("Yellow"), GREEN: _("Green")}
RANK = {GREEN: 0, YELLOW: 1, RED: 2}

# Every fact, in the order the rules page lists them.
FACTS = {
    "case": _("A case (suspected, confirmed or asymptomatic) not yet discharged"),
    "in_quarantine": _("In centralised quarantine"),
    "centralised_observation": _("Under centralised medical observation"),
    "open_alert": _("An open fever, symptom or positive-test alert"),
    "home_observation": _("Under home observation or health monitoring"),
    "sealed_no_pass": _("From a sealed area, without a valid pass"),
}

DEFAULT_RULES = {
    "case": RED,
    "in_quarantine": RED,
    "centralised_observation": RED,
    "open_alert": RED,
    "home_observation": YELLOW,
    "sealed_no_pass": YELLOW,
}


def clean_rules(raw: dict) -> tuple[dict, list[str]]:
    """The rules as stored (every fact, a colour or off) and the facts or colours not understood."""
    errors = [str(key) for key in raw if key not in FACTS]
    errors += [
        f"{key}={value}" for key, value in raw.items() if key in FACTS and value not in (RED, YELLOW, OFF)
    ]
    return {fact: raw.get(fact, DEFAULT_RULES[fact]) for fact in FACTS}, errors
