"""The one place that decides who sees what, and who may change what.

A user holds roles at areas. A role at an area reaches that area and everything below it, and nothing
beside it. Every read in Cordon goes through ``visible_to(user)`` on the model's queryset — lists,
detail pages, search, API answers, exports and counts alike — and every change goes through a service
that calls ``require_role``. A record outside the user's areas is answered exactly as one that does not
exist: a 404, never a 403 that would confirm it is there.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cordon.accounts.models import Area, User, held_roles, visible_prefixes
from cordon.core import codes


def reaches(user, code: str, roles: Iterable[str] | None = None) -> bool:
    """True when the area ``code`` lies inside the areas ``user`` sees (through ``roles``, when given):
    ``visible_to``'s rule for one row already read by its key, where a hot path cannot afford to have
    the ORM build the scoped query (the checkpoint a passage is logged at)."""
    return any(codes.covers(prefix, code or "") for prefix in visible_prefixes(user, roles))


def not_found() -> Http404:
    """The one answer for a record outside the viewer's areas, the same as for one that does not exist."""
    return Http404(_("No such record."))


def get_visible_or_404(queryset, viewer, /, *, roles: Iterable[str] | None = None, **lookup):
    """One row visible to ``viewer`` (through ``roles``, when given), or Http404.

    The answer is the same whether the row exists elsewhere or not at all.
    """
    visible = queryset.visible_to(viewer, roles) if roles else queryset.visible_to(viewer)
    try:
        return visible.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise not_found() from exc


def visible_area(user, code, *, field: str = "area") -> Area:
    """The area with ``code`` if the user reaches it; else a field error that says only "no such area".

    For area codes that arrive in a form, an API body or a CLI argument: a tampered or foreign code
    gets the same answer as a code that does not exist.
    """
    code = str(code or "").strip()
    try:
        return Area.objects.visible_to(user).get(code=code)
    except Area.DoesNotExist:
        raise ValidationError({field: _("No such area: %(code)s") % {"code": code[:20]}}) from None


def roles_at(user, area: Area | str) -> set[str]:
    """The roles a user holds that reach ``area``: held there or at an area above it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    code = area if isinstance(area, str) else area.code
    return {role for role, prefix in held_roles(user) if codes.covers(prefix, code)}


def has_role(user, area: Area | str, *roles: str) -> bool:
    """True when the user may act as one of ``roles`` at ``area`` (the operator always may)."""
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return bool(roles_at(user, area) & set(roles))


def has_role_anywhere(user, *roles: str) -> bool:
    """True when the user holds one of ``roles`` at some area: for showing menus, never for access."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role in roles for role, _prefix in held_roles(user))


def require_role(user: User, area: Area | str, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of ``roles`` reaching ``area``.

    Called inside services, so the web, the API, the CLI and importers all obey the same rule.
    """
    if not has_role(user, area, *roles):
        raise PermissionDenied(_("Your role does not allow this here."))
