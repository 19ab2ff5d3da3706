"""Every change to areas, accounts, roles and tokens. Each checks the actor's role and writes the audit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import ROLE_LEVELS, ApiToken, Area, Role, RoleAssignment, User, forget_roles
from cordon.accounts.permissions import ACCOUNT_MANAGERS
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit, codes
from cordon.core.privacy import mask_phone

USER_FIELDS = ("username", "full_name", "phone", "area", "is_active", "must_change_password")


def _temporary_password() -> str:
    """A password to read out once over the phone: 12 characters, no look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(12))


def _user_snapshot(user: User) -> dict:
    values = audit.snapshot(user, USER_FIELDS)
    values["phone"] = mask_phone(user.phone)  # personal data stays out of the trail
    return values


OPERATOR_USERNAME = "system"


def operator_account() -> User:
    """The operator: the actor of changes made from the command line without ``--as``.

    A superuser with no usable password, so it reaches everything yet can never log in. Created by a
    migration (and again here if the table was emptied); its name is reserved for it.
    """
    operator, created = User.objects.get_or_create(
        username=OPERATOR_USERNAME, defaults={"full_name": "系统操作员", "is_superuser": True}
    )
    if created:
        operator.set_unusable_password()
        operator.save(update_fields=["password"])
    if not operator.is_superuser:
        raise PermissionDenied("The operator account has lost its rights; fix it in the database.")
    return operator


# --- Areas -------------------------------------------------------------------------------------------


def _existing_parent(code: str) -> Area | None:
    """The nearest area above ``code`` that exists: some towns sit directly under a city (东莞)."""
    parent_code = codes.parent_of(code)
    while parent_code is not None:
        parent = Area.objects.filter(code=parent_code).first()
        if parent is not None:
            return parent
        parent_code = codes.parent_of(parent_code)
    return None


@transaction.atomic
def area_create(*, actor: User, code: str, name: str, note: str = "") -> Area:
    """Add an area to the tree. Its level and parent are read from the code; the parent must exist.

    Only the operator adds provinces to towns; a town's commander may add villages and grids below it.
    """
    code = (code or "").strip()
    name = (name or "").strip()
    if not codes.is_valid_code(code):
        raise ValidationError({"code": _("A division code is 12 digits (15 for a grid).")})
    level = codes.level_of(code)
    parent = _existing_parent(code)
    if parent is not None and not Area.objects.visible_to(actor).filter(code=parent.code).exists():
        parent = None  # an area outside the actor's reach is answered as one that does not exist
    needed_parent_level = {codes.VILLAGE: codes.TOWN, codes.GRID: codes.VILLAGE}.get(level)
    if needed_parent_level and (
        parent is None or parent.code != codes.parent_of(code) or parent.level != needed_parent_level
    ):
        # A village needs its town, a grid its village: a typo must not hang an area under the wrong one.
        raise ValidationError({"code": _("No area above this code exists yet.")})
    if parent is None and level != codes.PROVINCE and not actor.is_superuser:
        raise ValidationError({"code": _("No area above this code exists yet.")})
    if parent is None or parent.level not in (codes.TOWN, codes.VILLAGE):
        if not actor.is_superuser:
            raise PermissionDenied(_("Only the operator adds areas at this level."))
    else:
        require_role(actor, parent, Role.COMMANDER)
    if Area.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An area with this code already exists.")})
    area = Area(code=code, name=name, level=level, parent=parent, note=note.strip())
    area.full_clean()
    area.save()
    audit.record(
        actor=actor,
        action="area.create",
        target=area,
        area=area,
        changes=audit.diff({}, audit.snapshot(area, ("code", "name", "level", "parent"))),
    )
    return area


