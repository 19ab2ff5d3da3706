"""Editing a town's status-colour rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import COLOUR_RULE_EDITORS
from cordon.accounts.scope import require_role
from cordon.colours import rules as colour_rules
from cordon.colours.models import ColourRules
from cordon.core import audit, codes

EDITORS = COLOUR_RULE_EDITORS


@transaction.atomic
def colour_rules_save(*, actor: User, area: Area, rules: dict) -> ColourRules:
    """A town's commander sets which fact gives which colour (red, yellow or nothing)."""
    require_role(actor, area, *EDITORS)
    if codes.level_of(area.code) != codes.TOWN:
        raise ValidationError({"area": [_("Status colour rules are set per town.")]})
    cleaned, errors = colour_rules.clean_rules(rules)
    if errors:
        raise ValidationError(
            {"rules": [_("Not understood: %(items)s.") % {"items": "、".join(e[:40] for e in errors)}]}
        )
    row = ColourRules.objects.select_for_update().filter(area=area).first()
    before = row.rules if row else colour_rules.DEFAULT_RULES
    if row is None:
        row = ColourRules(area=area, rules=cleaned, updated_by=actor)
    row.rules, row.updated_by, row.updated_at = cleaned, actor, timezone.now()
    row.save()
    audit.record(
        actor=actor,
        action="colours.rules",
        target=row,
        area=area,
        changes={k: [before.get(k), v] for k, v in cleaned.items() if before.get(k) != v},
    )
    return row
