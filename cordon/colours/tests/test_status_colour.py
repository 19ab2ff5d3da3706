"""The status colour against each fact the gate already flags, by rules the town edits
(``pytest -k status_colour`` selects these tests)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.cases import services as cases
from cordon.colours import rules as colour_rules
from cordon.colours import selectors, services
from cordon.gate import passages as services_passages
from cordon.observation import services as observation
from cordon.observation import services_checks as checks
from cordon.people import services as people_services
from cordon.people.testing import id_number


@pytest.fixture
def someone(world):
    made = iter(range(500, 999))

    def make(area=None, actor=None):
        person, _created = people_services.person_save(
            actor=actor or world.clerk,
            area=area or world.sjf,
            data={"name": "颜色测试", "document_number": id_number(f"13108119900101{next(made):03d}")},
        )
        return person

    return make


def gate_flags(person):
    return services_passages.person_flags(person).flags


def test_status_colour_green_with_no_reason_when_nothing_holds(world, someone):
    person = someone()
    colour = selectors.person_colour(person)
    assert colour.colour == "green" and colour.reasons == [] and colour.since is None
    assert gate_flags(person) == []


def test_status_colour_home_observation_is_yellow_since_it_opened(world, someone):
    person = someone()
    observation.period_open(
        actor=world.clerk,
        person=person,
        reason="contact",
        exposure_date=dt.date(2020, 2, 1),
        opened_on=dt.date(2020, 2, 1),
        mode="home",
    )
    assert "under_observation" in gate_flags(person)
    colour = selectors.person_colour(person)
    assert colour.colour == "yellow" and [r.fact for r in colour.reasons] == ["home_observation"]
    assert colour.since == dt.date(2020, 2, 1)


def test_status_colour_centralised_observation_and_quarantine_are_red(world):
    # the world's contact of case 99 is placed at the town's site (gate flag: in_quarantine)
    assert "in_quarantine" in gate_flags(world.contact_person)
    colour = selectors.person_colour(world.contact_person)
    assert colour.colour == "red" and "in_quarantine" in [r.fact for r in colour.reasons]
    assert colour.since == world.placement.placed_on


def test_status_colour_open_fever_alert_is_red_and_closes_back_to_yellow(world, someone):
    person = someone()
    period = observation.period_open(
        actor=world.clerk,
        person=person,
        reason="contact",
        exposure_date=dt.date(2020, 2, 1),
        opened_on=dt.date(2020, 2, 1),
        mode="home",
    )
    checks.check_record(
        actor=world.clerk, period=period, temperature="38.5", day=dt.date(2020, 2, 2), slot="am"
    )
    colour = selectors.person_colour(person)
    assert colour.colour == "red" and [r.fact for r in colour.reasons] == ["open_alert"]
    alert = period.alerts.get()
    checks.alert_close(
        actor=world.health,
        alert=alert,
        outcome="referred",
        clinic="霸州市第二医院发热门诊",
        referred_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert selectors.person_colour(person).colour == "yellow"


def test_status_colour_a_case_is_red(world):
    colour = selectors.person_colour(world.case_person)
    assert colour.colour == "red" and [r.fact for r in colour.reasons] == ["case"]


def test_status_colour_discharged_case_no_longer_counts(world):
    cases.case_update(
        actor=world.health, case=world.case, data={"outcome": "discharged", "outcome_on": dt.date(2020, 3, 1)}
    )
    assert "case" not in [r.fact for r in selectors.person_colour(world.case_person).reasons]


def test_status_colour_sealed_without_a_pass_is_yellow_and_a_valid_pass_clears_it(world, someone):
    person = someone(area=world.grid)
    assert "sealed_no_pass" in gate_flags(person)
    colour = selectors.person_colour(person)
    assert colour.colour == "yellow" and [r.fact for r in colour.reasons] == ["sealed_no_pass"]
    # the world's grid resident holds an approved pass valid now
    assert "sealed_no_pass" not in gate_flags(world.grid_person)
    assert selectors.person_colour(world.grid_person).colour == "green"


def test_status_colour_follows_the_towns_edited_rules(world, someone):
    person = someone(area=world.grid)
    services.colour_rules_save(
        actor=world.commander, area=world.town, rules={**colour_rules.DEFAULT_RULES, "sealed_no_pass": "red"}
    )
    assert selectors.person_colour(person).colour == "red"
    services.colour_rules_save(
        actor=world.commander, area=world.town, rules={**colour_rules.DEFAULT_RULES, "sealed_no_pass": ""}
    )
    assert selectors.person_colour(person).colour == "green"
    # 南孟镇 keeps its own (the defaults): its rules are not 堂二里镇's
    assert selectors.rules_for(world.east.code) == colour_rules.DEFAULT_RULES


def test_status_colour_rules_are_the_commanders_and_checked(world):
    with pytest.raises(PermissionDenied):
        services.colour_rules_save(actor=world.clerk, area=world.town, rules={})
    with pytest.raises(PermissionDenied):
        services.colour_rules_save(actor=world.neighbour, area=world.town, rules={})
    with pytest.raises(ValidationError, match="case=purple"):
        services.colour_rules_save(actor=world.commander, area=world.town, rules={"case": "purple"})
    with pytest.raises(ValidationError):
        services.colour_rules_save(actor=world.commander, area=world.town, rules={"nonsense": "red"})
    with pytest.raises(ValidationError):
        services.colour_rules_save(actor=world.commander, area=world.sjf, rules={})


def test_status_colour_on_the_person_page_the_gate_and_the_api(world, login, api_client):
    page = login(world.clerk).get(f"/people/{world.contact_person.pk}/")
    assert 'data-colour="red"' in page.text and "不是健康码" in page.text
    answer = api_client(world.commander).get(f"/api/v1/colours/people/{world.contact_person.pk}").json()
    assert answer["colour"] == "red" and "in_quarantine" in [r["fact"] for r in answer["reasons"]]
    assert (
        api_client(world.other_clerk).get(f"/api/v1/colours/people/{world.contact_person.pk}").status_code
        == 404
    )
    check = api_client(world.guard).post(
        f"/api/v1/checkpoints/{world.sjf_gate.pk}/check",
        {"document_number": world.yin.document_number},
        content_type="application/json",
    )
    assert check.status_code == 200
    body = check.json()
    assert body["colour"] in ("red", "yellow") and body["colour_reasons"]


def test_status_colour_rules_page_reads_and_saves(world, login):
    client = login(world.commander)
    page = client.get("/colours/rules/")
    assert page.status_code == 200 and world.town.name in page.text
    data = {"area": world.town.code, **colour_rules.DEFAULT_RULES}
    data["home_observation"] = "red"
    assert client.post("/colours/rules/", data).status_code == 302
    assert selectors.rules_for(world.sjf.code)["home_observation"] == "red"
    refused = login(world.clerk).post("/colours/rules/", data)
    assert refused.status_code == 200  # the page says why; nothing saved by a clerk


def test_status_colour_gate_records_the_provinces_code_beside(world):
    passage, created = services_passages.passage_record(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        data={"direction": "in", "name": "过路人", "decision": "allowed", "shown_code": "green"},
        client_id="colour-1",
    )
    assert created and passage.shown_code == "green"
    with pytest.raises(ValidationError):
        services_passages.passage_record(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            data={"direction": "in", "name": "过路人", "decision": "allowed", "shown_code": "blue"},
            client_id="colour-2",
        )
