"""The cases pages and API: who sees what, registering through the form, tracing through the API with a
bad entry and a retried request, the chain as JSON."""

import json
from datetime import date

import pytest

from cordon.cases.models import Case, ContactLink
from cordon.people.testing import id_number


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ["clerk", "head", "guard", "other_clerk"])
def test_village_staff_see_no_clinical_record(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    assert client.get(f"/cases/{world.case.pk}/chain.json").status_code == 404
    assert "/cases/" not in client.get("/").content.decode()


def test_the_neighbour_town_sees_neither_case_nor_site(world, client, api_client):
    client.force_login(world.neighbour)
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    assert client.get(f"/cases/sites/{world.site.pk}/").status_code == 404
    api = api_client(world.neighbour)
    assert api.get("/api/v1/cases/cases").json()["items"] == []
    assert api.get(f"/api/v1/cases/cases/{world.case.pk}/contacts").status_code == 404


def test_the_clerk_sees_her_villager_in_quarantine_but_nothing_clinical(world, api_client):
    api = api_client(world.clerk)
    stays = api.get("/api/v1/cases/placements").json()["items"]
    assert [s["person"] for s in stays] == [world.contact_person.pk]
    assert api.get(f"/api/v1/cases/placements/{stays[0]['id']}/release", data={}).status_code == 405
    assert api.get("/api/v1/cases/cases").status_code == 403


def test_registering_case_23_through_the_form_links_it_to_case_20(world, client, clock):
    clock(2020, 2, 9, 21)
    client.force_login(world.health)
    response = client.post(
        "/cases/new/",
        {
            "document_number": world.zhou.document_number.lower(),
            "authority": "廊坊市",
            "number": "第23例",
            "classification": "confirmed",
            "classified_on": "2020-02-09",
            "onset_date": "2020-02-07",
            "isolated_on": "2020-02-09",
            "source_authority": "廊坊市",
            "source_number": "20",
            "source_setting": "meal",
            "source_last_exposure": "2020-02-03",
        },
    )
    case = Case.objects.get(number="23")
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    source = Case.objects.get(number="20")
    assert source.is_external
    assert ContactLink.objects.get(case=source, person=world.zhou).contact_case == case
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "廊坊市第20例" in page and "廊坊市第23例" in page


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(world, client, clock):
    clock(2020, 2, 9, 21)
    client.force_login(world.health)
    response = client.post(
        "/cases/new/",
        {
            "document_number": "131081199001010000",
            "classification": "confirmed",
            "classified_on": "2020-02-09",
            "hospital": "霸州市医院",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "霸州市医院" in page
    assert "没有此身份证号" in page or "校验" in page
    response = client.post(
        "/cases/new/",
        {
            "document_number": world.zhou.document_number,
            "authority": "廊坊市",
            "number": "99",
            "classification": "confirmed",
            "classified_on": "2020-02-09",
        },
    )
    assert "已登记" in response.content.decode()
    assert not Case.objects.filter(person=world.zhou).exists()


def test_tracing_through_the_api_all_or_nothing_and_a_retry_makes_no_duplicate(world, api_client, clock):
    clock(2020, 2, 9, 22)
    api = api_client(world.health)
    url = f"/api/v1/cases/cases/{world.case.pk}/contacts"
    good = {"name": "丙", "document_number": id_number("13108119910101031"), "area": world.sjf.code}
    bad = {"name": "丁", "document_number": "131081199101010000", "area": world.sjf.code}
    body = {"people": [good, bad], "setting": "work", "last_exposure": "2020-02-08"}
    refused = post_json(api, url, body)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["people.1"]
    assert not ContactLink.objects.filter(person__name="丙").exists()
    body["people"] = [good]
    assert post_json(api, url, body).status_code == 201
    again = post_json(api, url, body)
    assert again.status_code == 422 and "已是该病例的接触者" in again.json()["errors"][0]["message"]
    assert ContactLink.objects.filter(person__name="丙").count() == 1
    contacts = api.get(url).json()
    assert contacts["counts"]["traced"] == 2 and contacts["counts"]["observing"] == 1


def test_the_chain_as_json(world, api_client):
    api = api_client(world.health)
    graph = api.get(f"/api/v1/cases/cases/{world.case.pk}/chain").json()
    assert graph["root"] == f"c{world.case.pk}"
    assert {n["id"] for n in graph["nodes"]} == {f"c{world.case.pk}", f"p{world.contact_person.pk}"}
    assert graph["edges"][0]["setting"] == "household" and graph["edges"][0]["last_exposure"] == "2020-02-08"


def test_a_duplicate_case_number_is_refused_in_chinese(world, api_client):
    api = api_client(world.health)
    response = post_json(
        api,
        "/api/v1/cases/cases",
        {"person": world.zhou.pk, "classification": "suspected", "authority": "廊坊市", "number": "99"},
    )
    assert response.status_code == 422 and response.json()["message"] == "廊坊市第99例已登记，编号不能重复。"


def test_release_before_the_end_is_refused_through_the_api(world, api_client):
    api = api_client(world.health)
    response = post_json(
        api,
        f"/api/v1/cases/placements/{world.placement.pk}/release",
        {"released_on": date(2019, 1, 1).isoformat()},
    )
    assert response.status_code == 422


def test_the_case_list_pins_its_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.health)
    client.get("/cases/")
    with django_assert_max_num_queries(12):
        assert client.get("/cases/").status_code == 200


def test_the_person_page_shows_the_clerk_the_stay_and_the_health_worker_the_case(world, client):
    client.force_login(world.clerk)
    contact_page = client.get(f"/people/{world.contact_person.pk}/").content.decode()
    assert "镇集中隔离点" in contact_page and "集中隔离中" in contact_page
    assert "廊坊市第99例" not in contact_page
    assert "廊坊市第99例" not in client.get(f"/people/{world.case_person.pk}/").content.decode()
    client.force_login(world.health)
    assert "廊坊市第99例" in client.get(f"/people/{world.contact_person.pk}/").content.decode()
    assert "廊坊市第99例" in client.get(f"/people/{world.case_person.pk}/").content.decode()
