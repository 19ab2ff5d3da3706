"""Real Chromium, at a phone's 390 px and a desktop's 1280 px."""

import re

from playwright.sync_api import expect

from cordon.accounts.models import User
from cordon.core.testing import PASSWORD
from tests.browser.conftest import fits_width, log_in, screenshot


def test_commander_logs_in_and_sees_the_town_in_chinese(live_world, page_at, width):
    page = page_at(width)
    page.goto(page.base + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("button.primary").inner_text() == "登录"
    screenshot(page, f"login-{width}")
    log_in(page, "commander", PASSWORD)
    assert page.locator("h1").first.inner_text() == "堂二里镇"
    assert page.get_by_role("link", name="账号管理").is_visible()
    assert page.get_by_text("堂二里镇 下辖区域").is_visible()
    assert fits_width(page), "the page scrolls sideways"
    screenshot(page, f"home-commander-{width}")
    assert page.console_errors == []


def test_a_clerk_sees_her_village_and_gets_404_for_the_next(live_world, page_at, width):
    page = page_at(width)
    log_in(page, "clerk", PASSWORD)
    assert page.locator("h1").first.inner_text() == "四间房村"
    assert page.get_by_text("四间房村东口卡点").first.is_visible()
    assert page.get_by_role("link", name="账号管理").count() == 0
    screenshot(page, f"home-clerk-{width}")
    response = page.goto(page.base + f"/accounts/areas/{live_world.xw.code}/")
    assert response.status == 404
    assert page.get_by_text("页面或记录不存在").is_visible()
    response = page.goto(page.base + f"/checkpoints/{live_world.xw_gate.pk}/")
    assert response.status == 404
    screenshot(page, f"404-clerk-{width}")


def test_account_search_filters_as_you_type(live_world, page_at):
    page = page_at(1280)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + "/accounts/users/")
    assert page.locator("#user-rows li").count() == 8  # the town's accounts, not the county's viewer
    page.fill("#id_q", "guard")
    expect(page.locator("#user-rows li")).to_have_count(1)  # swapped in by htmx, no reload
    assert "guard的姓名" in page.locator("#user-rows").inner_text()
    screenshot(page, "user-search-1280")
    assert page.console_errors == [], "htmx must run under the Content-Security-Policy"


def test_commander_creates_an_account_and_the_new_user_sets_a_password(live_world, page_at):
    page = page_at(390)
    log_in(page, "commander", PASSWORD)
    page.get_by_role("link", name="账号管理").click()
    page.get_by_role("link", name="新建账号").click()
    page.fill("#id_username", "wangwu")
    page.fill("#id_full_name", "王五")
    page.select_option("#id_area", live_world.sjf.code)
    page.select_option("#id_role", "village_clerk")
    screenshot(page, "user-create-390")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_load_state("networkidle")
    secret = page.locator("#one-time-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", secret)
    assert fits_width(page)
    screenshot(page, "user-created-390")
    page.get_by_role("button", name="退出").click()

    log_in(page, "wangwu", secret)
    assert page.url.endswith("/accounts/me/password/")
    page.fill("#id_old_password", secret)
    page.fill("#id_new_password", "Wangwu-own-pass-9")
    page.fill("#id_new_password_again", "Wangwu-own-pass-9")
    page.get_by_role("button", name="保存密码").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "四间房村"
    assert User.objects.get(username="wangwu").check_password("Wangwu-own-pass-9")
    assert page.console_errors == []


def test_wrong_password_and_lockout_read_in_chinese(live_world, page_at):
    page = page_at(390)
    for _ in range(5):
        log_in(page, "clerk", "wrong-password")
    assert page.get_by_text("登录失败次数过多").is_visible()
    screenshot(page, "locked-390")


def test_english_can_be_chosen(live_world, page_at):
    page = page_at(1280)
    log_in(page, "commander", PASSWORD)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Accounts").is_visible()
    screenshot(page, "home-english-1280")
