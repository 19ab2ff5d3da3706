"""Every page of the cases, checkpoint and sealed-area modules a phone may open, at 390 px: no sideways
scrolling, no console error, and a screenshot to look at."""

import pytest

from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, screenshot


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("health", "/cases/"),
        ("health", "/cases/new/"),
        ("health", "/cases/sites/"),
        ("health", "/cases/sites/{site}/"),
        ("commander", "/checkpoints/{gate}/roster/"),
        ("commander", "/checkpoints/on-duty/"),
        ("commander", "/checkpoints/passages/"),
        ("guard", "/checkpoints/{gate}/passages/"),
        ("commander", "/lockdowns/"),
        ("clerk", "/lockdowns/{lockdown}/"),
        ("clerk", "/lockdowns/passes/new/"),
        ("head", "/lockdowns/passes/{pass}/"),
    ],
)
def test_page_reads_on_a_phone(live_world, page_at, user, path):
    url = path.format(
        site=live_world.site.pk,
        gate=live_world.sjf_gate.pk,
        lockdown=live_world.lockdown.pk,
        **{"pass": live_world.exit_pass.pk},
    )
    page = page_at(390)
    log_in(page, user, PASSWORD)
    response = page.goto(page.base + url)
    assert response.status == 200
    assert fits_width(page), f"{url} scrolls sideways at 390 px"
    screenshot(page, "narrow" + url.replace("/", "-").rstrip("-"))
    assert page.console_errors == []
