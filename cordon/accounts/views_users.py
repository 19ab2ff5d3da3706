"""Account management by the town's commander: list, create, edit, disable, roles, passwords."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts import selectors, services
from cordon.accounts.forms import ReasonForm, RoleForm, UserCreateForm, UserEditForm
from cordon.accounts.lockout import is_locked_out
from cordon.accounts.models import Role, RoleAssignment, User
from cordon.accounts.permissions import ACCOUNT_MANAGERS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere, visible_area
from cordon.accounts.selectors import audit_history
from cordon.accounts.views import pop_secret, remember_secret
from cordon.core.forms import add_service_errors


def _require_manager(request) -> None:
    if not has_role_anywhere(request.user, *ACCOUNT_MANAGERS):
        raise PermissionDenied(_("Only the commander manages accounts."))


def _managed_user_or_404(request, pk) -> User:
    """An account the user manages; anyone else's — or anyone's, for a non-commander — is a 404."""
    return get_visible_or_404(
        User.objects.select_related("area"), request.user, roles=ACCOUNT_MANAGERS, pk=pk
    )


@login_required
def user_list(request):
    _require_manager(request)
    filters = {
        "query": request.GET.get("q", "").strip()[:50],
        "area_code": request.GET.get("area", "").strip()[:15],
        "role": request.GET.get("role", "") if request.GET.get("role", "") in Role.values else "",
        "status": request.GET.get("status", "")
        if request.GET.get("status") in ("active", "disabled")
        else "",
    }
    users = selectors.users_for_manager(request.user, **filters)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "area_choices": selectors.area_choices(request.user, roles=ACCOUNT_MANAGERS),
        "role_choices": Role.choices,
    }
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_manager(request)
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = visible_area(request.user, data["area"])
            roles = []
            if data["role"]:
                roles.append(
                    (
                        data["role"],
                        visible_area(request.user, data["role_area"] or data["area"], field="role_area"),
                    )
                )
            user, temporary = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                area=area,
                roles=roles,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            remember_secret(
                request, _("Temporary password for %(name)s") % {"name": user.display_name}, temporary
            )
            messages.success(request, _("The account %(name)s was created.") % {"name": user.display_name})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@never_cache
@login_required
def user_detail(request, pk: int):
    user = _managed_user_or_404(request, pk)
    context = {
        "subject": user,
        # Only the roles inside the commander's areas: a role elsewhere is not theirs to see or remove.
        "roles": RoleAssignment.objects.visible_to(request.user).filter(user=user).select_related("area"),
        "role_form": RoleForm(user=request.user),
        "reason_form": ReasonForm(),
        "locked": is_locked_out(user.username),
        "history": audit_history(user, request.user)[:50],
        "secret": pop_secret(request),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    user = _managed_user_or_404(request, pk)
    initial = {"full_name": user.full_name, "phone": user.phone, "area": user.area_id}
    form = UserEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=user,
                full_name=data["full_name"],
                phone=data["phone"],
                area=visible_area(request.user, data["area"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": user, "creating": False})


def _act(request, pk, action):
    """Run one account action from a button on the user's page, and come back to it with the outcome."""
    user = _managed_user_or_404(request, pk)
    try:
        message = action(user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if message:
            messages.success(request, message)
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_disable(request, pk: int):
    form = ReasonForm(request.POST)

    def action(user):
        if not form.is_valid():  # an over-long reason is refused, not cut off or dropped
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        services.user_set_active(
            actor=request.user, user=user, active=False, reason=form.cleaned_data["reason"]
        )
        return _("%(name)s was disabled.") % {"name": user.display_name}

    return _act(request, pk, action)


@login_required
@require_POST
def user_enable(request, pk: int):
    def action(user):
        services.user_set_active(actor=request.user, user=user, active=True)
        return _("%(name)s was enabled.") % {"name": user.display_name}

    return _act(request, pk, action)


@login_required
@require_POST
def user_reset_password(request, pk: int):
    def action(user):
        temporary = services.user_reset_password(actor=request.user, user=user)
        remember_secret(
            request, _("Temporary password for %(name)s") % {"name": user.display_name}, temporary
        )
        return _("A new temporary password was set; the login lock was lifted.")

    return _act(request, pk, action)


@login_required
@require_POST
def user_unlock(request, pk: int):
    def action(user):
        services.user_unlock(actor=request.user, user=user)
        return _("%(name)s may log in again.") % {"name": user.display_name}

    return _act(request, pk, action)


@login_required
@require_POST
def role_add(request, pk: int):
    form = RoleForm(request.POST, user=request.user)

    def action(user):
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        role_area = visible_area(request.user, form.cleaned_data["area"])
        services.role_assign(actor=request.user, user=user, role=form.cleaned_data["role"], area=role_area)
        return _("Role added.")

    return _act(request, pk, action)


@login_required
@require_POST
def role_remove(request, pk: int, role_pk: int):
    def action(user):
        assignment = get_visible_or_404(
            RoleAssignment.objects.select_related("area", "user"),
            request.user,
            roles=ACCOUNT_MANAGERS,
            pk=role_pk,
            user=user,
        )
        services.role_revoke(actor=request.user, assignment=assignment)
        return _("Role removed.")

    return _act(request, pk, action)
