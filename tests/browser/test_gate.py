"""A guard at the barrier on a phone: the ID number flags the person before the decision, and entries
made without a network are kept and sent once when it comes back."""

from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, screenshot


def test_a_guard_logs_passages_online_and_offline(live_world, page_at):
    live_world.passage.delete()
    gate = live_world.sjf_gate
    page = page_at(390)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{gate.pk}/gate/")
    page.fill("#document_number", live_world.yin.document_number)  # 18 characters: checked at once
    expect(page.locator("#gate-flags")).to_contain_text("医学观察中")
    expect(page.locator("#gate-flags")).to_contain_text("尹某某")
    page.fill("#temperature", "36.4")
    page.fill("#reason", "观察期内不得外出")
    assert fits_width(page)
    screenshot(page, "gate-390")
    page.get_by_role("button", name="劝返").click()
    expect(page.locator("#gate-queue")).to_contain_text("已保存")
    assert Passage.objects.get().decision == "turned_back"

    page.context.set_offline(True)
    page.fill("#name", "路人乙")
    page.fill("#temperature", "36.7")
    page.get_by_role("button", name="放行").click()
    expect(page.locator("#gate-queue")).to_contain_text("无网络")
    page.fill("#name", "路人丙")
    page.get_by_role("button", name="放行").click()
    assert Passage.objects.count() == 1
    screenshot(page, "gate-offline-390")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#gate-queue")).to_contain_text("已保存")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # sent again: nothing doubles
    page.wait_for_timeout(500)
    assert sorted(Passage.objects.values_list("name", flat=True)) == ["尹某某", "路人丙", "路人乙"]
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
