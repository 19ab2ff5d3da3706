"""Reads about areas and accounts that are more than one scoped filter."""

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Substr

from cordon.accounts.models import Area, Role, RoleAssignment, User
from cordon.accounts.scope import visible_prefixes
from cordon.core import codes
from cordon.core.models import AuditEntry


def roles_of(user):
    """A user's own roles, with their areas: everyone may read their own."""
    return RoleAssignment.objects.filter(user_id=user.pk).select_related("area")


def area_choices(user, roles=None) -> list[tuple[str, str]]:
    """(code, label) of the areas a user reaches through ``roles``, indented by depth, for a select."""
    areas = Area.objects.visible_to(user, roles).only("code", "name", "level")
    top = min((codes.LEVELS.index(a.level) for a in areas), default=0)
    return [
        (a.code, "\u3000" * (codes.LEVELS.index(a.level) - top) + f"{a.name}（{a.get_level_display()}）")
        for a in areas
    ]


def top_areas(user) -> list[Area]:
    """The highest areas a user reaches: one per role area, those inside another left out."""
    prefixes = visible_prefixes(user)
    if prefixes == ("",):
        return list(Area.objects.filter(parent__isnull=True))
    wanted = [p.ljust(12, "0") if len(p) < 12 else p for p in prefixes]
    return list(Area.objects.filter(code__in=wanted))


def ancestors(area: Area) -> list[Area]:
    """The areas above ``area``, top first (one query)."""
    chain = []
    code = codes.parent_of(area.code)
    while code:
        chain.append(code)
        code = codes.parent_of(code)
    found = {a.code: a for a in Area.objects.filter(code__in=chain)}
    return [found[c] for c in reversed(chain) if c in found]


def child_summaries(area: Area, counted: dict | None = None) -> list[dict]:
    """The areas directly below ``area`` with how many areas and accounts each holds, and how many of
    each of the ``counted`` querysets' rows (name → area-scoped queryset, e.g. the checkpoints, given
    by the app that holds them).

    Counts roll up: a checkpoint in a grid counts for its village and its town. One grouped query per
    count, whatever the number of children.
    """
    children = list(Area.objects.filter(parent=area))
    if not children:
        return []
    child_prefix_length = len(codes.prefix_of(children[0].code))

    def grouped(queryset, field):
        rows = (
            queryset.within(area)
            .annotate(child=Substr(field, 1, child_prefix_length))
            .values("child")
            .annotate(n=Count("pk"))
        )
        return {row["child"]: row["n"] for row in rows}

    counts = {name: grouped(queryset, queryset.scope_field) for name, queryset in (counted or {}).items()}
    accounts = grouped(User.objects.filter(is_active=True), "area_id")
    subareas = grouped(Area.objects.exclude(code=area.code), "code")
    result = []
    for child in children:
        key = codes.prefix_of(child.code)
        result.append(
            {
                "area": child,
                **{name: found.get(key, 0) for name, found in counts.items()},
                "accounts": accounts.get(key, 0),
                # The child itself is among the codes under its prefix.
                "subareas": max(subareas.get(key, 0) - 1, 0),
            }
        )
    return result


def users_for_manager(user, *, query: str = "", area_code: str = "", role: str = "", status: str = ""):
    """Accounts a commander manages, filtered as the users list asks, with their roles in one query."""
    users = User.objects.visible_to(user, roles=[Role.COMMANDER]).select_related("area")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    if area_code:
        users = users.within(area_code)
    if role:
        # Only roles the manager can see count: a role held elsewhere is not theirs to know of.
        users = users.filter(
            role_assignments__in=RoleAssignment.objects.visible_to(user).filter(role=role)
        ).distinct()
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "disabled":
        users = users.filter(is_active=False)
    return users.order_by("area_id", "username").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.visible_to(user).select_related("area"))
    )


def colleagues(user, area: Area):
    """Active accounts working in ``area`` (names and roles only), for a village's home page."""
    return (
        User.objects.visible_to(user)
        .within(area)
        .filter(is_active=True)
        .order_by("full_name")
        .prefetch_related(
            Prefetch(
                "role_assignments", queryset=RoleAssignment.objects.visible_to(user).select_related("area")
            )
        )
    )


def audit_entries(user):
    """Audit entries the user may read: only a commander reads the trail, and only within their areas."""
    return AuditEntry.objects.visible_to(user, roles=[Role.COMMANDER]).select_related("actor")


def audit_history(obj, user):
    """The audit entries about ``obj`` that ``user`` may read, newest first."""
    return audit_entries(user).for_object(obj)
