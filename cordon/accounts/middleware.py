import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_LOGIN_AT = "cordon_login_at"
_LAST_SEEN = "cordon_last_seen"


def start_session_clock(request) -> None:
    """Called at login: the shift and the idle spell are counted from now."""
    now = int(time.time())
    request.session[_LOGIN_AT] = now
    request.session[_LAST_SEEN] = now


# Only rewrite the session when the idle clock moved this much, not on every request.
_TOUCH_EVERY = 60
# Paths that answer without a session: the API speaks JSON (401), health checks and static files.
_EXEMPT = ("/api/", "/static/", "/healthz")


def session_expiry_middleware(get_response):
    """End a session after one shift whatever happens, or after a long idle spell, and say why.

    Django's own cookie age slides with every save, so the absolute limit is kept here from the time
    of login.
    """

    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault(_LOGIN_AT, now)
            last_seen = request.session.get(_LAST_SEEN, now)
            if (
                now - login_at > settings.SESSION_COOKIE_AGE
                or now - last_seen > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
                if request.path.startswith("/api/"):
                    return get_response(request)  # now anonymous: the API answers its JSON 401
                return _expired(request)
            if now - last_seen >= _TOUCH_EVERY or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
        elif (
            # A session cookie the server no longer knows (expired, or the account was disabled).
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.path.startswith(_EXEMPT)
            and request.path != reverse("accounts:login")
        ):
            return _expired(request)
        return get_response(request)

    return middleware


def _to(request, url: str):
    """A redirect that also works for htmx requests, which would otherwise swap the page into a fragment."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _expired(request):
    response = _to(request, f"{reverse('accounts:login')}?expired=1")
    response.delete_cookie(settings.SESSION_COOKIE_NAME)
    return response


def password_change_middleware(get_response):
    """An account with a temporary password may do nothing but change it."""

    allowed_prefixes = (*_EXEMPT, "/i18n/")

    def middleware(request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(allowed_prefixes)
            and request.path not in (reverse("accounts:password_change"), reverse("accounts:logout"))
        ):
            messages.info(request, _("Please choose your own password before you continue."))
            return _to(request, reverse("accounts:password_change"))
        return get_response(request)

    return middleware
