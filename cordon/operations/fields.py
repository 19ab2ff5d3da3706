"""Field checks the operations services share: text fields, dates and amounts, with messages naming the
field."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _


def text(value, field: str, max_length: int, *, required: bool = False) -> str:
    """Trimmed text of at most ``max_length`` characters; refused when empty and ``required``."""
    value = str(value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": max_length}]})
    return value


def day(value, field: str, *, required: bool = True) -> date | None:
    """A date from a date or an ISO string (YYYY-MM-DD)."""
    if isinstance(value, date):
        return value
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("This field is required.")]})
        return None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({field: [_("Must be a date (YYYY-MM-DD).")]})
    return parsed


def number(value, field: str, *, maximum: Decimal, message: str) -> Decimal:
    """A finite decimal above zero and below ``maximum``; ``message`` says what a good value looks like."""
    try:
        parsed = Decimal(str(value).strip())
        if not parsed.is_finite() or parsed <= 0 or parsed > maximum:
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [message]}) from None
    return parsed


def choice(value, field: str, choices) -> str:
    value = str(value or "").strip()
    if value not in choices.values:
        raise ValidationError({field: [_("Not one of the allowed values.")]})
    return value
