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


def debug_not_found_middleware(get_response):
    """With ``CORDON_DEBUG=1`` (as `make run` sets) Django answers a missing page with its English
    debug page, which is not what a person trying the demo should see: the app's own Chinese 404 is
    shown instead. Outside debug, ``handler404`` does the same; the API answers JSON either way."""

    def middleware(request):
        response = get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "cordon_page", False)
            and not request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from cordon.core.views import page_not_found

            return page_not_found(request)
        return response

    return middleware
