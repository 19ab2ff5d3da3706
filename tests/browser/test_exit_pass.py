"""A guard checks an exit pass card on a phone: the page verifies the token's signature itself (a forged
or altered card fails even offline), then the server adds revocation and records the use."""

from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.core.testing import PASSWORD
from cordon.lockdowns import services, tokens
from tests.browser.conftest import fits_width, log_in, screenshot


def test_a_card_is_verified_offline_from_its_signature_then_used_online(live_world, page_at):
    token = services.pass_token(live_world.exit_pass)
    prefix, body, signature = token.split(".")
    changed = tokens._b64(tokens._unb64(body).replace(b'"v":1', b'"v":2'))
    altered = f"{prefix}.{changed}.{signature}"
    page = page_at(390)
    log_in(page, "guard", PASSWORD)
    # The grid's gate: the pass is for the sealed grid.
    page.goto(page.base + f"/lockdowns/gate/{live_world.grid_gate.pk}/")
    assert page.evaluate("t => window.cordonVerifyPass(t).then(r => r.state)", token) == "valid"
    assert page.evaluate("t => window.cordonVerifyPass(t).then(r => r.state)", altered) == "invalid"
    hints = page.evaluate("t => window.cordonVerifyPass(t).then(r => r.hints)", token)
    assert hints == [services.identity_hint(live_world.grid_person)]

    page.context.set_offline(True)
    page.fill("#short_code", token)
    page.locator("#short_code").dispatch_event("change")
    expect(page.locator("#pass-result")).to_contain_text("有效")
    expect(page.locator("#pass-result")).to_contain_text("无网络")
    screenshot(page, "pass-offline-390")

    page.context.set_offline(False)
    page.fill("#short_code", token)
    page.locator("#short_code").dispatch_event("change")
    expect(page.get_by_role("button", name="外出：登记")).to_be_visible()
    assert fits_width(page)
    screenshot(page, "pass-check-390")
    page.get_by_role("button", name="外出：登记").click()
    expect(page.locator(".messages")).to_contain_text("已记为通行记录")
    assert Passage.objects.filter(exit_pass=live_world.exit_pass, direction="out").count() == 1
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_the_card_prints_on_a_desktop(live_world, page_at):
    page = page_at(1280)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + f"/lockdowns/passes/{live_world.exit_pass.pk}/card/")
    expect(page.locator(".pass-code")).to_have_text(live_world.exit_pass.short_code)
    screenshot(page, "pass-card-1280")
    page.goto(page.base + "/lockdowns/passes/")
    screenshot(page, "passes-1280")
    assert page.console_errors == []
