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
