"""/api/v1/accounts/: the current user, the area tree, accounts and roles, personal tokens.

Thin adapters: fetch through the scope, call the same services as the pages.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cordon.accounts import selectors, services
from cordon.accounts.lockout import is_locked_out
from cordon.accounts.models import ApiToken, Area, Role, RoleAssignment, User
from cordon.accounts.permissions import ACCOUNT_MANAGERS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.core.pagination import Pages
from cordon.core.privacy import mask_phone

router = Router(tags=["accounts"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    level_label: str = Field(..., alias="get_level_display")
    parent: str | None = Field(None, alias="parent_id")


class AreaIn(Schema):
    code: str = Field(..., max_length=15, description="12-digit division code (15 for a grid)")
    name: str = Field(..., max_length=40)
    note: str = Field("", max_length=200)


class RoleOut(Schema):
    id: int
    role: str
    role_label: str = Field(..., alias="get_role_display")
    area: str = Field(..., alias="area_id")
    area_name: str = Field(..., alias="area.name")


class RoleIn(Schema):
    role: str = Field(..., max_length=20, description="One of: " + ", ".join(Role.values))
    area: str = Field(..., max_length=15)


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    area: str | None = Field(None, alias="area_id")
    roles: list[RoleOut]
    must_change_password: bool


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    area: str | None = Field(None, alias="area_id")
    area_name: str | None = Field(None, alias="area.name")
    is_active: bool
    last_login: datetime | None
    roles: list[RoleOut] = Field(..., alias="role_assignments.all")


class UserListOut(UserOut):
    """In lists, phones are masked; the account's own answer (GET /users/{id}) carries the whole number."""

    @staticmethod
    def resolve_phone(user):
        return mask_phone(user.phone)


class UserCreatedOut(UserOut):
    temporary_password: str


class UserIn(Schema):
    username: str = Field(..., max_length=150)
    full_name: str = Field(..., max_length=40)
    phone: str = Field("", max_length=20)
    area: str = Field(..., max_length=15)
    roles: list[RoleIn] = []


class UserPatch(Schema):
    full_name: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=20)
    area: str | None = Field(None, max_length=15)


class DisableIn(Schema):
    reason: str = Field("", max_length=200)


class PasswordOut(Schema):
    temporary_password: str


class LockOut(Schema):
    locked: bool


class AccessTokenOut(Schema):
    id: int
    name: str
    hint: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(AccessTokenOut):
    token: str = Field(..., description="The secret. Shown only in this answer; store it now.")


class TokenIn(Schema):
    name: str = Field(..., max_length=60)
    expires_in_days: int | None = Field(90, ge=1, le=services.TOKEN_MAX_DAYS)


def _require_manager(request) -> None:
    if not has_role_anywhere(request.user, *ACCOUNT_MANAGERS):
        raise PermissionDenied(_("Only the commander manages accounts."))


def _managed_user(request, user_id: int) -> User:
    roles = Prefetch(
        "role_assignments", queryset=RoleAssignment.objects.visible_to(request.user).select_related("area")
    )
    return get_visible_or_404(
        User.objects.select_related("area").prefetch_related(roles),
        request.user,
        roles=ACCOUNT_MANAGERS,
        pk=user_id,
    )


def _fresh(request, user: User) -> User:
    """The account as it is now, read again through the scope after a change."""
    return _managed_user(request, user.pk)


@router.get("/me", response=MeOut, summary="The current user and their roles")
def me(request):
    user = request.user
    user.roles = list(selectors.roles_of(user))
    return user


@router.get("/areas", response=list[AreaOut], summary="Every area the user reaches (a flat tree)")
def area_list(request, within: str | None = None):
    areas = Area.objects.visible_to(request.user)
    if within:
        areas = areas.within(get_visible_or_404(Area.objects, request.user, code=within))
    return areas


@router.get("/areas/{code}", response=AreaOut)
def area_detail(request, code: str):
    return get_visible_or_404(Area.objects, request.user, code=code)


@router.post("/areas", response={201: AreaOut}, summary="Add a village, street or grid below a town")
def area_create(request, payload: AreaIn):
    return Status(201, services.area_create(actor=request.user, **payload.dict()))


