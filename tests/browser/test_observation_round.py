"""The clerk's round on a phone: temperatures saved as they are typed, kept while offline, sent once."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from cordon.core.testing import PASSWORD
from cordon.observation import services
from cordon.observation.models import HealthCheck
from cordon.people import services as people_services
from cordon.people.testing import id_number
from tests.browser.conftest import fits_width, log_in, page_errors, screenshot


def _observed(world, name, n):
    person, _arrival, _created = people_services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={
            "name": name,
            "document_number": id_number(f"13108119950505{n:03d}"),
            "address": f"东街{n}号",
        },
        arrival_data={"origin_text": "北京市", "arrival_date": timezone.localdate() - timedelta(days=3)},
    )
    return services.period_open(
        actor=world.clerk,
        person=person,
        reason="contact",
        exposure_date=timezone.localdate() - timedelta(days=2),
    )


def test_a_round_saves_each_temperature_keeps_it_offline_and_sends_it_once(live_world, page_at):
    first, second, third = (
        _observed(live_world, name, n) for n, name in enumerate(("甲某", "乙某", "丙某"), 1)
    )
    page = page_at(390)
    log_in(page, "clerk", PASSWORD)
    page.goto(page.base + f"/observation/round/?area={live_world.sjf.code}")
    assert page.locator("h1").inner_text() == "测温巡查"
    row = page.locator(f"#p{first.pk}")
    row.locator("input.temp").fill("36.6")
    row.locator("input.temp").press("Enter")
    expect(row.locator(".state")).to_contain_text("已保存")

    page.context.set_offline(True)
    row = page.locator(f"#p{second.pk}")
    row.locator("input.temp").fill("36.8")
    row.get_by_role("button", name="保存").click()
    expect(row.locator(".state")).to_contain_text("已存在本机")
    expect(page.locator("#round-queue")).to_contain_text("1 条体温尚未发送")
    screenshot(page, "round-offline-390")
    assert not HealthCheck.objects.filter(period=second).exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(row.locator(".state")).to_contain_text("已保存")
    expect(page.locator("#round-queue")).to_be_hidden()

    row = page.locator(f"#p{third.pk}")
    row.locator("input.temp").fill("38.2")
    row.locator("input.temp").press("Enter")
    expect(row.locator(".state")).to_contain_text("预警")
    expect(row).to_have_class("round-row alerting")
    bad = page.locator(f"#p{first.pk}")
    bad.locator("input.temp").fill("365")
    bad.locator("input.temp").press("Enter")
    expect(bad.locator(".state")).to_contain_text("36.5")  # says how to write it, sends nothing
    assert fits_width(page), "the round scrolls sideways"
    screenshot(page, "round-390")
    assert [HealthCheck.objects.filter(period=p).count() for p in (first, second, third)] == [1, 1, 1]
    expect(page.locator("#round-done")).to_have_text("3")
    assert str(HealthCheck.objects.get(period=first).temperature) == "36.6"
    assert page_errors(page) == []  # the offline save


def test_triage_and_a_period_page_read_well_on_both_widths(live_world, page_at, width):
    period = _observed(live_world, "丁某", 4 if width == 390 else 5)  # the module shares one world
    page = page_at(width)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + "/observation/")
    expect(page.locator("nav.tabs")).to_contain_text("未报告")
    assert fits_width(page)
    screenshot(page, f"triage-{width}")
    page.goto(page.base + f"/observation/periods/{period.pk}/")
    expect(page.locator("h1")).to_contain_text("丁某")
    assert fits_width(page)
    screenshot(page, f"period-{width}")
    page.goto(page.base + "/observation/protocol/")
    expect(page.locator("table.editions")).to_contain_text("第九版防控方案")
    screenshot(page, f"protocol-{width}")
    assert page.console_errors == []
