"""A contact who lives in another town is handed over from the case page, on a phone and a desktop."""

from cordon.core.testing import PASSWORD
from cordon.handovers.models import Handover
from cordon.people.models import Person
from tests.browser.conftest import fits_width, log_in, screenshot


def test_the_contacts_row_hands_them_to_the_town_they_live_in(live_world, page_at, width):
    world = live_world
    Person.objects.filter(pk=world.contact_person.pk).update(address="霸州市南孟镇东村3号")
    Handover.objects.filter(person=world.contact_person).delete()  # the other width's, sent before
    page = page_at(width)
    log_in(page, "health", PASSWORD)
    page.goto(f"{page.base}/cases/{world.case.pk}/")
    button = page.locator(f'[data-handover="{world.contact.pk}"]')
    assert "移交给南孟镇" in button.inner_text() and fits_width(page)
    screenshot(page, f"contact-handover-case-{width}")
    button.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#to_area").input_value() == world.neighbour_town.code and fits_width(page)
    screenshot(page, f"contact-handover-form-{width}")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert page.locator(f'[data-handover-pending="{world.contact.pk}"]').count() == 1
    screenshot(page, f"contact-handover-sent-{width}")
    assert page.console_errors == []
