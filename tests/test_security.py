"""Settings that are safe by default, and the headers every page carries."""

import re

from django.conf import settings


def test_passwords_are_hashed_with_argon2_by_default():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    encoded = Argon2PasswordHasher().encode("a password", "somesaltsomesalt")
    assert encoded.startswith("argon2$argon2id$")


def test_debug_is_off_by_default_and_cookies_are_secure_then(monkeypatch):
    import importlib

    import config.settings as project_settings

    monkeypatch.delenv("CORDON_DEBUG", raising=False)
    monkeypatch.delenv("CORDON_HTTPS", raising=False)
    fresh = importlib.reload(project_settings)
    try:
        assert fresh.DEBUG is False
        assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE
        assert fresh.SECURE_HSTS_SECONDS > 0
        assert fresh.ALLOWED_HOSTS == ["127.0.0.1", "localhost"]
        assert len(fresh.SECRET_KEY) >= 50
    finally:
        importlib.reload(project_settings)


def test_every_page_sends_a_strict_content_security_policy(world, client, login):
    login(world.commander)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_carry_no_inline_script_or_style(world, client, login):
    login(world.commander)
    for path in [
        "/",
        "/accounts/areas/",
        "/checkpoints/",
        "/accounts/users/",
        f"/accounts/users/{world.clerk.pk}/",
        "/accounts/me/",
        "/audit/",
        f"/accounts/areas/{world.sjf.code}/",
        "/accounts/login/",
    ]:
        body = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), path
        assert " style=" not in body and "<style" not in body, path
        assert "http://" not in body.replace("http://127.0.0.1", "") and "https://" not in body, path


def test_front_end_packages_are_served_by_the_app(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/htmx/htmx.min.js")
    assert finders.find("vendor/echarts/echarts.min.js")


def test_phone_numbers_and_secrets_never_reach_the_logs(world, client, login, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    login(world.commander)
    client.post(
        "/accounts/users/new/",
        {
            "username": "wangwu",
            "full_name": "王五",
            "phone": "13812345678",
            "area": world.sjf.code,
            "role": "",
            "role_area": "",
        },
    )
    assert "13812345678" not in caplog.text


def test_healthz_answers_without_login(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_errors_are_json_under_the_api_and_chinese_pages_elsewhere(world, client, login):
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    login(world.clerk)
    page = client.get("/nowhere/")
    assert page.status_code == 404 and "页面或记录不存在" in page.content.decode()


def test_session_and_csrf_cookie_names_are_the_apps_own():
    assert settings.SESSION_COOKIE_NAME == "cordon_session" and settings.CSRF_COOKIE_NAME == "cordon_csrf"


def test_the_policy_written_once_is_django_csps_and_follows_the_settings(world, api_client, settings):
    from csp.utils import build_policy

    response = api_client(world.clerk).get("/api/v1/accounts/me")
    assert response["Content-Security-Policy"] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = api_client(world.clerk).get("/api/v1/accounts/me")
    assert response["Content-Security-Policy"] == "default-src 'none'"