@transaction.atomic
def area_rename(*, actor: User, area: Area, name: str) -> Area:
    """Rename an area (names change; codes do not). A commander over the area may do it."""
    require_role(actor, area, Role.COMMANDER)
    area = Area.objects.select_for_update().get(pk=area.pk)
    before = audit.snapshot(area, ("name",))
    area.name = (name or "").strip()
    area.full_clean()
    area.save(update_fields=["name"])
    audit.record(
        actor=actor,
        action="area.rename",
        target=area,
        area=area,
        changes=audit.diff(before, audit.snapshot(area, ("name",))),
    )
    return area


# --- Accounts ------------------------------------------------------------------------------------------


def _require_account_manager(actor: User, area: Area | str) -> None:
    require_role(actor, area, *ACCOUNT_MANAGERS)


def _require_manages_account(actor: User, user: User) -> None:
    """Changing an account is changing everything it can reach: the actor must command the account's
    home area and every area where it holds a role. A town commander cannot take over a county
    commander who happens to live in the town; nobody but the operator touches a superuser."""
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("This account is beyond your command."))
    _require_account_manager(actor, user.area_id or "")
    for area_code in RoleAssignment.objects.filter(user=user).values_list("area_id", flat=True):
        if not has_role(actor, area_code, *ACCOUNT_MANAGERS):
            raise PermissionDenied(_("This account holds roles beyond your command."))


