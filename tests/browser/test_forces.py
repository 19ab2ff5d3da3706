"""The forces on a phone and a desk: the personnel list, registering a member, a member's page, the
teams, a team's page and the contribution record — no sideways scrolling, no console error,
screenshots — and a clerk registering a volunteer at 390 px."""

import re

import pytest

from cordon.core.testing import PASSWORD
from cordon.forces.models import Personnel
from cordon.people.testing import id_number
from tests.browser.conftest import fits_width, log_in, screenshot


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("clerk", "/forces/"),
        ("clerk", "/forces/personnel/new/"),
        ("head", "/forces/personnel/{personnel}/"),
        ("head", "/forces/teams/"),
        ("head", "/forces/teams/new/"),
        ("head", "/forces/teams/{team}/"),
        ("commander", "/forces/contribution/"),
        ("commander", "/forces/contribution/{personnel}/"),
    ],
)
def test_page_reads_on_a_phone_and_a_desk(live_world, page_at, user, path, width):
    url = path.format(personnel=live_world.guard_personnel.pk, team=live_world.team.pk)
    page = page_at(width)
    log_in(page, user, PASSWORD)
    response = page.goto(page.base + url)
    assert response.status == 200
    assert fits_width(page), f"{url} scrolls sideways at {width} px"
    screenshot(page, f"forces{url.replace('/', '-').rstrip('-')}-{width}")
    assert page.console_errors == []


def test_a_clerk_registers_a_volunteer_on_her_phone(live_world, page_at):
    page = page_at(390)
    log_in(page, "clerk", PASSWORD)
    page.goto(page.base + "/forces/personnel/new/")
    number = id_number("13108119950505055")
    page.fill("#id_document_number", number)
    page.fill("#id_name", "新志愿者")
    page.fill("#id_phone", "13600001234")
    page.select_option("#id_kind", "volunteer")
    page.select_option("#id_area", live_world.sjf.code)  # no village is preset (issue 15)
    page.click("main form.stack button.primary")
    page.wait_for_url(re.compile(r"/forces/personnel/\d+/$"))  # not /new/ again with an error
    assert "新志愿者" in page.content()
    screenshot(page, "forces-registered-390")
    assert Personnel.objects.filter(person__document_number=number, area=live_world.sjf).exists()
    assert page.console_errors == []
