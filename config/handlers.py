"""The WSGI application: two Django handlers, one for the browser and one for API calls with a token.

A call to ``/api/`` that carries ``Authorization: Bearer …`` is a script's or a phone's, never a
browser page's (a page cannot add that header to a cross-site request), and it authenticates by its
token alone (``cordon.accounts.auth.TokenAuth``: a bad token is a 401, never a fall-back to the
session). It needs no session, CSRF, messages, login lockout, htmx or static files; running their
middleware cost a token call about as much as the endpoint (bench/README.md, issue 20). Such a call
goes through ``API_TOKEN_MIDDLEWARE`` (config/settings.py): the security headers, the host check,
the body limit, the edge's refusals, the language, no-store and the request's source, as in the full
chain. Everything else — every page, and the pages' own API calls with the session cookie (CSRF
checked) — goes through ``MIDDLEWARE``.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler


def token_api_request(environ) -> bool:
    """Whether a request is an API call with a bearer token: one that ninja's ``HttpBearer`` and the
    docs' check both take for a token, so it is answered by the token alone (a bad one is a 401)."""
    return environ.get("PATH_INFO", "").startswith("/api/") and environ.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Bearer ")


class TokenChain:
    """A Django handler with the middleware of ``API_TOKEN_MIDDLEWARE`` in place of ``MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_TOKEN_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class TokenApiHandler(TokenChain, WSGIHandler):
    """The server's handler of token calls."""


def anonymous_middleware(get_response):
    """No session here: the request starts anonymous, and the token makes it its user."""
    from django.contrib.auth.models import AnonymousUser

    def middleware(request):
        request.user = AnonymousUser()
        return get_response(request)

    return middleware


class Application:
    """The server's WSGI callable: a token API call to the short chain, anything else to the full."""

    def __init__(self, full: WSGIHandler, token_api: WSGIHandler):
        self.full, self.token_api = full, token_api

    def __call__(self, environ, start_response):
        handler = self.token_api if token_api_request(environ) else self.full
        return handler(environ, start_response)


def application():
    """The full handler, and the token chain beside it when the settings name one (the benchmark's
    bare Django, served by this same module, has none)."""
    from django.core.wsgi import get_wsgi_application

    full = get_wsgi_application()  # sets Django up
    if getattr(settings, "API_TOKEN_MIDDLEWARE", None) is None:
        return full
    return Application(full, TokenApiHandler())


def test_client_handler(enforce_csrf_checks: bool = False):
    """For Django's test ``Client``: the same two chains, chosen as the server chooses, so the tests
    that call the API with a token go through the token chain (``cordon.testing.api_client``)."""
    from django.test.client import ClientHandler

    class TokenApiClientHandler(TokenChain, ClientHandler):
        pass

    full = ClientHandler(enforce_csrf_checks)
    token_api = TokenApiClientHandler(enforce_csrf_checks)

    def handler(environ):
        return (token_api if token_api_request(environ) else full)(environ)

    return handler
