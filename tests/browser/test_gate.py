"""A guard at the barrier on a phone: the ID number flags the person before the decision, and entries
made without a network are kept and sent once when it comes back."""

from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.checkpoints.services_counts import passage_counts_rebuild
from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, page_errors, screenshot


def test_a_guard_logs_passages_online_and_offline(live_world, page_at):
    live_world.passage.delete()
    passage_counts_rebuild()  # the world's passage taken away, its count with it
    gate = live_world.sjf_gate
    page = page_at(390)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{gate.pk}/gate/")
    # A number pad with an X key beside it (the check character of some ID numbers).
    assert page.get_attribute("#document_number", "inputmode") == "numeric"
    page.fill("#document_number", "13108")
    page.locator(".field:has(#document_number) .id-x").click()
    expect(page.locator("#document_number")).to_have_value("13108X")
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
    # the day's count and list are drawn afresh once the entries are stored
    expect(page.locator("#gate-today-link")).to_contain_text("3")
    expect(page.locator("#gate-today")).to_contain_text("路人丙")

    # a vehicle with the people on board, one more row added for the third
    page.locator("label:has(input[name=subject][value=vehicle])").click()
    page.fill("#plate", "冀R12345")
    page.get_by_role("button", name="再加一人").click()
    rows = page.locator(".occupant-row")
    expect(rows).to_have_count(4)
    expect(rows.nth(3).locator(".id-x")).to_have_count(1)  # the new row's X key works too
    rows.nth(3).locator(".id-x").click()
    expect(rows.nth(3).locator("[name=occupant_document_number]")).to_have_value("X")
    rows.nth(3).locator("[name=occupant_document_number]").fill("")
    rows.nth(0).locator("[name=occupant_name]").fill("司机王某")
    rows.nth(0).locator("[name=occupant_temperature]").fill("36.6")
    rows.nth(3).locator("[name=occupant_name]").fill("乘客李某")
    assert fits_width(page)
    screenshot(page, "gate-vehicle-390")
    page.get_by_role("button", name="放行").click()
    expect(page.locator("#gate-today-link")).to_contain_text("4")
    vehicle = Passage.objects.get(plate="冀R12345")
    assert list(vehicle.occupants.values_list("name", flat=True)) == ["司机王某", "乘客李某"]
    assert page_errors(page) == []
