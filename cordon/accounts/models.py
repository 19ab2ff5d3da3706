import functools
import hashlib
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core import codes
from cordon.core.scope import AreaScopedQuerySet


class AreaQuerySet(AreaScopedQuerySet):
    scope_field = "code"


class Area(models.Model):
    """A node of the administrative tree, keyed by its statistical division code.

    Scoped rows elsewhere point here through the code itself (``to_field="code"``), so the column they
    carry *is* the area code and scoping never needs a join or a walk up the tree.
    """

    class Level(models.TextChoices):
        PROVINCE = codes.PROVINCE, _("Province")
        CITY = codes.CITY, _("City")
        COUNTY = codes.COUNTY, _("County")
        TOWN = codes.TOWN, _("Town")
        VILLAGE = codes.VILLAGE, _("Village or street")
        GRID = codes.GRID, _("Grid")

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        to_field="code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent area"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return codes.prefix_of(self.code)

    @property
    def is_village_level(self) -> bool:
        return self.level in (codes.VILLAGE, codes.GRID)

    def clean(self):
        if not codes.is_valid_code(self.code):
            raise ValidationError({"code": _("A division code is 12 digits (15 for a grid).")})
        if self.parent_id and not codes.covers(codes.prefix_of(self.parent_id), self.code):
            raise ValidationError({"parent": _("The code does not lie under the parent area's code.")})


class Role(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    COMMAND_STAFF = "command_staff", _("Command-centre staff")
    VILLAGE_HEAD = "village_head", _("Village head")
    VILLAGE_CLERK = "village_clerk", _("Village clerk")
    CHECKPOINT_GUARD = "checkpoint_guard", _("Checkpoint guard")
    HEALTH_WORKER = "health_worker", _("Health worker")
    FIELD_TEAM = "field_team", _("Field team member")
    COUNSELLOR = "counsellor", _("Counsellor")
    VIEWER = "viewer", _("Viewer")


# Where each role may be held. A commander runs a town (or a county's command above it); a clerk works
# in a village or one of its grids; a viewer may read any level.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.COMMANDER: (codes.TOWN, codes.COUNTY),
    Role.COMMAND_STAFF: (codes.TOWN, codes.COUNTY),
    Role.VILLAGE_HEAD: (codes.VILLAGE,),
    Role.VILLAGE_CLERK: (codes.VILLAGE, codes.GRID),
    Role.CHECKPOINT_GUARD: (codes.TOWN, codes.VILLAGE),
    Role.HEALTH_WORKER: (codes.TOWN, codes.COUNTY),
    Role.FIELD_TEAM: (codes.TOWN, codes.VILLAGE),
    Role.COUNSELLOR: (codes.TOWN, codes.COUNTY),
    Role.VIEWER: codes.LEVELS,
}


class UserQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class CordonUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. ``area`` is where the account belongs; roles say what it may do where."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    area = models.ForeignKey(
        Area,
        to_field="code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = CordonUserManager()

    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_case_insensitive_unique"),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def area_prefixes(self, roles: Iterable[str] | None = None) -> tuple[str, ...]:
        """The area prefixes this user reaches: what ``core.scope`` asks of a viewer."""
        return visible_prefixes(self, roles)

    @property
    def display_name(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username


class RoleAssignmentQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class RoleAssignment(models.Model):
    """A role held at an area; it reaches that area and everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(Area, to_field="code", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="role_assignment_unique"),
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self):
        return f"{self.get_role_display()} @ {self.area_id}"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A token is its owner's alone: nobody else lists, reads or revokes it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)


class ApiToken(models.Model):
    """A personal access token for the API. Only its SHA-256 is stored; the secret is shown once."""

    PREFIX = "cdn_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"


# The roles a user holds, read once per request: every scoped read and every role check asks them.
_CACHE_ATTR = "_cordon_role_cache"


def held_roles(user) -> list[tuple[str, str]]:
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
        {prefix for role, prefix in held_roles(user) if wanted is None or role in wanted}, key=len
    )
    kept: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return tuple(sorted(kept))
