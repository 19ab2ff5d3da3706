"""Issue 20: API calls with a token take a shorter middleware chain (config/handlers.py), and lose
none of the protections that apply to them; the pages' own API calls with the session keep the full
chain and its CSRF check. The server's own WSGI callable is called, as gunicorn calls it."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config.handlers import Application, TokenApiHandler, token_api_request


@pytest.fixture
def application(db):
    from django.core.handlers.wsgi import WSGIHandler

    # As Django's test client does: the test's transaction is not closed by the request's end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Application(WSGIHandler(), TokenApiHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(application, method, path, *, body=b"", token=None, cookies=None, host="127.0.0.1", query=""):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if cookies:
        environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"], answered["headers"] = int(status[:3]), dict(headers)

    chunks = application(environ, start_response)
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answered["status"], answered["headers"], content


@pytest.fixture
def token(world):
    from cordon.accounts import services

    _token, secret = services.token_create(actor=world.guard, name="chain")
    return secret


@pytest.fixture
def session(world, client, settings):
    client.force_login(world.guard)
    name = settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def passage(client_id="chain-1"):
    return json.dumps(
        {
            "client_id": client_id,
            "direction": "in",
            "decision": "allowed",
            "name": "路人",
            "temperature": "36.5",
        }
    ).encode()


def test_only_api_calls_with_a_bearer_token_take_the_token_chain():
    assert token_api_request({"PATH_INFO": "/api/v1/people/", "HTTP_AUTHORIZATION": "Bearer cdn_x"})
    assert not token_api_request({"PATH_INFO": "/api/v1/people/"})  # the pages' calls, with the session
    assert not token_api_request({"PATH_INFO": "/api/v1/people/", "HTTP_AUTHORIZATION": "Basic eDp5"})
    assert not token_api_request({"PATH_INFO": "/people/", "HTTP_AUTHORIZATION": "Bearer cdn_x"})


def test_the_token_chain_is_the_full_chain_less_the_browsers_part(settings):
    short = [name for name in settings.API_TOKEN_MIDDLEWARE if name != "config.handlers.anonymous_middleware"]
    assert [name for name in settings.MIDDLEWARE if name in short] == short  # same order, nothing new
    for kept in (
        "django.middleware.security.SecurityMiddleware",
        "cordon.core.edge.body_limit_middleware",
        "cordon.core.edge.edge_middleware",
        "django.middleware.common.CommonMiddleware",
        "cordon.core.middleware.ContentSecurityPolicyMiddleware",
    ):
        assert kept in short


def test_a_token_call_is_stored_and_carries_the_same_security_headers(application, world, token):
    path = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    status, headers, _body = call(application, "POST", path, body=passage(), token=token)
    assert status == 201
    # The same call without a token goes through the full chain (and is refused): same headers.
    _status, full_headers, _body = call(application, "POST", path, body=passage("chain-2"))
    for name in (
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Security-Policy",
        "Cache-Control",
        "Content-Language",
    ):
        assert headers.get(name), name
        assert headers[name] == full_headers.get(name), name
    assert "no-store" in headers["Cache-Control"]
    assert "Set-Cookie" not in headers  # no session, no CSRF cookie


def test_a_bad_token_is_refused_even_with_a_valid_session(application, world, session):
    path = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    status, _headers, body = call(
        application, "POST", path, body=passage(), token="cdn_forged", cookies=session
    )
    assert status == 401
    assert json.loads(body)["code"] == "invalid_token"
    status, _headers, body = call(application, "GET", "/api/v1/checkpoints/", token=" ", cookies=session)
    assert status == 401


def test_a_session_call_still_needs_its_csrf_token(application, world, session):
    path = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    status, _headers, body = call(application, "POST", path, body=passage(), cookies=session)
    assert status == 403
    assert json.loads(body)["code"] == "csrf_failed"
    status, _headers, _body = call(application, "GET", "/api/v1/checkpoints/", cookies=session)
    assert status == 200  # a read with the session is answered


def test_a_token_call_keeps_the_body_limit_the_host_check_and_the_edge(application, world, token, settings):
    path = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    big = json.dumps({"name": "张" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}).encode()
    status, _headers, body = call(application, "POST", path, body=big, token=token)
    assert status == 413
    assert json.loads(body)["code"] == "too_large"
    status, _headers, _body = call(
        application, "GET", "/api/v1/checkpoints/", token=token, host="evil.example"
    )
    assert status == 400
    status, _headers, body = call(application, "GET", "/api/v1/checkpoints/", token=token, query="q=%00")
    assert status == 422
    assert json.loads(body)["code"] == "invalid_characters"
    status, _headers, body = call(application, "GET", "/api/v1/checkpoints/", token=token)
    assert status == 200
