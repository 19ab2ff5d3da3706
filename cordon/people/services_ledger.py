"""Changes to the ledgers' own settings: the risk categories (the rules that file arrivals) and the
column mappings an import remembers. Each checks the actor's role and writes the audit."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, Role, User
from cordon.accounts.permissions import PEOPLE_REGISTRARS
from cordon.accounts.scope import require_role
from cordon.core import audit
from cordon.people import validation
from cordon.people.models import RiskCategory

# --- Ledger categories ----------------------------------------------------------------------------


@transaction.atomic
def category_update(
    *,
    actor: User,
    category: RiskCategory,
    name: str,
    priority: int,
    origins: str,
    valid_from: date | None,
    valid_to: date | None,
    note: str = "",
) -> RiskCategory:
    """Change a ledger category's rule. Arrivals already filed keep their category: a rule changed
    today never silently moves last month's ledger."""
    from cordon.accounts.scope import has_role_anywhere

    if not has_role_anywhere(actor, Role.COMMANDER):
        raise PermissionDenied(_("Only the commander changes the ledger categories."))
    rules = [r.strip() for r in (origins or "").split(",") if r.strip()]
    bad = [
        r for r in rules if r not in ("*", "?", "@county", "@province") and not (r.isdigit() and len(r) <= 12)
    ]
    if not rules or bad:
        raise ValidationError({"origins": [_("Not a rule: %(rules)s") % {"rules": "、".join(bad) or "—"}]})
    if valid_from and valid_to and valid_from > valid_to:
        raise ValidationError({"valid_to": [_("The end comes before the start.")]})
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    fields = ("name", "priority", "origins", "valid_from", "valid_to", "note")
    before = audit.snapshot(category, fields)
    category.name, category.priority, category.origins = validation.normalize(name), priority, ",".join(rules)
    category.valid_from, category.valid_to, category.note = (
        valid_from,
        valid_to,
        validation.normalize(note or ""),
    )
    category.full_clean()
    category.save()
    from cordon.accounts.selectors import top_areas

    tops = top_areas(actor)
    audit.record(
        actor=actor,
        action="category.update",
        target=category,
        area=tops[0] if tops else None,
        changes=audit.diff(before, audit.snapshot(category, fields)),
    )
    return category


@transaction.atomic
def header_mapping_save(*, actor: User, area: Area, mapping: dict[str, str]) -> int:
    """Remember which ledger field a town's column header means, for every later import in the area.

    An empty field means "ignore this column" and is remembered too, so the question is not asked again.
    """
    from cordon.core.spreadsheet_types import normalize_header
    from cordon.people.import_types import FIELDS
    from cordon.people.models import HeaderMapping

    require_role(actor, area, *PEOPLE_REGISTRARS)
    saved = 0
    for header, field in mapping.items():
        key = normalize_header(header)[:60]
        if not key or (field and field not in FIELDS):
            raise ValidationError(_("Unknown field for the column “%(header)s”.") % {"header": header[:30]})
        HeaderMapping.objects.update_or_create(
            area=area, header=key, defaults={"field": field, "created_by": actor}
        )
        saved += 1
    if saved:
        audit.record(
            actor=actor,
            action="mapping.save",
            target=area,
            area=area,
            changes={"columns": [None, "、".join(f"{h}→{f or '—'}" for h, f in mapping.items())]},
        )
    return saved
