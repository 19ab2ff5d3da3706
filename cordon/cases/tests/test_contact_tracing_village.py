"""Tracing contacts files each new person in the case's own village unless told otherwise — never in
the first village of the town's list — and a case known only elsewhere makes the worker choose."""

import re

from cordon.cases import services
from cordon.people.models import Person


def _selected_villages(html: str) -> list[str]:
    selects = re.findall(r'<select name="row_area">(.*?)</select>', html, re.S)
    chosen = []
    for options in selects:
        found = re.findall(r'<option value="([^"]*)" selected>', options)
        chosen.append(found[0] if found else "")
    return chosen


def test_new_rows_start_in_the_village_of_a_case_who_lives_in_a_grid(world, client):
    grid_person = Person.objects.get(pk=world.case_person.pk)
    Person.objects.filter(pk=grid_person.pk).update(area=world.grid)
    world.case.__class__.objects.filter(pk=world.case.pk).update(area=world.grid)
    client.force_login(world.health)
    page = client.get(f"/cases/{world.case.pk}/contacts/").content.decode()
    assert set(_selected_villages(page)) == {world.sjf.code}


def test_a_case_known_only_elsewhere_starts_rows_with_no_village(world, client, clock):
    clock(2020, 2, 9, 20)
    outside = services.external_case(actor=world.health, area=world.town, authority="廊坊市", number="20")
    client.force_login(world.health)
    page = client.get(f"/cases/{outside.pk}/contacts/").content.decode()
    assert set(_selected_villages(page)) == {""}
    response = client.post(
        f"/cases/{outside.pk}/contacts/",
        {
            "degree": "close",
            "setting": "meal",
            "last_exposure": "2020-02-03",
            "row_name": ["新接触者"],
            "row_document_number": [""],
            "row_phone": [""],
            "row_area": [""],
        },
    )
    assert response.status_code == 200
    assert "请选择" in response.content.decode() or "村街" in response.content.decode()
    assert not Person.objects.filter(name="新接触者").exists()
