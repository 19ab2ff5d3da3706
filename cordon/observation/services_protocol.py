"""The rules a town follows: the edition it picks and the values it sets locally. The commander's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import PROTOCOL_OWNERS
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.observation.models import ProtocolChoice, ProtocolEdition
from cordon.observation.protocol import Rules
from cordon.observation.selectors import rules_in_force


@transaction.atomic
def protocol_choice_save(
    *, actor: User, area: Area, edition: ProtocolEdition, overrides: dict
) -> ProtocolChoice:
    """Pick the edition a town (or a county) follows and the values it sets itself, e.g. a fever
    threshold of 37.2 °C or 21 days of observation. Audited with the values before and after.

    Periods already open keep the values they were planned with; re-planning them is a separate act.
    """
    require_role(actor, area, *PROTOCOL_OWNERS)
    if codes.level_of(area.code) not in (codes.TOWN, codes.COUNTY):
        raise ValidationError({"area": [_("The rules are set for a town or a county.")]})
    overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
    effective = edition.parsed().merged(overrides)  # refuses values that are not rules
    before_in_force = rules_in_force(area.code)
    choice = ProtocolChoice.objects.select_for_update().filter(area=area).first()
    if choice is None:
        choice = ProtocolChoice(area=area)
    # Keep only what differs from the edition, so a later fix of the edition's data reaches the town.
    base = edition.parsed().to_json()
    merged = effective.to_json()
    kept = {key: merged[key] for key in merged if key != "plans" and merged[key] != base[key]}
    plans = {
        reason: stages for reason, stages in merged["plans"].items() if base["plans"].get(reason) != stages
    }
    if plans:
        kept["plans"] = plans
    choice.edition = edition
    choice.overrides = kept
    choice.updated_by = actor
    choice.updated_at = timezone.now()
    choice.save()
    changes = audit.diff(
        {"edition": before_in_force.edition.code, **_flat(before_in_force.rules)},
        {"edition": edition.code, **_flat(effective)},
    )
    audit.record(actor=actor, action="observation.protocol", target=choice, area=area, changes=changes)
    return choice


def _flat(rules: Rules) -> dict:
    data = rules.to_json()
    plans = data.pop("plans")
    for reason, stages in plans.items():
        data[f"plan.{reason}"] = " + ".join(
            f"{s['mode']} {s['days']}d" + (f" D{','.join(map(str, s['tests']))}" if s["tests"] else "")
            for s in stages
        )
    return data
