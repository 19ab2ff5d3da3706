"""A guard checks an exit pass card on a phone: the page verifies the token's signature itself (a forged
or altered card fails even offline), then the server adds revocation and records the use."""

from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.core.testing import PASSWORD
from cordon.lockdowns import services, tokens
from tests.browser.conftest import fits_width, log_in, page_errors, screenshot


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
    assert page_errors(page) == []


def test_the_card_prints_on_a_desktop(live_world, page_at):
    page = page_at(1280)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + f"/lockdowns/passes/{live_world.exit_pass.pk}/card/")
    expect(page.locator(".pass-code")).to_have_text(live_world.exit_pass.short_code)
    screenshot(page, "pass-card-1280")
    page.goto(page.base + "/lockdowns/passes/")
    screenshot(page, "passes-1280")
    assert page.console_errors == []


def test_the_printed_card_has_no_menu_and_fits_one_a6_page(live_world, page_at, tmp_path):
    import re
    import shutil
    import subprocess

    page = page_at(1280)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + f"/lockdowns/passes/{live_world.exit_pass.pk}/card/")
    expect(page.locator(".pass-card")).to_contain_text(
        "网格**"
    )  # 网格居民: surname and the given name's first character
    pdf = tmp_path / "card.pdf"
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden() and page.locator("nav.nav").count() in (0, 1)
    assert page.locator("nav.nav").count() == 0 or page.locator("nav.nav").is_hidden()
    assert page.locator("footer").is_hidden() and page.locator(".print-bar").is_hidden()
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    raw = pdf.read_bytes()
    # One page, A6 (105 × 148 mm = 297.6 × 419.5 pt): Chromium writes each page's box uncompressed.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert len(re.findall(rb"/Type\s*/Page\b", raw)) == 1, boxes
    assert [(round(float(w)), round(float(h))) for w, h in boxes] == [(298, 420)]
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # poppler-utils, where installed: what the paper says
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603
        assert "退出登录" not in text and live_world.exit_pass.short_code in text
