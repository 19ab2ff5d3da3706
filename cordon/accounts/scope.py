"""The one place that decides who sees what, and who may change what.

A user holds roles at areas. A role at an area reaches that area and everything below it, and nothing
beside it. Every read in Cordon goes through ``visible_to(user)`` on the model's queryset — lists,
detail pages, search, API answers, exports and counts alike — and every change goes through a service
that calls ``require_role``. A record outside the user's areas is answered exactly as one that does not
exist: a 404, never a 403 that would confirm it is there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cordon.accounts import codes

if TYPE_CHECKING:
    from cordon.accounts.models import Area, User

_CACHE_ATTR = "_cordon_role_cache"


def _role_cache(user) -> list[tuple[str, str]]:
    """[(role, area prefix)] for an active user, read once per request and kept on the user object.

    Read with a statement written once (``_roles_sql``): every request that checks a role pays for
    this read, and building it through the ORM cost more than running it."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_roles_sql(connection.vendor), [user.pk])
            cached = [(role, codes.prefix_of(area_code)) for role, area_code in cursor.fetchall()]
        setattr(user, _CACHE_ATTR, cached)
    return cached


@functools.cache
def _roles_sql(vendor: str) -> str:
    from cordon.accounts.models import RoleAssignment

    quote, meta = connection.ops.quote_name, RoleAssignment._meta
    return (
        f"SELECT {quote('role')}, {quote(meta.get_field('area').column)} FROM {quote(meta.db_table)} "  # noqa: S608 — names are ours, the value a parameter
        f"WHERE {quote(meta.get_field('user').column)} = %s"
    )


def forget_roles(user) -> None:
    """Drop the cached roles after they changed, so the same request sees the new ones."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def visible_prefixes(user, roles: Iterable[str] | None = None) -> tuple[str, ...]:
    """The area prefixes a user reaches (through ``roles`` only, when given), those inside another dropped.

    The operator account (superuser, used by the CLI) reaches everything: the empty prefix.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    if user.is_superuser:
        return ("",)
    wanted = None if roles is None else set(roles)
    prefixes = sorted(
        {prefix for role, prefix in _role_cache(user) if wanted is None or role in wanted}, key=len
    )
    kept: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return tuple(sorted(kept))


def prefixes_q(field: str, prefixes: Iterable[str]) -> Q | None:
    """A filter matching rows whose ``field`` (an area code) lies under any of ``prefixes``."""
    query = None
    for prefix in prefixes:
        low, high = codes.prefix_range(prefix)
        part = Q(**{f"{field}__gte": low})
        if high is not None:
            part &= Q(**{f"{field}__lt": high})
        query = part if query is None else query | part
    return query


class AreaScopedQuerySet(models.QuerySet):
    """Rows that carry an area code. ``scope_field`` names the column holding it."""

    scope_field = "area_id"

    def visible_to(self, user, roles: Iterable[str] | None = None) -> AreaScopedQuerySet:
        """Only the rows inside the areas where ``user`` holds a role (one of ``roles``, when given)."""
        query = prefixes_q(self.scope_field, visible_prefixes(user, roles))
        return self.none() if query is None else self.filter(query)

    def visible_to_unindexed(self, user, roles: Iterable[str] | None = None) -> AreaScopedQuerySet:
        """The same rows as ``visible_to``, asked so no index can serve the scope itself.

        For searches: "inside my town" covers every row of a town's registry, and a planner that
        walks the area index for it reads a million rows (2.5 s on SQLite) when the search column's
        own index would read twenty. The area code is compared through SUBSTR, which no index answers.
        """
        prefixes = visible_prefixes(user, roles)
        if not prefixes:
            return self.none()
        if prefixes == ("",):
            return self
        query = Q()
        aliases = {}
        for prefix in prefixes:
            name = f"_scope_{len(prefix)}"
            aliases[name] = Substr(self.scope_field, 1, len(prefix))
            query |= Q(**{name: prefix})
        return self.alias(**aliases).filter(query)

    def within(self, area: Area | str) -> AreaScopedQuerySet:
        """Only the rows in ``area`` (an Area or a code) and below it."""
        code = area if isinstance(area, str) else area.code
        if not codes.is_valid_code(code):
            return self.none()  # a malformed code (a tampered filter) names no area
        return self.filter(prefixes_q(self.scope_field, [codes.prefix_of(code)]))


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
    from cordon.accounts.models import Area

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
    return {role for role, prefix in _role_cache(user) if codes.covers(prefix, code)}


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
    return any(role in roles for role, _prefix in _role_cache(user))


def require_role(user: User, area: Area | str, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of ``roles`` reaching ``area``.

    Called inside services, so the web, the API, the CLI and importers all obey the same rule.
    """
    if not has_role(user, area, *roles):
        raise PermissionDenied(_("Your role does not allow this here."))
