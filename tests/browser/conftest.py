"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live server.

The tests of one module share one world, built and committed once for the module (the live server
answers from its own thread, so the data must be committed) and flushed at the module's end; a module
runs whole on one test process (``xdist_group``), its tests in the order written. A test that changes
what a later test of its module reads makes its own records instead (new people, new numbers).

Each actor logs in through the form once per module; later tests start with the session it got
(``log_in``). Screenshots are taken only when ``CORDON_SCREENSHOTS=1`` (to look at the pages) and,
whatever that says, of every open page of a test that fails; they are kept under
var/test-artifacts/screens/ (not committed). Without Chromium the tests are skipped, except under CI,
where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screens"
TAKE_SCREENSHOTS = os.environ.get("CORDON_SCREENSHOTS") == "1"

# Playwright's sync API runs an event loop in this thread; the live server's database work happens in
# its own thread, and the test's own ORM calls are synchronous by design.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
            # The database is set up for them, and they run after the tests that roll back...
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _django_db_marker():
    """...but their ``django_db`` mark does not flush the database after each test, as pytest-django's
    fixture of this name would: the module's world lives until the module's end (``module_world``)."""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        for n, page in enumerate(getattr(item, "browser_pages", ())):
            try:
                SCREENS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENS / f"FAILED-{item.name}-{n}.png"), full_page=True)
            except Exception:  # noqa: S110 — a page already closed has nothing to show
                pass
    return report


@pytest.fixture(scope="session")
def chromium(server):
    # Closed before the server stops: the threads that serve its kept-alive connections end with it,
    # closing their database connections before the test database is dropped.
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it when run as root")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium, or run `make test` as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """The live server, one per test process. (pytest-django's ``live_server`` would flush the
    database after every test; the modules' worlds are flushed once each instead.)"""
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        live = LiveServer("localhost")
    if live.thread.connections_override:
        live.thread.httpd.set_app(_one_at_a_time(live.thread.httpd.get_app()))
    hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    hosts.enable()
    yield live
    hosts.disable()
    live.stop()


def _one_at_a_time(app):
    """The live server's application, answering one request at a time.

    On SQLite the test database is in memory, so every thread of the live server shares the test's
    one connection (pytest-django's ``connections_override``): two requests at once then ran their
    statements inside each other's transactions (one's rollback undid the other's insert, "cannot
    open savepoint - SQL statements in progress"), which a real server, a connection per thread,
    never does. The response is read whole inside the lock, so no query of a streamed body escapes it."""
    import threading

    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()

    return serialised


@pytest.fixture(scope="module")
def module_world(server, django_db_blocker):
    """The world of one module, committed; the database is emptied (and given back what the
    migrations put in) at the module's end."""
    from django.core.management import call_command
    from django.db import connections

    from cordon.core.testing import FAST_HASHERS, shared
    from cordon.testing import build_world, restore_migration_data

    shared.release()  # the other tests' world, held in a transaction of this connection, goes first
    with django_db_blocker.unblock():
        from django.test import override_settings

        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            world = build_world()
        world.sessions = {}
        try:
            yield world
        finally:
            call_command("flush", verbosity=0, interactive=False)
            restore_migration_data()
            # With Playwright's event loop running in this thread, Django gives the tests their own
            # connection (asgiref's context-local storage): close it, or it outlives the test database.
            connections.close_all()


@pytest.fixture
def live_world(module_world, django_db_blocker):
    """The module's world; the test may read and write the database (committed, as the server does)."""
    with django_db_blocker.unblock():
        yield module_world


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def width(request):
    return request.param


@pytest.fixture
def page_at(request, chromium, server, live_world):
    """A fresh page of the given width; console errors (CSP violations among them) are collected."""
    contexts = []
    request.node.browser_pages = []

    def _page(width: int):
        context = chromium.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.base = server.url
        page.sessions = live_world.sessions
        request.node.browser_pages.append(page)
        return page

    yield _page
    for context in contexts:
        context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Keep a picture of the page to look at (with ``CORDON_SCREENSHOTS=1``)."""
    path = SCREENS / f"{name}.png"
    if TAKE_SCREENSHOTS:
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(page, username: str, password: str):
    """Log in as the form does, once per actor and module: later tests start with the session cookie
    that login gave, and fall back to the form when it no longer holds (a password changed, a logout)."""
    saved = page.sessions.get((username, password))
    if saved:
        page.context.add_cookies(saved)
        page.goto(page.base + "/")
        page.wait_for_load_state("networkidle")
        if "/accounts/login/" not in page.url:
            return
        page.context.clear_cookies()
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    if "/accounts/login/" not in page.url:
        page.sessions[(username, password)] = page.context.cookies()


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# What Chromium itself logs while the phone has no signal: the page's failed fetches and the service
# worker's script that could not be fetched. Anything else in the console is the page's own error.
OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "error occurred when fetching the script")


def page_errors(page) -> list[str]:
    """The console errors of the page's own making, the browser's offline notices left out."""
    return [e for e in page.console_errors if not any(noise in e for noise in OFFLINE_NOISE)]
