from django import template

from cordon.lockdowns.models import Lockdown

register = template.Library()


@register.filter
def lockdown_reason(code: str) -> str:
    """A reason to go out of a sealed area, in words."""
    return str(dict(Lockdown.Reason.choices).get(code, code))
