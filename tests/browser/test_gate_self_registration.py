"""扫码登记 and the person picker on a phone: a visitor fills in their own entry from the gate's QR link,
the guard sees it waiting, checks it and decides; a clerk picks people for a pass by searching."""

from playwright.sync_api import expect

from cordon.checkpoints.models import Passage, SelfRegistration
from cordon.core.testing import PASSWORD
from cordon.people.testing import id_number
from tests.browser.conftest import fits_width, log_in, screenshot


def test_a_visitor_self_registers_and_the_guard_decides(live_world, page_at, width):
    guard = page_at(width)
    log_in(guard, "guard", PASSWORD)
    guard.goto(guard.base + f"/checkpoints/{live_world.sjf_gate.pk}/gate/visit-qr/")
    expect(guard.locator(".visit-qr svg")).to_be_visible()
    assert fits_width(guard)
    screenshot(guard, f"visit-qr-{width}")
    link = guard.locator(".visit-url").inner_text().strip()

    visitor = page_at(width)  # the visitor's own phone: no account
    visitor.goto(link)
    expect(visitor.locator("h1, .brand")).to_contain_text("扫码登记")
    visitor.fill("#v-name", "赵来访")
    visitor.fill("#v-id", id_number("11010519850307003"))
    visitor.fill("#v-phone", "13911112222")
    visitor.fill("#v-origin", "霸州市区")
    visitor.fill("#v-purpose", "探亲")
    visitor.fill("#v-visited", "尹某某")
    visitor.fill("#v-visited-phone", "13812345678")
    visitor.fill("#v-temp", "36.5")
    assert fits_width(visitor)
    screenshot(visitor, f"visit-form-{width}")
    visitor.get_by_role("button", name="提交").click()
    expect(visitor.locator(".messages")).to_contain_text("已收到")
    assert "赵来访" not in visitor.content()
    screenshot(visitor, f"visit-done-{width}")

    entry = SelfRegistration.objects.filter(name="赵来访", status="waiting").get()
    guard.goto(guard.base + f"/checkpoints/{live_world.sjf_gate.pk}/gate/")
    queue = guard.locator("#gate-visitors")
    expect(queue).to_contain_text("自助登记，待门岗核验")
    expect(queue).to_contain_text("赵来访")
    assert fits_width(guard)
    screenshot(guard, f"gate-visitors-{width}")
    queue.locator("li", has_text="赵来访").get_by_role("link", name="核验").click()
    expect(guard.locator("#visited_name")).to_have_value("尹某某")
    expect(guard.locator(".visit-banner")).to_be_visible()
    guard.get_by_role("button", name="放行").click()
    expect(guard.locator("#gate-queue")).to_contain_text("已保存")
    entry.refresh_from_db()
    assert entry.status == "decided"
    passage = Passage.objects.get(pk=entry.passage_id)
    assert passage.visited_phone == "13812345678" and passage.name == "赵来访"
    assert [e for e in guard.console_errors + visitor.console_errors if "Content Security" in e] == []


def test_the_pass_form_picks_people_by_search(live_world, page_at, width):
    page = page_at(width)
    log_in(page, "clerk", PASSWORD)
    page.goto(page.base + "/lockdowns/passes/new/")
    search = page.locator(".picker-search")
    search.fill("ymm")
    choice = page.locator(".picker-choice").first
    expect(choice).to_contain_text("尹某某")
    assert live_world.yin.document_number not in choice.inner_text()
    choice.click()
    expect(page.locator("#id_id_numbers")).to_have_value(f"#{live_world.yin.pk} 尹某某")
    assert fits_width(page)
    screenshot(page, f"pass-picker-{width}")
    assert [e for e in page.console_errors if "Content Security" in e] == []


def test_the_guards_home_shows_the_shift_and_the_lists_age(live_world, page_at, width):
    page = page_at(width)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{live_world.sjf_gate.pk}/gate/")
    expect(page.locator("#field-lists")).to_contain_text("核查名单")
    page.goto(page.base + "/")
    ages = page.locator("#work-guard .list-ages").first
    expect(ages).to_contain_text("核查名单（观察、隔离、封控无证）更新于")
    expect(ages).to_contain_text("吊销名单更新于")
    expect(page.locator("#work-guard")).to_contain_text("班")
    assert fits_width(page)
    screenshot(page, f"home-guard-lists-{width}")
