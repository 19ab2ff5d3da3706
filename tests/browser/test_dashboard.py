"""The commander reads the dashboard on a desktop and on a phone: figures with their change, charts
drawn by ECharts under the strict CSP, the villages as a coloured grid; a figure opens its list."""

from playwright.sync_api import expect

from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, screenshot


def test_the_dashboard_at_phone_and_desktop_width(live_world, page_at, width):
    page = page_at(width)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + "/dashboard/")
    expect(page.locator("h1")).to_contain_text("堂二里镇")
    expect(page.locator(".dash-section h2").first).to_contain_text("摸排外来人员")
    page.locator("#chart-observation canvas").wait_for(state="attached")
    page.locator("#chart-passages canvas").wait_for(state="attached")
    expect(page.locator(".dash-cell.dash-sealed")).to_contain_text("四间房村")
    assert fits_width(page)
    # Two figures to a row on a phone; more on a desktop.
    tops = page.eval_on_selector_all(
        ".dash-figures .dash-figure", "els => els.slice(0, 4).map(e => e.getBoundingClientRect().top)"
    )
    per_row = sum(1 for t in tops if t == tops[0])
    assert per_row == (2 if width == 390 else 4)
    screenshot(page, f"dashboard-{width}")
    # A past day: the charts of February 2020 (the case confirmed on 9 February).
    page.fill("#dash-date", "2020-02-20")
    page.click("#dash-filters button")
    page.locator("#chart-curve canvas").wait_for(state="attached")
    page.locator("#chart-arrivals canvas").wait_for(state="attached")
    assert fits_width(page)
    screenshot(page, f"dashboard-2020-02-20-{width}")
    # A figure opens the list it counts.
    page.click(".dash-figure[data-key='cases.confirmed']")
    expect(page.locator(".rows")).to_contain_text("廊坊市第99例")
    assert page.console_errors == []
