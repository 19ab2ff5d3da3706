"""Each role's home opens on its day's work, on a phone and on a desktop (screenshots with
CORDON_SCREENSHOTS=1, to look at)."""

import pytest
from playwright.sync_api import expect

from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, screenshot

HOMES = [
    ("guard", "work-guard"),
    ("clerk", "work-clerk"),
    ("head", "work-head"),
    ("health", "work-health"),
    ("commander", "work-town"),
]


@pytest.mark.parametrize(("who", "section"), HOMES)
def test_each_roles_home_starts_with_its_work(live_world, page_at, width, who, section):
    page = page_at(width)
    log_in(page, who, PASSWORD)
    page.goto(page.base + "/")
    expect(page.locator(f"#{section}")).to_be_visible()
    assert page.locator(f"#{section}").bounding_box()["y"] < 400  # at the top, not under the figures
    assert fits_width(page)
    # Every menu entry fits the desktop's menu bar (我的 was cut off at 1280 px).
    if width >= 1280:
        last = page.locator("nav.nav li").last
        if last.count():
            box = last.bounding_box()
            assert box["x"] + box["width"] <= width
    screenshot(page, f"home-{who}-{width}")
    assert page.console_errors == []
