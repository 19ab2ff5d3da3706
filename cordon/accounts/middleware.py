import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_LAST_SEEN = "cordon_last_seen"
# Only rewrite the session when the idle clock moved this much, not on every request.
_TOUCH_EVERY = 60


def session_expiry_middleware(get_response):
    """End a session after a long idle spell, and tell the user why they are asked to log in again.

    The absolute lifetime (one shift) is the session cookie's age; this adds the idle limit.
    """

    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return _expired(request)
            if now - last_seen >= _TOUCH_EVERY or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
        elif (
            # A session cookie the server no longer knows (expired, or the account was disabled).
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.path.startswith(("/api/", settings.STATIC_URL))
            and request.path != reverse("accounts:login")
        ):
            return _expired(request)
        return get_response(request)

    return middleware


def _expired(request):
    response = redirect(f"{reverse('accounts:login')}?expired=1")
    response.delete_cookie(settings.SESSION_COOKIE_NAME)
    return response


def password_change_middleware(get_response):
    """An account with a temporary password may do nothing but change it."""

    allowed_prefixes = ("/static/", "/api/", "/i18n/")

    def middleware(request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(allowed_prefixes)
            and request.path not in (reverse("accounts:password_change"), reverse("accounts:logout"))
        ):
            messages.info(request, _("Please choose your own password before you continue."))
            return redirect("accounts:password_change")
        return get_response(request)

    return middleware
