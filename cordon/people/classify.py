"""Which ledger an arrival belongs to: the deployment's risk categories, applied in order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cordon.people.models import RiskCategory


def load_categories() -> list[RiskCategory]:
    """The categories in priority order, read once per request or import."""
    return list(RiskCategory.objects.order_by("priority", "code"))


def _matches(rule: str, origin_code: str, area_code: str) -> bool:
    if rule == "?":
        return not origin_code
    if not origin_code:
        return False
    if rule == "*":
        return True
    if rule == "@county":
        return origin_code[:6] == area_code[:6]
    if rule == "@province":
        return origin_code[:2] == area_code[:2]
    return origin_code.startswith(rule)


def _rules(category: RiskCategory) -> tuple[str, ...]:
    """A category's origin rules, split once per loaded category (an import classifies every row)."""
    rules = getattr(category, "_parsed_rules", None)
    if rules is None or category.__dict__.get("_parsed_from") != category.origins:
        rules = tuple(r.strip() for r in category.origins.split(",") if r.strip())
        category._parsed_rules, category._parsed_from = rules, category.origins
    return rules


def classify(
    categories: Sequence[RiskCategory], *, origin_code: str, area_code: str, arrival_date: date
) -> RiskCategory | None:
    """The first category whose origins match and whose dates cover the arrival, or None.

    ``origin_code`` is the resolved division code of where the person came from, or "" when the origin
    text could not be resolved: only a "?" category takes those, so a misspelt 湖北 is never filed
    as "elsewhere" silently.
    """
    for category in categories:
        if category.valid_from and arrival_date < category.valid_from:
            continue
        if category.valid_to and arrival_date > category.valid_to:
            continue
        if any(_matches(rule, origin_code, area_code) for rule in _rules(category)):
            return category
    return None
