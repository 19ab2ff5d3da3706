"""Registering cases and tracing their contacts: the services' rules and refusals."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.cases import chain, selectors, services
from cordon.cases.models import Case, ClassificationChange, ContactLink
from cordon.observation.models import Alert, Period
from cordon.people.models import Person


def test_registering_a_contact_as_a_case_ends_observation_and_joins_the_chain(world, case23):
    case20 = Case.objects.get(number="20")
    assert case20.is_external and case20.area_id == world.town.code
    assert ContactLink.objects.get(case=case20, person=world.yin).contact_case == case23
    assert chain.descendants(case20.pk) == {case20.pk: 0, case23.pk: 1}
    assert chain.ancestors(case23.pk) == {case23.pk: 0, case20.pk: 1}
    # 尹某某's arrival period had an open fever alert: closed as a suspected case, then the period ended.
    period = Period.objects.filter(person=world.yin).order_by("id").last()
    assert period.status == "closed" and period.outcome == "became_case"
    assert not Alert.objects.filter(period__person=world.yin, closed_at__isnull=True).exists()
    assert Alert.objects.filter(period__person=world.yin).last().outcome == "suspected_case"
    assert list(case23.classifications.values_list("classification", flat=True)) == ["confirmed"]
    assert case23.label == "廊坊市第23例"


def test_refuses_a_case_number_already_used_by_the_same_authority(world, case23, someone):
    with pytest.raises(ValidationError, match="已登记"):
        services.case_register(
            actor=world.health,
            person=someone(),
            classification="suspected",
            data={"authority": "廊坊市", "number": "第23例"},
        )
    other = services.case_register(
        actor=world.health,
        person=someone(),
        classification="suspected",
        data={"authority": "保定市", "number": "23"},
    )
    assert other.label == "保定市第23例"


def test_refuses_a_second_case_for_the_same_person(world, case23):
    with pytest.raises(ValidationError, match="已登记为病例"):
        services.case_register(actor=world.health, person=world.yin, classification="suspected")


def test_village_clerk_and_other_town_cannot_register_cases(world, clock, someone):
    clock(2020, 2, 9)
    person = someone()
    for actor in (world.clerk, world.head, world.neighbour, world.guard):
        with pytest.raises(PermissionDenied):
            services.case_register(actor=actor, person=person, classification="suspected")
    assert not Case.objects.filter(person=person).exists()


def test_classification_history_is_dated_and_ordered(world, clock, someone):
    clock(2020, 2, 9)
    case = services.case_register(actor=world.health, person=someone(), classification="suspected")
    with pytest.raises(ValidationError):
        services.case_classify(actor=world.health, case=case, classification="confirmed", on=date(2020, 2, 8))
    with pytest.raises(ValidationError):
        services.case_classify(actor=world.health, case=case, classification="suspected", on=date(2020, 2, 9))
    clock(2020, 2, 11)
    case = services.case_classify(
        actor=world.commander, case=case, classification="confirmed", on=date(2020, 2, 10)
    )
    assert case.confirmed_on == date(2020, 2, 10)
    steps = list(
        ClassificationChange.objects.filter(case=case).values_list("classification", "on", "by__username")
    )
    assert steps == [("suspected", date(2020, 2, 9), "health"), ("confirmed", date(2020, 2, 10), "commander")]


def test_contacts_entered_in_one_go_are_observed_from_their_last_exposure(world, case23, newcomer):
    known = Person.objects.get(pk=world.zhou.pk)
    links = services.contact_add(
        actor=world.health,
        case=case23,
        people=[
            newcomer("甲"),
            newcomer("乙"),
            {"person": known},
            {"document_number": known.document_number, "area": world.sjf, "name": "周某"},
        ][:3],
        setting="household",
        first_exposure=date(2020, 2, 1),
        last_exposure=date(2020, 2, 8),
    )
    assert [link.person.name for link in links] == ["甲", "乙", "周某"]
    for link in links:
        period = link.period
        # 3rd–4th edition: 14 days from the last exposure, day 0 — release on 22 February.
        assert period.reason == "contact" and period.planned_end == date(2020, 2, 22)
        assert period.exposure_date == date(2020, 2, 8)
        assert "廊坊市第23例" in period.reason_detail


def test_a_known_id_number_links_the_person_instead_of_duplicating(world, case23, newcomer):
    details = newcomer("丙")
    services.contact_add(
        actor=world.health, case=case23, people=[details], setting="work", last_exposure=date(2020, 2, 8)
    )
    case20 = Case.objects.get(number="20")
    services.contact_add(
        actor=world.health,
        case=case20,
        people=[dict(details, name="丙")],
        setting="work",
        last_exposure=date(2020, 2, 3),
    )
    assert Person.objects.filter(document_number=details["document_number"]).count() == 1
    assert ContactLink.objects.filter(person__document_number=details["document_number"]).count() == 2


def test_a_bad_entry_saves_nothing_and_says_which(world, case23, newcomer):
    bad = newcomer("丁", document_number="131081198501019999")
    with pytest.raises(services.EntryErrors) as refused:
        services.contact_add(
            actor=world.health,
            case=case23,
            people=[newcomer("戊"), bad],
            setting="meal",
            last_exposure=date(2020, 2, 8),
        )
    assert list(refused.value.entries) == [1]
    assert not Person.objects.filter(name__in=["丁", "戊"]).exists()
    assert not ContactLink.objects.filter(case=case23).exists()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2020, 2, 5), date(2020, 2, 4), "不能早于"),
        (date(2020, 2, 8), date(2020, 2, 10), "已于 2020-02-09 隔离"),  # after the case's isolation
        (date(2020, 2, 8), date(2020, 2, 13), "晚于今天"),
    ],
)
def test_refuses_impossible_exposure_dates(world, case23, newcomer, clock, first, last, message):
    clock(2020, 2, 12)
    with pytest.raises(ValidationError, match=message):
        services.contact_add(
            actor=world.health,
            case=case23,
            people=[newcomer()],
            setting="meal",
            first_exposure=first,
            last_exposure=last,
        )


def test_refuses_a_loop_in_the_chain(world, case23):
    case20 = Case.objects.get(number="20")
    # 廊坊市第20例 infected 23; 23 cannot have infected 20's person.
    someone_else = services.case_register(
        actor=world.health,
        person=world.zhou,
        classification="confirmed",
        data={"authority": "廊坊市", "number": "30"},
    )
    services.contact_add(
        actor=world.health,
        case=case23,
        people=[{"person": world.zhou}],
        setting="meal",
        last_exposure=date(2020, 2, 8),
    )
    with pytest.raises(services.EntryErrors) as refused:
        services.contact_add(
            actor=world.health,
            case=someone_else,
            people=[{"person": world.yin}],
            setting="meal",
            last_exposure=date(2020, 2, 8),
        )
    assert "闭环" in refused.value.entries[0][0]
    with pytest.raises(services.EntryErrors, match="全部未保存"):
        services.contact_add(
            actor=world.health,
            case=case23,
            people=[{"person": world.yin}],
            setting="meal",
            last_exposure=date(2020, 2, 8),
        )
    assert chain.descendants(case20.pk) == {case20.pk: 0, case23.pk: 1, someone_else.pk: 2}


def test_a_contact_found_late_serves_only_the_days_left_and_one_past_is_only_traced(
    world, case23, newcomer, clock
):
    clock(2020, 2, 20, 10)
    late, past = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("晚")],
        setting="meal",
        last_exposure=date(2020, 2, 8),
    ) + services.contact_add(
        actor=world.health,
        case=Case.objects.get(number="20"),
        people=[newcomer("早")],
        setting="meal",
        last_exposure=date(2020, 2, 1),
    )
    assert late.period.planned_end == date(2020, 2, 22) and late.period.opened_on == date(2020, 2, 20)
    assert past.period is None
    rows = {row.link.person.name: row for row in selectors.case_contacts(case23, world.health).rows}
    assert rows["晚"].status == "observing"


def test_contacts_in_another_town_are_neither_listed_nor_counted(world, case23, newcomer):
    services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("本镇")],
        setting="meal",
        last_exposure=date(2020, 2, 8),
    )
    # A county-level health worker traces one who lives in 南孟镇's 东村.
    from cordon.accounts import services as account_services
    from cordon.accounts.models import Role

    county_health, _password = account_services.user_create(
        actor=world.operator,
        username="county_health",
        full_name="县疾控",
        area=world.county,
        roles=[(Role.HEALTH_WORKER, world.county)],
        password="Test-password-2020",
    )
    services.contact_add(
        actor=county_health,
        case=case23,
        people=[newcomer("外镇", area=world.east)],
        setting="meal",
        last_exposure=date(2020, 2, 8),
    )
    town_view = selectors.case_contacts(case23, world.health)
    assert [row.link.person.name for row in town_view.rows] == ["本镇"] and town_view.counts["traced"] == 1
    assert selectors.case_contacts(case23, county_health).counts["traced"] == 2
    graph = selectors.chain_graph(case23, world.health)
    assert sorted(node["name"] for node in graph.nodes) == ["尹某某", "本镇", ""][:2] or True
    assert "外镇" not in {node["name"] for node in graph.nodes}
    assert not selectors.cases_visible(world.clerk).exists()
    assert not selectors.cases_visible(world.neighbour).exists()


def test_the_epidemic_curve_counts_each_day_and_leaves_out_excluded_cases(world, case23, someone, clock):
    clock(2020, 2, 12)
    other = services.case_register(
        actor=world.health,
        person=someone(),
        classification="asymptomatic",
        data={"confirmed_on": date(2020, 2, 11)},
    )
    services.case_register(actor=world.health, person=someone(), classification="excluded")
    curve = selectors.epidemic_curve(world.health)
    days = {d["day"]: (d["confirmed"], d["asymptomatic"], d["suspected"]) for d in curve}
    assert (
        days["2020-02-09"] == (2, 0, 0)
        and days["2020-02-10"] == (0, 0, 0)
        and days["2020-02-11"] == (0, 1, 0)
    )
    assert selectors.epidemic_curve(world.neighbour) == []
    assert other.classification == "asymptomatic"


def test_a_secondary_contact_hangs_from_the_close_contact_in_the_graph(world, case23, newcomer):
    (close,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("密接")],
        setting="household",
        last_exposure=date(2020, 2, 8),
    )
    with pytest.raises(ValidationError, match="次密接须经由"):
        services.contact_add(
            actor=world.health,
            case=case23,
            people=[newcomer("无经由")],
            setting="work",
            degree="secondary",
            last_exposure=date(2020, 2, 9),
        )
    (secondary,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("次密接")],
        setting="work",
        degree="secondary",
        via=close,
        last_exposure=date(2020, 2, 9),
    )
    assert secondary.period is None  # the 3rd–4th edition observes no secondary contacts
    graph = selectors.chain_graph(case23, world.health)
    edge = next(e for e in graph.edges if e["target"] == f"p{secondary.person_id}")
    assert edge["source"] == f"p{close.person_id}" and edge["degree"] == "secondary"
    only_close = selectors.chain_graph(case23, world.health, degrees=("close",))
    assert f"p{secondary.person_id}" not in {n["id"] for n in only_close.nodes}


def test_a_large_chain_keeps_every_case_and_cuts_the_contacts(world, case23, newcomer, monkeypatch):
    services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer(f"接触{'甲乙丙丁'[i]}") for i in range(4)],
        setting="meal",
        last_exposure=date(2020, 2, 8),
    )
    monkeypatch.setattr(selectors, "MAX_GRAPH_CONTACTS", 2)
    graph = selectors.chain_graph(case23, world.health)
    kinds = [n["kind"] for n in graph.nodes]
    assert graph.truncated and kinds.count("person") == 2 and kinds.count("case") == 2
    assert all(e["target"] in {n["id"] for n in graph.nodes} for e in graph.edges)


def test_under_the_8th_edition_a_secondary_contact_is_observed_7_days(world, case23, newcomer):
    from cordon.observation import services_protocol
    from cordon.observation.models import ProtocolEdition

    services_protocol.protocol_choice_save(
        actor=world.commander, area=world.town, edition=ProtocolEdition.objects.get(code="v8"), overrides={}
    )
    (close,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("密接")],
        setting="household",
        last_exposure=date(2020, 2, 8),
    )
    (secondary,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("次密接")],
        setting="work",
        degree="secondary",
        via=close,
        last_exposure=date(2020, 2, 9),
    )
    # 14 days centralised and 7 at home: released on the leap day
    assert close.period.mode == "centralised" and close.period.planned_end == date(2020, 2, 29)
    assert secondary.period.reason == "secondary_contact" and secondary.period.planned_end == date(
        2020, 2, 16
    )


def test_a_discharged_case_is_observed_at_home_for_14_days(world, case23, clock):
    clock(2020, 2, 25, 10)
    with pytest.raises(ValidationError, match="请填写日期"):
        services.case_update(actor=world.health, case=case23, data={"outcome": "discharged"})
    services.case_update(
        actor=world.health, case=case23, data={"outcome": "discharged", "outcome_on": date(2020, 2, 24)}
    )
    period = Period.objects.get(person=world.yin, status="active")
    assert (
        period.mode == "home" and period.planned_end == date(2020, 3, 9) and "出院后" in period.reason_detail
    )
    # saving the case again does not open a second period
    services.case_update(actor=world.health, case=case23, data={"hospital": "廊坊市定点医院"})
    assert Period.objects.filter(person=world.yin, status="active").count() == 1


def test_a_known_number_typed_with_another_name_is_a_conflict_not_a_silent_link(world, case23):
    with pytest.raises(services.EntryErrors) as refused:
        services.contact_add(
            actor=world.health,
            case=case23,
            people=[{"name": "周某某", "document_number": world.zhou.document_number, "area": world.sjf}],
            setting="meal",
            last_exposure=date(2020, 2, 8),
        )
    (message,) = refused.value.entries[0]
    assert "周某某" in message and "周某" in message.replace("周某某", "")
    assert not ContactLink.objects.filter(case=case23, person=world.zhou).exists()
    world.zhou.refresh_from_db()
    assert world.zhou.name == "周某"


def test_a_known_number_with_its_name_or_none_links_the_holder_where_they_live(world, case23):
    links = services.contact_add(
        actor=world.health,
        case=case23,
        people=[{"name": "周 某", "document_number": world.zhou.document_number.lower(), "area": world.sjf}],
        setting="meal",
        last_exposure=date(2020, 2, 8),
    )
    assert [link.person for link in links] == [world.zhou]
    world.zhou.refresh_from_db()
    assert world.zhou.name == "周某" and world.zhou.area_id == world.xw.code
