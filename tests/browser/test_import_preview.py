"""The preview of a ledger as a village keeps it (merged family cells, a subtotal, totals and signature
lines, phones written 无): the skipped rows and the notes read on a phone and on a desktop."""

from cordon.core import jobs
from cordon.core.testing import PASSWORD
from cordon.people.jobs import queue_import
from cordon.people.tests.test_import_town_ledgers import wps_ledger
from tests.browser.conftest import fits_width, log_in, screenshot


def test_a_preview_says_what_it_skipped_and_what_it_did_not_keep(live_world, page_at, width, tmp_path):
    path = wps_ledger(tmp_path / "四间房村台账.xlsx")
    job = queue_import(
        actor=live_world.clerk,
        area=live_world.sjf,
        stored_file=str(path),
        filename=path.name,
        dry_run=True,
    )
    jobs.run_pending()
    job.refresh_from_db()
    assert job.result["skipped"] == 4 and job.result["rejected"] == 0, job.result
    page = page_at(width)
    log_in(page, "clerk", PASSWORD)
    response = page.goto(f"{page.base}/people/imports/{job.pk}/")
    assert response.status == 200
    body = page.content()
    assert "跳过（非人员行）" in body and "合计行" in body and "“无”不是电话号码" in body
    assert "未写年份的日期" in body
    assert fits_width(page), f"the import preview scrolls sideways at {width} px"
    screenshot(page, f"import-preview-{width}")
    assert page.console_errors == []
