from django import template

from cordon.gate.passages import FLAG_LABELS

register = template.Library()


@register.filter
def passage_flag(code: str) -> str:
    """A passage's flag in words, as the guard's screen showed it."""
    return str(FLAG_LABELS.get(code, code))
