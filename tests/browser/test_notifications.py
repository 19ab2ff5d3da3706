"""A fever entered by the clerk on the round reaches the health worker's to-do list and inbox."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from cordon.core.testing import PASSWORD
from cordon.observation import services
from cordon.people import services as people_services
from cordon.people.testing import id_number
from tests.browser.conftest import fits_width, log_in, screenshot


def test_a_fever_entered_by_the_clerk_reaches_the_health_workers_todo_and_inbox(live_world, page_at):
    person, _arrival, _created = people_services.register(
        actor=live_world.clerk,
        area=live_world.sjf,
        person_data={"name": "发热测试", "document_number": id_number("13108119950606001")},
        arrival_data={"origin_text": "北京市", "arrival_date": timezone.localdate() - timedelta(days=2)},
    )
    period = services.period_open(
        actor=live_world.clerk,
        person=person,
        reason="contact",
        exposure_date=timezone.localdate() - timedelta(days=1),
    )
    clerk = page_at(390)
    log_in(clerk, "clerk", PASSWORD)
    clerk.goto(clerk.base + f"/observation/round/?area={live_world.sjf.code}")
    row = clerk.locator(f"#p{period.pk}")
    row.locator("input.temp").fill("38.4")
    row.locator("input.temp").press("Enter")
    expect(row.locator(".state")).to_contain_text("预警")

    health = page_at(390)
    log_in(health, "health", PASSWORD)
    health.goto(health.base + "/")
    todo = health.locator("#todo")
    expect(todo.get_by_role("link", name="发热预警：发热测试")).to_be_visible()
    assert fits_width(health), "the home page scrolls sideways"
    screenshot(health, "todo-390")
    todo.get_by_role("link", name="消息").click()
    inbox = health.locator("section.inbox")
    expect(inbox.get_by_role("link", name="发热预警：发热测试")).to_be_visible()
    expect(inbox).to_contain_text("38.4 °C")
    inbox.get_by_role("link", name="发热预警：发热测试").click()
    expect(health).to_have_url(health.base + f"/observation/periods/{period.pk}/")
    # the clerk of another village hears nothing of it
    other = page_at(390)
    log_in(other, "other_clerk", PASSWORD)
    other.goto(other.base + "/inbox/")
    expect(other.locator("section.inbox")).not_to_contain_text("发热测试")
    assert clerk.console_errors == [] and health.console_errors == []
