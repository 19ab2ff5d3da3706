"""A health worker on a phone: traces a case's contacts in one go, sees them on the case's page, and the
chain as a graph and a list."""

from playwright.sync_api import expect

from cordon.cases.models import ContactLink
from cordon.core.testing import PASSWORD
from cordon.people.testing import id_number
from tests.browser.conftest import fits_width, log_in, screenshot


def test_tracing_contacts_on_a_phone_then_the_chain(live_world, page_at):
    case = live_world.case
    page = page_at(390)
    log_in(page, "health", PASSWORD)
    page.goto(page.base + f"/cases/{case.pk}/contacts/")
    page.select_option("#id_degree", "close")  # no default: the health worker chooses
    page.select_option("#id_setting", "meal")
    page.fill("#id_last_exposure", "2020-02-08")
    names = page.locator("input[name=row_name]")
    numbers = page.locator("input[name=row_document_number]")
    names.nth(0).fill("张接触")
    numbers.nth(0).fill(id_number("13108119880808011"))
    names.nth(1).fill("李接触")
    numbers.nth(1).fill("131081198808080999")  # a wrong check character
    assert fits_width(page)
    page.click("button.primary")
    expect(page.locator(".contact-row.has-error")).to_contain_text("校验")
    assert not ContactLink.objects.filter(person__name="张接触").exists()
    # Both rows are still there, the first as typed; fix the second and add a third row.
    expect(page.locator("input[name=row_name]").nth(0)).to_have_value("张接触")
    page.locator("input[name=row_document_number]").nth(1).fill(id_number("13108119880808022"))
    page.click("#add-row")
    page.locator("input[name=row_name]").last.fill("王接触")
    page.fill("#id_last_exposure", "2020-02-08")
    screenshot(page, "contacts-add-390")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text("已追踪 3 名接触者")
    expect(page.locator("#contacts")).to_contain_text("王接触")
    assert fits_width(page)
    screenshot(page, "case-390")
    page.goto(page.base + f"/cases/{case.pk}/chain/")
    expect(page.locator("table")).to_contain_text("张接触")
    page.locator("#chain-graph canvas").wait_for(state="attached")
    screenshot(page, "chain-390")
    assert page.console_errors == []


def test_case_list_and_site_pages_on_a_desktop(live_world, page_at):
    page = page_at(1280)
    log_in(page, "health", PASSWORD)
    page.goto(page.base + "/cases/")
    expect(page.locator("h1")).to_contain_text("病例")
    expect(page.locator(".rows")).to_contain_text("廊坊市第99例")
    page.locator("#curve canvas").wait_for(state="attached")
    screenshot(page, "cases-1280")
    page.goto(page.base + f"/cases/sites/{live_world.site.pk}/")
    expect(page.locator("h1")).to_contain_text("镇集中隔离点")
    expect(page.locator(".tile").first).to_contain_text("1 / 40")
    screenshot(page, "site-1280")
    page.goto(page.base + f"/cases/{live_world.case.pk}/chain/")
    page.locator("#chain-timeline canvas").wait_for(state="attached")
    screenshot(page, "chain-1280")
    assert page.console_errors == []


def test_the_chain_graph_tooltip_shows_record_text_as_text(live_world, page_at):
    """Issue 21: the tooltip rendered a case's text as HTML (only the CSP stopped an <img onerror>)."""
    case = live_world.case
    type(case).objects.filter(pk=case.pk).update(authority='<img id="pwned" src="x">廊坊市')
    page = page_at(1280)
    log_in(page, "health", PASSWORD)
    page.goto(page.base + f"/cases/{case.pk}/chain/")
    page.locator("#chain-graph canvas").wait_for(state="attached")
    page.evaluate(
        "() => window.echarts.getInstanceByDom(document.getElementById('chain-graph'))"
        ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})"
    )
    expect(page.locator("#chain-graph")).to_contain_text('<img id="pwned"')
    assert page.locator("#pwned").count() == 0
