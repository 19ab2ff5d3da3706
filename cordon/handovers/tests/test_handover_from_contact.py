"""A contact traced by 堂二里镇 who lives in 南孟镇 is handed over from the case page: the contact's row
shows the button with the town its address names, the form comes prefilled, and the hand-over goes
from there. Refused: another village's contact (404, as if it did not exist), a role that may not
send (403), and a contact already awaiting a receiver (no second hand-over)."""

import pytest

from cordon.handovers import services
from cordon.handovers.models import Handover
from cordon.people.models import Person


@pytest.fixture
def lives_elsewhere(world):
    """乙接触, traced by 堂二里镇 and registered in 四间房村, lives in 南孟镇's 东村."""
    Person.objects.filter(pk=world.contact_person.pk).update(address="霸州市南孟镇东村3号")
    return world


def _form_url(world, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"person": world.contact_person.pk, **extra}.items())
    return f"/handovers/new/?{query}"


def test_a_contact_living_in_another_town_is_handed_over_from_the_case_page(lives_elsewhere, login):
    world = lives_elsewhere
    client = login(world.health)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'data-handover="{world.contact.pk}"' in page and "移交给南孟镇" in page
    url = _form_url(world, contact=world.contact.pk, to=world.neighbour_town.code)
    assert url.replace("&", "&amp;") in page
    form = client.get(url).content.decode()
    assert f'<option value="{world.neighbour_town.code}" selected>' in form
    assert f'name="contact" value="{world.contact.pk}"' in form
    assert world.case.label in form and "南孟镇" in form  # the note says whose contact, and where they live
    answer = client.post(
        "/handovers/new/",
        {
            "person": world.contact_person.pk,
            "contact": world.contact.pk,
            "to_area": world.neighbour_town.code,
            "note": "住南孟镇",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{world.case.pk}/#contacts"
    handover = Handover.objects.get(person=world.contact_person)
    assert (handover.status, handover.to_area_id) == ("pending", world.neighbour_town.code)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'data-handover-pending="{world.contact.pk}"' in page
    assert f'data-handover="{world.contact.pk}"' not in page


def test_a_contact_whose_address_names_no_town_gets_a_link_and_the_user_chooses(world, login):
    client = login(world.health)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'data-handover="{world.contact.pk}"' in page and "住在其他镇" in page
    form = client.get(_form_url(world, contact=world.contact.pk)).content.decode()
    assert '<option value="">—</option>' in form and " selected>" not in form
    assert f'value="{world.town.code}"' not in form  # never the contact's own town


@pytest.mark.parametrize("outsider", ["other_clerk", "neighbour"])
def test_another_villages_contact_answers_404(lives_elsewhere, client, login, outsider):
    world = lives_elsewhere
    login(getattr(world, outsider))
    assert client.get(_form_url(world, contact=world.contact.pk)).status_code == 404
    answer = client.post(
        "/handovers/new/",
        {
            "person": world.contact_person.pk,
            "contact": world.contact.pk,
            "to_area": world.neighbour_town.code,
        },
    )
    assert answer.status_code == 404
    assert not Handover.objects.filter(person=world.contact_person).exists()


def test_a_contact_link_of_another_person_answers_404(lives_elsewhere, login):
    world = lives_elsewhere
    client = login(world.health)
    url = f"/handovers/new/?person={world.case_person.pk}&contact={world.contact.pk}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("actor", ["guard", "viewer"])
def test_a_role_that_may_not_hand_over_is_refused(lives_elsewhere, login, actor):
    world = lives_elsewhere
    client = login(getattr(world, actor))
    assert client.get(_form_url(world, contact=world.contact.pk)).status_code == 403
    answer = client.post(
        "/handovers/new/",
        {
            "person": world.contact_person.pk,
            "contact": world.contact.pk,
            "to_area": world.neighbour_town.code,
        },
    )
    assert answer.status_code == 403
    assert not Handover.objects.filter(person=world.contact_person).exists()


def test_a_contact_already_handed_over_is_not_offered_again(lives_elsewhere, login):
    world = lives_elsewhere
    services.handover_request(actor=world.health, person=world.contact_person, to_area=world.neighbour_town)
    client = login(world.health)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'data-handover-pending="{world.contact.pk}"' in page and "移交给南孟镇" not in page
    form = client.get(_form_url(world, contact=world.contact.pk)).content.decode()
    assert "已有一项移交在等待接收方确认" in form and "申请对方接收" not in form
    answer = client.post(
        "/handovers/new/",
        {
            "person": world.contact_person.pk,
            "contact": world.contact.pk,
            "to_area": world.neighbour_town.code,
        },
        follow=True,
    )
    assert "已有一项移交在等待接收方确认" in answer.content.decode()
    assert Handover.objects.filter(person=world.contact_person).count() == 1
