"""Registering a case: one service (``case_register_with_source``) for the page and the API, the
source case included; nothing typed is lost and no classification is chosen for the health worker."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cordon.cases.models import Case, ContactLink
from cordon.cases.services_register import case_register_with_source
from cordon.core.testing import form_field_names

SOURCE_20 = {"authority": "廊坊市", "number": "20", "setting": "meal", "last_exposure": date(2020, 2, 3)}


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_case_form_names_each_field_once(world, client):
    client.force_login(world.health)
    for url in ("/cases/new/", f"/cases/new/?person={world.zhou.pk}"):
        for names in form_field_names(client.get(url).content.decode()):
            repeated = {name for name in names if names.count(name) > 1}
            assert not repeated, f"{url}: {repeated}"


def test_the_authority_number_typed_on_the_page_is_kept_with_a_source_case(world, client, clock):
    clock(2020, 2, 9, 21)
    client.force_login(world.health)
    page = client.get(f"/cases/new/?person={world.zhou.pk}").content.decode()
    typed = {
        "authority": "霸州市",
        "number": "99",
        "classification": "confirmed",
        "classified_on": "2020-02-09",
        "source_authority": "廊坊市",
        "source_number": "20",
        "source_setting": "meal",
        "source_last_exposure": "2020-02-03",
    }
    # Post what the browser posts: every field the page holds, in its order, empty unless typed.
    body = [(name, typed.pop(name, "")) for name in _case_form(page) if name != "csrfmiddlewaretoken"]
    assert not typed
    response = client.post(
        f"/cases/new/?person={world.zhou.pk}",
        data="&".join(f"{k}={v}" for k, v in body).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    case = Case.objects.get(person=world.zhou)
    assert (case.authority, case.number) == ("霸州市", "99")
    assert ContactLink.objects.get(person=world.zhou, case__number="20").contact_case == case


def _case_form(page: str) -> list[str]:
    return next(names for names in form_field_names(page) if "classification" in names)


def test_the_classification_has_no_default(world, client, clock):
    clock(2020, 2, 9, 21)
    client.force_login(world.health)
    page = client.get(f"/cases/new/?person={world.zhou.pk}").content.decode()
    assert 'value="confirmed" selected' not in page and 'value="suspected" selected' not in page
    response = client.post(
        f"/cases/new/?person={world.zhou.pk}", {"classified_on": "2020-02-09", "authority": "", "number": ""}
    )
    assert response.status_code == 200
    assert not Case.objects.filter(person=world.zhou).exists()
    assert "classification" in response.context["form"].errors
    detail = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'value="suspected" selected' not in detail and 'value="confirmed" selected' not in detail


def test_the_api_registers_a_case_with_its_source(world, api_client, clock):
    clock(2020, 2, 9, 21)
    api = api_client(world.health)
    response = post_json(
        api,
        "/api/v1/cases/cases",
        {
            "person": world.zhou.pk,
            "classification": "confirmed",
            "classified_on": "2020-02-09",
            "authority": "廊坊市",
            "number": "23",
            "source_authority": "廊坊市",
            "source_number": "第20例",
            "source_setting": "meal",
            "source_last_exposure": "2020-02-03",
        },
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    source = Case.objects.get(authority="廊坊市", number="20")
    assert ContactLink.objects.get(case=source, person=world.zhou).contact_case == case


@pytest.mark.parametrize(
    "source, field",
    [
        ({"number": "20", "setting": "meal", "last_exposure": date(2020, 2, 3)}, "source_authority"),
        ({"authority": "廊坊市", "setting": "meal", "last_exposure": date(2020, 2, 3)}, "source_number"),
        ({"authority": "廊坊市", "number": "20", "setting": "meal"}, "source_last_exposure"),
        ({"setting": "meal"}, "source_number"),
    ],
)
def test_a_half_given_source_case_is_refused_and_nothing_is_saved(world, clock, source, field):
    clock(2020, 2, 9, 21)
    before = Case.objects.count()
    with pytest.raises(ValidationError) as refused:
        case_register_with_source(
            actor=world.health,
            person=world.zhou,
            classification="confirmed",
            classified_on=date(2020, 2, 9),
            data={"authority": "霸州市", "number": "99"},
            source=source,
        )
    assert field in refused.value.message_dict
    assert Case.objects.count() == before


def test_a_person_already_traced_to_the_source_keeps_that_link(world, clock):
    clock(2020, 2, 9, 21)
    first = case_register_with_source(
        actor=world.health,
        person=world.zhou,
        classification="suspected",
        classified_on=date(2020, 2, 9),
        source={"authority": "廊坊市", "number": "20", "setting": "meal", "last_exposure": date(2020, 2, 3)},
    )
    assert first.classification == "suspected"
    links = ContactLink.objects.filter(person=world.zhou, case__number="20")
    assert links.count() == 1 and links.get().contact_case == first


def test_a_case_known_only_elsewhere_cannot_take_a_source_here(world, clock):
    clock(2020, 2, 9, 21)
    with pytest.raises(ValidationError) as refused:
        case_register_with_source(
            actor=world.health,
            area=world.town,
            classification="confirmed",
            data={"authority": "廊坊市", "number": "31"},
            source=SOURCE_20,
        )
    assert "source_number" in refused.value.message_dict
    assert not Case.objects.filter(number="31").exists()
