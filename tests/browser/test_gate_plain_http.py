"""The gate's pass check on a township intranet served over plain HTTP: the page is not a secure
context there (``crypto.subtle`` and the camera are missing), yet a genuine card is accepted and a
forged one refused, online and offline — the signature is verified with @noble/curves.

``localhost`` and every 127.0.0.0/8 address count as secure, so the browser reaches the live server
under the name ``cordon.test``, mapped to the loopback address by Chromium's host resolver rules."""

import pytest
from django.test.utils import modify_settings, override_settings
from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.core.testing import PASSWORD
from cordon.lockdowns import services, tokens
from tests.browser.conftest import CHROMIUM, fits_width, log_in, screenshot


@pytest.fixture(scope="module")
def plain_http_browser(chromium, server):

    # The intranet's settings (CORDON_HTTPS=0): cookies without the Secure flag, no HSTS.
    hosts = modify_settings(ALLOWED_HOSTS={"append": "cordon.test"})
    plain = override_settings(
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
    )
    hosts.enable()
    plain.enable()
    # One Playwright per process: the session's, through its browser type.
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--host-resolver-rules=MAP cordon.test 127.0.0.1",
        ],
    )
    yield browser
    browser.close()
    plain.disable()
    hosts.disable()


@pytest.fixture
def plain_page(request, plain_http_browser, server, live_world):
    context = plain_http_browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.base = server.url.replace("localhost", "cordon.test")
    page.sessions = {}
    request.node.browser_pages = [page]
    yield page
    context.close()


def _forged(token: str) -> str:
    prefix, body, signature = token.split(".")
    changed = tokens._b64(tokens._unb64(body).replace(b'"v":1', b'"v":2'))
    return f"{prefix}.{changed}.{signature}"


def test_plain_http_gate_accepts_a_genuine_card_and_refuses_a_forged_one(live_world, plain_page):
    page = plain_page
    token = services.pass_token(live_world.exit_pass)
    forged = _forged(token)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/lockdowns/gate/{live_world.grid_gate.pk}/")
    # What the intranet gives: no secure context, no WebCrypto, no camera.
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("!!(window.crypto && window.crypto.subtle)") is False
    assert page.evaluate("t => window.cordonVerifyPass(t).then(r => r.state)", token) == "valid"
    assert page.evaluate("t => window.cordonVerifyPass(t).then(r => r.state)", forged) == "invalid"

    # No camera here: said in Chinese, the short code offered.
    expect(page.locator("#camera-note")).to_be_visible()
    page.get_by_role("button", name="扫码查验").click()
    expect(page.locator("#pass-result")).to_contain_text("无法打开摄像头")
    expect(page.locator("#short_code")).to_be_focused()

    # Offline: the phone alone decides from the signature.
    page.context.set_offline(True)
    page.fill("#short_code", token)
    page.locator("#short_code").dispatch_event("change")
    expect(page.locator("#pass-result")).to_contain_text("有效")
    expect(page.locator("#pass-result")).to_contain_text("无网络")
    page.fill("#short_code", forged)
    page.locator("#short_code").dispatch_event("change")
    expect(page.locator("#pass-result h2")).to_have_text("伪造或被篡改")
    screenshot(page, "pass-plain-http-offline-390")

    # Online: the server is always asked too, and answers for both.
    page.context.set_offline(False)
    page.fill("#short_code", forged)
    page.locator("#short_code").dispatch_event("change")
    page.wait_for_load_state("load")
    expect(page.locator("#pass-result h2")).to_have_text("伪造或被篡改")
    assert page.get_by_role("button", name="外出：登记").count() == 0
    page.fill("#short_code", token)
    page.locator("#short_code").dispatch_event("change")
    expect(page.get_by_role("button", name="外出：登记")).to_be_visible()
    assert fits_width(page)
    before = Passage.objects.filter(exit_pass=live_world.exit_pass, direction="in").count()
    page.get_by_role("button", name="返回：登记").click()
    expect(page.locator(".messages")).to_contain_text("已记为通行记录")
    assert Passage.objects.filter(exit_pass=live_world.exit_pass, direction="in").count() == before + 1
    # (On an untrustworthy origin the browser ignores the Cross-Origin-Opener-Policy header, and says so.)
    noise = ("ERR_INTERNET_DISCONNECTED", "Cross-Origin-Opener-Policy")
    assert [e for e in page.console_errors if not any(n in e for n in noise)] == []


