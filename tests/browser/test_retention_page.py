"""The retention page on a phone and on a desktop: the commander sets a period (a bad one refused on
its field), sees the dry run, runs it once after confirming, and reads the run in the history."""

from cordon.core.models import AuditEntry
from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, screenshot


def test_the_commander_sets_previews_and_runs_retention(live_world, page_at, width):
    page = page_at(width)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + "/")
    page.click('nav a[href="/retention/"]')
    page.wait_for_load_state("networkidle")
    assert "保留期限" in page.inner_text("h1") and fits_width(page)
    page.fill("#id_passages-days", "-3")
    page.click("form:has(#id_passages-days) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "记录至少保留 28 天" in page.inner_text("form:has(#id_passages-days) .errors")
    screenshot(page, f"retention-error-{width}")
    page.fill("#id_passages-days", "60")
    page.click("form:has(#id_passages-days) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "保留 60 天" in page.inner_text("main")
    screenshot(page, f"retention-{width}")
    runs = AuditEntry.objects.filter(action="retention.run").count()
    page.click("text=执行清理…")
    page.wait_for_load_state("networkidle")
    assert fits_width(page)
    screenshot(page, f"retention-run-{width}")
    page.click("text=确认执行")
    page.wait_for_load_state("networkidle")
    assert "清理完成" in page.inner_text("main") and fits_width(page)
    assert AuditEntry.objects.filter(action="retention.run").count() == runs + 1
    screenshot(page, f"retention-done-{width}")
    assert page.console_errors == []
