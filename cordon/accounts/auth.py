"""API authentication: personal access tokens (``Authorization: Bearer cdn_…``) or the web session."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth

from cordon.accounts.models import ApiToken
from cordon.core.errors import ApiError

# Writing last_used_at on every call would turn every read into a write; once a minute is enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        token = (token or "").strip()
        found = (
            ApiToken.objects.select_related("user", "user__area")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
            if token.startswith(ApiToken.PREFIX)
            else None
        )
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


class ActiveSessionAuth(SessionAuth):
    """The web session, for the docs page and the app's own pages (CSRF checked on writes)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "must_change_password", False):
            return None
        return user
