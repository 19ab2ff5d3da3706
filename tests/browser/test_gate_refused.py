"""Nothing lost at the gate: an entry the server refuses stays on the phone, its Chinese message next
to the field, until the guard fixes or discards it — whether refused at once or when entries kept
offline are sent later."""

from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.core.testing import PASSWORD
from tests.browser.conftest import log_in, page_errors, screenshot


def test_a_refused_entry_stays_with_its_message_until_fixed(live_world, page_at):
    gate = live_world.sjf_gate
    page = page_at(390)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{gate.pk}/gate/")
    page.fill("#name", "路人丁")
    page.fill("#temperature", "37.9")
    page.get_by_role("button", name="移交处置").click()  # a referral needs a reason
    expect(page.locator("#gate-queue")).to_contain_text("未被接收")
    reason_box = page.locator(".field:has(#reason)")
    expect(reason_box.locator(".errors")).to_contain_text("请写明原因")
    expect(page.locator("#name")).to_have_value("路人丁")  # the form keeps the entry
    expect(page.locator("#gate-refused-list")).to_contain_text("原因：请写明原因")
    assert "reason" not in page.locator("#gate-pending").inner_text()
    screenshot(page, "gate-refused-390")
    assert not Passage.objects.filter(name="路人丁").exists()

    # Still on the phone after a reload, until the guard fixes it.
    page.reload()
    expect(page.locator("#gate-refused-list li")).to_have_count(1)
    page.get_by_role("button", name="改正").click()
    expect(page.locator("#name")).to_have_value("路人丁")
    expect(page.locator(".field:has(#reason) .errors")).to_contain_text("请写明原因")
    page.fill("#reason", "发热，送发热门诊")
    page.get_by_role("button", name="移交处置").click()
    expect(page.locator("#gate-queue")).to_contain_text("已保存")
    expect(page.locator("#gate-pending")).to_be_hidden()
    expect(page.locator("#name")).to_have_value("")
    assert Passage.objects.filter(name="路人丁", decision="referred").count() == 1


def test_an_offline_entry_refused_at_sync_is_listed_and_can_be_discarded(live_world, page_at):
    gate = live_world.sjf_gate
    page = page_at(390)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{gate.pk}/gate/")
    page.context.set_offline(True)
    page.fill("#name", "路人戊")
    page.get_by_role("button", name="劝返").click()  # no reason: refused once sent
    expect(page.locator("#gate-queue")).to_contain_text("无网络")
    page.fill("#name", "路人己")
    page.get_by_role("button", name="放行").click()
    expect(page.locator("#gate-waiting-count")).to_contain_text("2")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#gate-queue")).to_contain_text("1 条记录未被接收")
    expect(page.locator("#gate-refused-list")).to_contain_text("路人戊")
    expect(page.locator("#gate-refused-list")).to_contain_text("原因：请写明原因")
    assert Passage.objects.filter(name="路人己").count() == 1
    assert not Passage.objects.filter(name="路人戊").exists()
    screenshot(page, "gate-refused-list-390")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="放弃").click()
    expect(page.locator("#gate-pending")).to_be_hidden()
    assert page.evaluate("window.cordonGateRecords().then(r => r.length)") == 0
    assert page_errors(page) == []
