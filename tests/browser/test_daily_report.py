"""The daily report on a phone and a desk: the town's report readable at 390 and 1280 px without
sideways scrolling or console errors; the command centre generates, remarks and sends it; a county
sees its towns side by side."""

import pytest
from playwright.sync_api import expect

from cordon.core.testing import PASSWORD
from cordon.reports.models import DailyReport
from tests.browser.conftest import fits_width, log_in, screenshot


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("user", "query"),
    [
        ("commander", "area=131081103000&date=2020-02-21"),
        ("viewer", "area=131081000000&date=2020-02-21"),
    ],
)
def test_the_report_reads_on_a_phone_and_a_desk(live_world, page_at, user, query, width):
    page = page_at(width)
    log_in(page, user, PASSWORD)
    response = page.goto(page.base + "/reports/daily/?" + query)
    assert response.status == 200
    expect(page.locator(".report-text")).to_contain_text("截至2月21日24时")
    assert fits_width(page), f"the report scrolls sideways at {width} px"
    screenshot(page, f"daily-report-{user}-{width}")
    page.locator(".report-tables").scroll_into_view_if_needed()
    screenshot(page, f"daily-report-{user}-{width}-tables", full_page=False)  # what the eye meets there
    assert page.console_errors == []


def test_the_command_centre_generates_remarks_and_sends(live_world, page_at):
    page = page_at(390)
    log_in(page, "staff", PASSWORD)
    page.goto(page.base + "/reports/daily/?area=131081103000&date=2020-02-21")
    page.get_by_role("button", name="生成日报草稿").click()
    expect(page.locator(".report-meta")).to_contain_text("草稿")
    page.fill("#remarks", "四间房村继续封闭管理。")
    page.get_by_role("button", name="保存备注").click()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="报送日报").click()
    expect(page.locator(".report-meta")).to_contain_text("已报送")
    assert asked and "报送" in asked[0]  # sending is asked once: it cannot be undone
    expect(page.locator(".report-remarks")).to_contain_text("四间房村继续封闭管理。")
    assert fits_width(page)
    screenshot(page, "daily-report-sent-390")
    assert DailyReport.objects.get(area_id="131081103000", day="2020-02-21").is_sent