def test_the_gate_says_plainly_it_cannot_open_offline_on_plain_http(live_world, plain_page):
    page = plain_page
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{live_world.sjf_gate.pk}/gate/")
    expect(page.locator("#field-offline")).to_contain_text("无法保存本页面供离线打开")
    expect(page.locator("#gate-form")).to_be_visible()  # today's behaviour: entries kept on the phone


def test_the_cards_link_opens_the_check_with_the_token_kept_off_the_server(live_world, plain_page):
    page = plain_page
    token = services.pass_token(live_world.exit_pass)
    log_in(page, "guard", PASSWORD)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    # What the phone's camera app opens: the link in the card's QR code.
    page.goto(page.base + "/lockdowns/gate/scan/#" + token)
    page.get_by_role("link", name=live_world.grid_gate.name).click()
    expect(page.get_by_role("button", name="外出：登记")).to_be_visible()
    assert all("CDP1" not in url for url in requested)


def test_offline_the_gate_checks_flags_from_the_shifts_list_until_it_expires(live_world, plain_page):
    page = plain_page
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/checkpoints/{live_world.sjf_gate.pk}/gate/")
    # Downloaded on opening, each list with its age in Chinese (no WebCrypto here: noble's SHA-256).
    lists = page.locator("#field-lists")
    expect(lists).to_contain_text("核查名单（观察、隔离、封控无证）更新于")
    expect(lists).to_contain_text("吊销名单更新于")
    page.context.set_offline(True)
    page.fill("#document_number", live_world.yin.document_number)
    flags = page.locator("#gate-flags")
    expect(flags).to_contain_text("尹某*")
    expect(flags).to_contain_text("医学观察中")
    expect(flags).to_contain_text("无网络：已按本机保存的核查名单核对")
    assert "尹某某" not in flags.inner_text()
    screenshot(page, "gate-offline-flags-390")
    assert fits_width(page)
    # The next village's person is not on this gate's list, whatever they carry.
    page.fill("#document_number", live_world.zhou.document_number)
    expect(flags).to_contain_text("中没有此人")
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cordon.gate.flags.'))")
    stored = page.evaluate("k => localStorage.getItem(k)", kept[0])
    assert live_world.yin.document_number not in stored and live_world.zhou.document_number[-4:] not in stored
    # After the shift (the phone's clock moved past the list's expiry) the list is dropped.
    expires = page.evaluate("k => Date.parse(JSON.parse(localStorage.getItem(k)).expires_at)", kept[0])
    page.clock.set_system_time(expires + 60000)
    page.fill("#document_number", "")
    page.fill("#document_number", live_world.yin.document_number)
    expect(flags).to_contain_text("核查名单已随班次结束过期")
    assert page.evaluate("k => localStorage.getItem(k)", kept[0]) is None
    page.context.set_offline(False)


def test_a_revoked_card_is_refused_offline_from_the_list_kept_on_the_phone(live_world, plain_page):
    # Last in this module: it revokes the world's pass.
    page = plain_page
    token = services.pass_token(live_world.exit_pass)
    log_in(page, "guard", PASSWORD)
    page.goto(page.base + f"/lockdowns/gate/{live_world.grid_gate.pk}/")
    expect(page.locator("#revocation-age")).to_contain_text("分钟前")  # fetched on opening
    services.pass_revoke(actor=live_world.commander, exit_pass=live_world.exit_pass, reason="测试吊销")
    page.evaluate("window.cordonRefreshRevocations()")
    page.context.set_offline(True)
    page.fill("#short_code", token)
    page.locator("#short_code").dispatch_event("change")
    expect(page.locator("#pass-result h2")).to_have_text("已吊销")
    expect(page.locator("#pass-result")).to_contain_text("吊销名单更新于")
    page.context.set_offline(False)