@router.get("/users", response=list[UserListOut], summary="Accounts the commander manages")
@paginate(Pages, page_size=50)
def user_list(request, q: str = "", area: str = "", role: str = "", status: str = ""):
    _require_manager(request)
    return selectors.users_for_manager(
        request.user,
        query=q[:50],
        area_code=area[:15],
        role=role if role in Role.values else "",
        status=status if status in ("active", "disabled") else "",
    )


@router.post(
    "/users", response={201: UserCreatedOut}, summary="Create an account (temporary password shown once)"
)
def user_create(request, payload: UserIn, response: HttpResponse):
    _require_manager(request)
    response["Cache-Control"] = "no-store"  # the answer carries a temporary password
    area = visible_area(request.user, payload.area)
    roles = [(r.role, visible_area(request.user, r.area, field="roles")) for r in payload.roles]
    user, temporary = services.user_create(
        actor=request.user,
        username=payload.username,
        full_name=payload.full_name,
        phone=payload.phone,
        area=area,
        roles=roles,
    )
    user = _fresh(request, user)
    user.temporary_password = temporary
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut)
def user_detail(request, user_id: int):
    return _managed_user(request, user_id)


@router.patch("/users/{user_id}", response=UserOut)
def user_update(request, user_id: int, payload: UserPatch):
    user = _managed_user(request, user_id)
    services.user_update(
        actor=request.user,
        user=user,
        full_name=payload.full_name if payload.full_name is not None else user.full_name,
        phone=payload.phone if payload.phone is not None else user.phone,
        area=visible_area(request.user, payload.area) if payload.area is not None else user.area,
    )
    return _fresh(request, user)


@router.post("/users/{user_id}/disable", response=UserOut)
def user_disable(request, user_id: int, payload: DisableIn):
    user = _managed_user(request, user_id)
    services.user_set_active(actor=request.user, user=user, active=False, reason=payload.reason)
    return _fresh(request, user)


@router.post("/users/{user_id}/enable", response=UserOut)
def user_enable(request, user_id: int):
    user = _managed_user(request, user_id)
    services.user_set_active(actor=request.user, user=user, active=True)
    return _fresh(request, user)


@router.post("/users/{user_id}/reset-password", response=PasswordOut)
def user_reset_password(request, user_id: int, response: HttpResponse):
    response["Cache-Control"] = "no-store"
    user = _managed_user(request, user_id)
    return {"temporary_password": services.user_reset_password(actor=request.user, user=user)}


@router.post("/users/{user_id}/unlock", response=LockOut)
def user_unlock(request, user_id: int):
    user = _managed_user(request, user_id)
    services.user_unlock(actor=request.user, user=user)
    return {"locked": is_locked_out(user.username)}


@router.post("/users/{user_id}/roles", response={201: RoleOut})
def role_add(request, user_id: int, payload: RoleIn):
    user = _managed_user(request, user_id)
    area = visible_area(request.user, payload.area)
    return Status(201, services.role_assign(actor=request.user, user=user, role=payload.role, area=area))


@router.delete("/users/{user_id}/roles/{role_id}", response={204: None})
def role_remove(request, user_id: int, role_id: int):
    user = _managed_user(request, user_id)
    assignment = get_visible_or_404(
        RoleAssignment.objects.select_related("area", "user"),
        request.user,
        roles=ACCOUNT_MANAGERS,
        pk=role_id,
        user=user,
    )
    services.role_revoke(actor=request.user, assignment=assignment)
    return Status(204, None)


@router.get("/tokens", response=list[AccessTokenOut], summary="Your own access tokens")
def token_list(request):
    return ApiToken.objects.visible_to(request.user)


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request, payload: TokenIn, response: HttpResponse):
    response["Cache-Control"] = "no-store"  # the answer carries the token's secret
    token, secret = services.token_create(
        actor=request.user, name=payload.name, expires_in_days=payload.expires_in_days
    )
    token.token = secret
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=AccessTokenOut, summary="Revoke one of your tokens")
def token_revoke(request, token_id: int):
    token = get_visible_or_404(ApiToken.objects, request.user, pk=token_id)
    return services.token_revoke(actor=request.user, token=token)
