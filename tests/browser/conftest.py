"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live server.

Screenshots are kept under var/test-artifacts/screens/ (not committed). Without Chromium the tests are
skipped, except under CI, where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screens"

# Playwright's sync API runs an event loop in this thread; the live server's database work happens in
# its own thread, and the test's own ORM calls are synchronous by design.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The live server needs committed data (build_world restores what migrations put in).
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def chromium():
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


@pytest.fixture
def live_world(transactional_db):
    from cordon.core.testing import build_world

    return build_world()


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def width(request):
    return request.param


@pytest.fixture
def page_at(chromium, live_server):
    """A fresh page of the given width; console errors (CSP violations among them) are collected."""
    contexts = []

    def _page(width: int):
        context = chromium.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.base = live_server.url
        return page

    yield _page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
