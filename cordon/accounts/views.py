"""Login, the user's own profile, password and API tokens; areas. Account management is in views_users."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts import selectors, services
from cordon.accounts.forms import AreaCreateForm, LoginForm, PasswordChangeForm, TokenForm
from cordon.accounts.middleware import start_session_clock
from cordon.accounts.models import ApiToken, Area, Role
from cordon.accounts.scope import get_visible_or_404, has_role
from cordon.accounts.selectors import audit_history
from cordon.checkpoints.models import Checkpoint
from cordon.checkpoints.selectors import counted_under_areas
from cordon.core.forms import add_service_errors

_ONE_TIME_SECRET = "cordon_one_time_secret"  # noqa: S105 — a session key, not a secret


def remember_secret(request, label: str, secret: str) -> None:
    """Keep a freshly made secret (temporary password, token) for the next page only.

    It travels in the server-side session, never in a URL or a message cookie, and is removed the first
    time it is shown.
    """
    request.session[_ONE_TIME_SECRET] = {"label": label, "secret": secret}


def pop_secret(request) -> dict | None:
    return request.session.pop(_ONE_TIME_SECRET, None)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        start_session_clock(self.request)
        return response


def lockout_response(request, response=None, credentials=None):
    """What django-axes shows when a user name is locked after repeated failures: the login page again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/login.html",
        {
            "form": LoginForm(request, initial={"username": (credentials or {}).get("username", "")}),
            "locked_minutes": minutes,
        },
        status=429,
    )


@require_POST
def logout_view(request):
    return auth_views.LogoutView.as_view()(request)


@never_cache
@login_required
def profile(request):
    tokens = ApiToken.objects.visible_to(request.user)
    roles = selectors.roles_of(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "roles": roles,
            "token_form": TokenForm(),
            "secret": pop_secret(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            remember_secret(request, _("Token “%(name)s”") % {"name": token.name}, secret)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_visible_or_404(ApiToken.objects, request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
def area_index(request):
    """The tree of areas the user reaches, one tree per top area."""
    areas = list(Area.objects.visible_to(request.user).only("code", "name", "level", "parent_id"))
    by_parent: dict[str, list[Area]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id, []).append(area)
    for area in areas:
        area.child_list = by_parent.get(area.code, [])
    tops = selectors.top_areas(request.user)
    top_codes = {a.code for a in tops}
    roots = [a for a in areas if a.code in top_codes]
    return render(request, "accounts/area_index.html", {"roots": roots, "count": len(areas)})


@login_required
@require_http_methods(["GET", "POST"])
def area_detail(request, code: str):
    area = get_visible_or_404(Area.objects, request.user, code=code)
    can_manage = has_role(request.user, area, Role.COMMANDER)
    form = (
        AreaCreateForm(request.POST or None, parent=area)
        if can_manage and area.level in (Area.Level.TOWN, Area.Level.VILLAGE)
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the commander adds areas here."))
        if form.is_valid():
            try:
                child = services.area_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": child.name})
                return redirect("accounts:area_detail", code=area.code)
    visible_codes = set(
        Area.objects.visible_to(request.user)
        .filter(code__in=[a.code for a in selectors.ancestors(area)])
        .values_list("code", flat=True)
    )
    context = {
        "area": area,
        "ancestors": selectors.ancestors(area),
        "visible_ancestor_codes": visible_codes,
        "children": selectors.child_summaries(area, counted_under_areas()),
        "checkpoints": Checkpoint.objects.visible_to(request.user).within(area).select_related("area")[:200],
        "checkpoint_count": Checkpoint.objects.visible_to(request.user).within(area).count(),
        "can_manage": can_manage,
        "form": form,
        "history": audit_history(area, request.user)[:20] if can_manage else [],
    }
    return render(request, "accounts/area_detail.html", context)
