from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.utils import translation

from cordon.core import context


def language_middleware(get_response):
    """Chinese unless the user chose English on the language switch (a cookie).

    The browser's Accept-Language is ignored on purpose: a village clerk with an English-language phone
    still gets the Chinese interface her colleagues use.
    """
    supported = {code for code, _name in settings.LANGUAGES}

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware


def request_source_middleware(get_response):
    """Tag every change made during this request as coming from the web or from the API."""

    def middleware(request):
        name = "api" if request.path.startswith("/api/") else "web"
        with context.source(name):
            return get_response(request)

    return middleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with Cordon's policy written once instead of for every response.

    Cordon's pages use no nonce and no per-view policy, so every response carries the same header;
    building it anew cost an API call about a tenth of its time (measured, bench/README.md). A
    response that does carry its own policy parts, a nonce asked for, or a report-only policy in the
    settings go django-csp's own way."""

    _built: tuple[object, str] | None = None

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (
            not policy
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        built = self._built
        if built is None or built[0] is not policy:  # the settings changed (a test's override)
            built = self._built = (policy, build_policy())
        if HEADER not in response and built[1]:
            response[HEADER] = built[1]
        return response


_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


def no_store_middleware(get_response):
    """Pages and API answers for a logged-in user carry ID numbers, phones and health records: no
    browser or proxy cache may keep them (a shared office PC's back button, a cached page on disk)."""
    from django.utils.cache import patch_cache_control

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or request.path.startswith("/api/")
        if private and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
