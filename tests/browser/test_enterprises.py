"""Enterprise reopening on a phone: the list, an enterprise's page, the application checklist and an
inspection recorded in the field at 390 px — no sideways scrolling, no console error, screenshots —
and the list and detail at 1280 px for the command centre."""

import pytest
from playwright.sync_api import expect

from cordon.core.testing import PASSWORD
from cordon.enterprises.models import Finding, Inspection
from tests.browser.conftest import fits_width, log_in, screenshot


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("commander", "/enterprises/"),
        ("commander", "/enterprises/{enterprise}/"),
        ("clerk", "/enterprises/new/"),
        ("clerk", "/enterprises/{closed}/apply/"),
        ("commander", "/enterprises/applications/{application}/decide/"),
        ("staff", "/enterprises/{enterprise}/inspect/"),
        ("staff", "/enterprises/findings/{finding}/rectify/"),
    ],
)
def test_page_reads_on_a_phone_and_a_desk(live_world, page_at, user, path, width):
    url = path.format(
        enterprise=live_world.enterprise.pk,
        closed=live_world.enterprise.pk,
        application=live_world.application.pk,
        finding=live_world.finding.pk,
    )
    page = page_at(width)
    log_in(page, user, PASSWORD)
    response = page.goto(page.base + url)
    assert response.status == 200
    assert fits_width(page), f"{url} scrolls sideways at {width} px"
    screenshot(page, f"enterprises{url.replace('/', '-').rstrip('-')}-{width}")
    assert page.console_errors == []


def test_an_inspector_records_a_finding_on_a_phone(live_world, page_at):
    page = page_at(390)
    log_in(page, "staff", PASSWORD)
    page.goto(page.base + f"/enterprises/{live_world.enterprise.pk}/inspect/")
    for item in page.locator(".checklist-item").all():
        item.get_by_text("是", exact=True).click()
    page.check("#id_rectified_0")
    page.fill("#id_inspected_on", "2020-03-02")
    page.fill("#id_rectification_note", "已设置专用垃圾桶")
    page.fill("#id_finding_1", "入口登记不全")
    page.fill("#id_finding_1_deadline", "2020-03-05")
    assert fits_width(page)
    screenshot(page, "enterprises-inspect-filled-390")
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.locator("h1")).to_contain_text(live_world.enterprise.name)
    assert Inspection.objects.count() == 2
    assert Finding.objects.get(description="入口登记不全").is_open
    screenshot(page, "enterprises-after-inspection-390")