def _check_role_level(role: str, area: Area) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": str(role)[:30]}})
    if area.level not in ROLE_LEVELS[role]:
        levels = "、".join(str(Area.Level(level).label) for level in ROLE_LEVELS[role])
        raise ValidationError(
            {"role": _("%(role)s is held at: %(levels)s.") % {"role": Role(role).label, "levels": levels}}
        )


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    area: Area,
    phone: str = "",
    roles: list[tuple[str, Area]] | tuple = (),
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create an account in ``area`` with its roles.

    Without a password a temporary one is generated and returned — the only time it is ever shown —
    and the user must change it at first login. User names are unique regardless of case.
    """
    _require_account_manager(actor, area)
    # The same normalisation Django applies on save (NFKC: ＳＹＳＴＥＭ is SYSTEM), before the checks.
    username = User.normalize_username((username or "").strip())
    taken = ValidationError({"username": _("This user name is taken.")})
    if username.lower() == OPERATOR_USERNAME or User.objects.filter(username__iexact=username).exists():
        raise taken
    user = User(
        username=username,
        full_name=(full_name or "").strip(),
        phone=(phone or "").strip(),
        area=area,
        must_change_password=password is None,
    )
    temporary = _temporary_password() if password is None else None
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    if password is not None:
        password_validation.validate_password(password, user)
    user.set_password(password if password is not None else temporary)
    user.save()
    audit.record(
        actor=actor,
        action="user.create",
        target=user,
        area=area,
        changes=audit.diff({}, _user_snapshot(user)),
    )
    for role, role_area in roles:
        role_assign(actor=actor, user=user, role=role, area=role_area)
    return user, temporary


@transaction.atomic
def user_update(*, actor: User, user: User, full_name: str, phone: str, area: Area) -> User:
    """Change an account's name, phone or home area. The actor must manage both the old and new area."""
    _require_manages_account(actor, user)
    _require_account_manager(actor, area)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _user_snapshot(user)
    user.full_name = (full_name or "").strip()
    user.phone = (phone or "").strip()
    user.area = area
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    user.save(update_fields=["full_name", "phone", "area"])
    changes = audit.diff(before, _user_snapshot(user))
    if changes:
        audit.record(actor=actor, action="user.update", target=user, area=user.area, changes=changes)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str = "") -> User:
    """Disable or re-enable an account. Disabling ends its sessions and revokes its API tokens.

    Nobody disables their own account: a town must never lock out its last commander by accident.
    """
    _require_manages_account(actor, user)
    if user.pk == actor.pk and not active:
        raise ValidationError(_("You cannot disable your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    before = _user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        # Sessions die with is_active (the auth backend refuses inactive users); tokens are revoked so
        # that re-enabling the account does not silently bring old tokens back.
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action="user.enable" if active else "user.disable",
        target=user,
        area=user.area,
        changes=audit.diff(before, _user_snapshot(user)),
        reason=reason.strip(),
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Give the account a new temporary password (returned once) and lift any login lockout.

    Its API tokens are revoked too: a password is reset because the account may be in the wrong hands.
    """
    _require_manages_account(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("Change your own password on your profile page."))
    user = User.objects.select_for_update().get(pk=user.pk)
    temporary = _temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    axes_reset(username=user.username)
    audit.record(actor=actor, action="user.reset_password", target=user, area=user.area)
    return temporary


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Lift a login lockout after repeated failures; returns how many lock records were cleared."""
    _require_manages_account(actor, user)
    cleared = axes_reset(username=user.username)
    audit.record(actor=actor, action="user.unlock", target=user, area=user.area)
    return cleared


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """A user changes their own password; the old one must be right and the new one strong."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("The new password must differ from the current one.")})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=user, action="user.change_password", target=user, area=user.area)
    return user


# --- Roles ---------------------------------------------------------------------------------------------


@transaction.atomic
def role_assign(*, actor: User, user: User, role: str, area: Area) -> RoleAssignment:
    """Grant ``role`` at ``area``. The actor must manage both the account and the area granted."""
    _require_manages_account(actor, user)
    _require_account_manager(actor, area)
    _check_role_level(role, area)
    duplicate = ValidationError({"role": _("This user already holds this role here.")})
    if RoleAssignment.objects.filter(user=user, role=role, area=area).exists():
        raise duplicate
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(user=user, role=role, area=area, granted_by=actor)
    except IntegrityError:  # a double submit that raced the check above
        raise duplicate from None
    forget_roles(user)
    audit.record(
        actor=actor,
        action="role.assign",
        target=user,
        area=user.area,
        changes={"roles": [None, f"{Role(role).label} @ {area.name}"]},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a role away. A commander cannot take away their own last commander role."""
    _require_account_manager(actor, assignment.area_id)
    user = assignment.user
    if user.pk != actor.pk:
        _require_manages_account(actor, user)
    if (
        user.pk == actor.pk
        and assignment.role == Role.COMMANDER
        and not RoleAssignment.objects.filter(user=user, role=Role.COMMANDER)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError(_("You cannot remove your own last commander role."))
    label = f"{Role(assignment.role).label} @ {assignment.area.name}"
    assignment.delete()
    forget_roles(user)
    audit.record(
        actor=actor, action="role.revoke", target=user, area=user.area, changes={"roles": [label, None]}
    )


# --- API tokens ----------------------------------------------------------------------------------------

TOKEN_MAX_DAYS = 365


@transaction.atomic
def token_create(*, actor: User, name: str, expires_in_days: int | None = 90) -> tuple[ApiToken, str]:
    """Create a personal access token. The secret is returned once; only its hash is kept."""
    name = (name or "").strip()
    if ApiToken.objects.filter(user=actor, name=name, revoked_at__isnull=True).exists():
        # Also what a double submit meets: a second token nobody ever saw would stay valid unnoticed.
        raise ValidationError({"name": _("You already have an active token with this name.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": _("Choose between 1 and %(max)s days.") % {"max": TOKEN_MAX_DAYS}}
        )
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        key_hash=ApiToken.hash_key(secret),
        hint=secret[:10],
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token.full_clean()
    token.save()
    audit.record(
        actor=actor,
        action="token.create",
        target=actor,
        area=actor.area,
        changes={"tokens": [None, f"{token.name} ({token.hint}…)"]},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of one's own tokens; it stops working at once. Revoking twice changes nothing."""
    if token.user_id != actor.pk:
        raise PermissionDenied(_("Your role does not allow this here."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="token.revoke",
            target=actor,
            area=actor.area,
            changes={"tokens": [f"{token.name} ({token.hint}…)", None]},
        )
    return token
