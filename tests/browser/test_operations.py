"""Field operations on a phone: a disinfection crew records a round, a counsellor records a session;
the main pages read at 390 px and at 1280 px, with screenshots to look at."""

import pytest

from cordon.core.testing import PASSWORD
from cordon.operations.models import CounsellingSession
from tests.browser.conftest import fits_width, log_in, screenshot


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("health", "/operations/"),
        ("health", "/operations/disinfection/"),
        ("health", "/operations/disinfection/new/"),
        ("clerk", "/operations/disinfection/{task}/"),
        ("health", "/operations/disinfection/from-case/{case}/"),
        ("counsellor", "/operations/counselling/"),
        ("counsellor", "/operations/counselling/new/"),
        ("counsellor", "/operations/counselling/{session}/"),
        ("commander", "/operations/notices/"),
        ("commander", "/operations/notices/{notice}/"),
        ("clerk", "/operations/notices/new/"),
        ("clerk", "/operations/notices/{notice}/poster/"),
        ("commander", "/operations/rumours/"),
        ("commander", "/operations/rumours/{rumour}/"),
        ("clerk", "/operations/rumours/new/"),
    ],
)
def test_operations_pages_read_at_both_widths(live_world, page_at, width, user, path):
    url = path.format(
        task=live_world.disinfection.pk,
        case=live_world.case.pk,
        session=live_world.counselling.pk,
        notice=live_world.notice.pk,
        rumour=live_world.rumour.pk,
    )
    page = page_at(width)
    log_in(page, user, PASSWORD)
    response = page.goto(page.base + url)
    assert response.status == 200
    assert fits_width(page), f"{url} scrolls sideways at {width} px"
    screenshot(page, f"operations-{width}" + url.replace("/", "-").rstrip("-"))
    assert page.console_errors == []


def test_a_crew_member_records_a_round_on_a_phone(live_world, page_at):
    page = page_at(390)
    log_in(page, "clerk", PASSWORD)
    page.goto(page.base + f"/operations/disinfection/{live_world.disinfection.pk}/")
    page.fill("#id_note", "已喷洒")
    page.click("#record button.primary")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages").count() == 1
    assert live_world.disinfection.round_set.filter(note="已喷洒", done_by=live_world.clerk).exists()
    screenshot(page, "operations-390-round-recorded")


def test_a_counsellor_records_a_session_on_a_phone(live_world, page_at):
    page = page_at(390)
    log_in(page, "counsellor", PASSWORD)
    page.goto(page.base + "/operations/counselling/new/")
    page.fill("#id_id_number", live_world.yin.document_number)
    page.check("input[name=mode][value=phone]")
    page.fill("#id_concerns", "电话随访，情绪平稳")
    page.click("form.stack button.primary")
    page.wait_for_load_state("networkidle")
    screenshot(page, "operations-390-session-recorded")
    assert CounsellingSession.objects.filter(concerns="电话随访，情绪平稳", person=live_world.yin).exists()
