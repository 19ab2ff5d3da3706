"""API authentication: personal access tokens (``Authorization: Bearer cdn_…``) or the web session."""

import functools
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth

from cordon.accounts.models import ApiToken, Area, User
from cordon.core.errors import ApiError
from cordon.core.statements import first_instances

# Writing last_used_at on every call would turn every read into a write; once a minute is enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        token = (token or "").strip()
        found = _token_with_user(ApiToken.hash_key(token)) if token.startswith(ApiToken.PREFIX) else None
        now = timezone.now()
        if found is None or not found.is_usable(now) or not found.user.is_active:
            # One answer for a forged, revoked or expired token, or a disabled account.
            raise ApiError(401, "invalid_token", _("The access token is invalid, expired or revoked."))
        if found.user.must_change_password:
            raise ApiError(
                401, "password_change_required", _("Log in on the web and choose your own password first.")
            )
        if found.last_used_at is None or now - found.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


def _token_with_user(key_hash: str) -> ApiToken | None:
    """The token with this hash, its user and the user's area, in one query. Every API call reads it,
    so the statement is written once per process: the ORM building it cost a call more than all of
    Cordon's middleware together."""
    found = first_instances((ApiToken, User, Area), _token_sql(connection.vendor), [key_hash])
    if found is None:
        return None
    token, user, area = found
    user.area = area if user.area_id is not None else None  # read with it, so never read again
    token.user = user
    return token


_KEY_STAND_IN = "\x00key"


@functools.cache
def _token_sql(vendor: str) -> str:
    """ORM's own select_related query, with the key's place left as a parameter."""
    queryset = ApiToken.objects.select_related("user", "user__area").filter(key_hash=_KEY_STAND_IN).order_by()
    sql, params = queryset.query.sql_with_params()
    if list(params) != [_KEY_STAND_IN]:
        raise RuntimeError("the token statement takes the key alone")
    return sql


class ActiveSessionAuth(SessionAuth):
    """The web session, for the docs page and the app's own pages (CSRF checked on writes)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "must_change_password", False):
            return None
        return user


def signed_in_for_docs(view):
    """The API's description (``/api/v1/openapi.json``) and its docs page, for signed-in users only —
    a session or an access token — and not for anyone on the network: building the document costs the
    server most of a CPU-second (about 380 KB, 133 paths) that an anonymous client could ask for in a
    loop, and it names the installed version's every endpoint to whoever scans the town's server.
    Nothing in it is secret (Cordon's code is public), so anyone holding an account may read it."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import JsonResponse

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        if user is not None and getattr(user, "must_change_password", False):
            user = None
        if user is None and request.headers.get("Authorization", "").startswith("Bearer "):
            try:
                user = TokenAuth()(request)
            except ApiError as refused:
                body = {"code": refused.code, "message": str(refused.message), "errors": []}
                return JsonResponse(body, status=refused.status)
        if user is not None:
            return view(request, *args, **kwargs)
        if request.path.rstrip("/").endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        message = _("Log in, or send a valid access token (Authorization: Bearer …).")
        return JsonResponse({"code": "unauthenticated", "message": str(message), "errors": []}, status=401)

    return wrapped
