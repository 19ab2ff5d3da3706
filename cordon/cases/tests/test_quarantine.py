"""Quarantine sites and placements: capacity, one site at a time, release only when the period allows."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.cases import services, services_quarantine
from cordon.cases.models import Placement
from cordon.observation import services_checks


@pytest.fixture
def site(world):
    return services_quarantine.site_save(
        actor=world.health,
        area=world.town,
        data={"name": "霸州市第二医院", "capacity": 2, "address": "霸州市"},
    )


@pytest.fixture
def contacts(world, case23, newcomer):
    return services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("甲"), newcomer("乙"), newcomer("丙")],
        setting="household",
        last_exposure=date(2020, 2, 8),
    )


def place(world, link, site, day=date(2020, 2, 9)):
    return services_quarantine.placement_create(
        actor=world.health, person=link.person, site=site, placed_on=day, transport="连夜送往", contact=link
    )


def test_placing_moves_the_period_to_centralised_observation_at_the_site(world, site, contacts):
    placement = place(world, contacts[0], site)
    period = placement.period
    period.refresh_from_db()
    assert period.mode == "centralised" and period.place == "霸州市第二医院"
    assert placement.area_id == world.sjf.code


def test_refuses_over_capacity_with_the_day_and_the_site(world, site, contacts):
    place(world, contacts[0], site)
    place(world, contacts[1], site)
    with pytest.raises(ValidationError, match="霸州市第二医院 在 2020-02-09 已满"):
        place(world, contacts[2], site)
    assert Placement.objects.filter(site=site).count() == 2


def test_refuses_a_person_at_two_sites(world, site, contacts):
    other = services_quarantine.site_save(
        actor=world.health, area=world.town, data={"name": "镇卫生院", "capacity": 5}
    )
    place(world, contacts[0], site)
    with pytest.raises(ValidationError, match="请先结束"):
        place(world, contacts[0], other)


def test_refuses_release_before_the_period_ends_then_releases_and_completes(world, site, contacts, clock):
    placement = place(world, contacts[0], site)
    clock(2020, 2, 21, 10)
    with pytest.raises(ValidationError, match="2020-02-22"):
        services_quarantine.placement_release(
            actor=world.health, placement=placement, released_on=date(2020, 2, 21)
        )
    clock(2020, 2, 22, 10)
    released = services_quarantine.placement_release(
        actor=world.health, placement=placement, released_on=date(2020, 2, 22)
    )
    assert released.outcome == "released" and released.left_on == date(2020, 2, 22)
    period = released.period
    period.refresh_from_db()
    assert period.status == "completed" and period.actual_end == date(2020, 2, 22)
    with pytest.raises(ValidationError, match="已于 2020-02-22 结束"):
        services_quarantine.placement_release(
            actor=world.health, placement=released, released_on=date(2020, 2, 22)
        )


def test_refuses_release_while_a_fever_alert_is_open(world, site, contacts, clock):
    placement = place(world, contacts[0], site)
    clock(2020, 2, 21, 20)
    services_checks.check_record(
        actor=world.health, period=placement.period, temperature="37.3", day=date(2020, 2, 21), slot="pm"
    )
    clock(2020, 2, 22, 10)
    with pytest.raises(ValidationError):
        services_quarantine.placement_release(
            actor=world.health, placement=placement, released_on=date(2020, 2, 22)
        )
    assert Placement.objects.get(pk=placement.pk).left_on is None


def test_a_contact_who_becomes_a_case_leaves_quarantine(world, site, contacts, clock):
    placement = place(world, contacts[0], site)
    clock(2020, 2, 12, 10)
    case = services.contact_to_case(actor=world.health, link=contacts[0], classification="suspected")
    placement.refresh_from_db()
    assert placement.outcome == "became_case" and placement.left_on == date(2020, 2, 12)
    contacts[0].refresh_from_db()
    assert contacts[0].contact_case == case


def test_capacity_cannot_drop_below_the_people_held(world, site, contacts):
    place(world, contacts[0], site)
    place(world, contacts[1], site)
    with pytest.raises(ValidationError, match="今天有 2 人"):
        services_quarantine.site_save(
            actor=world.health, area=world.town, site=site, data={"name": site.name, "capacity": 1}
        )


def test_only_health_workers_and_the_command_centre_place_people(world, site, contacts):
    for actor in (world.clerk, world.head, world.neighbour):
        with pytest.raises(PermissionDenied):
            services_quarantine.placement_create(
                actor=actor, person=contacts[0].person, site=site, placed_on=date(2020, 2, 9)
            )


def test_occupancy_per_day(world, site, contacts, clock):
    place(world, contacts[0], site, day=date(2020, 2, 9))
    place(world, contacts[1], site, day=date(2020, 2, 9))
    clock(2020, 2, 22, 10)
    services_quarantine.placement_end(
        actor=world.health,
        placement=Placement.objects.get(person=contacts[1].person),
        outcome="hospital",
        ended_on=date(2020, 2, 11),
        note="霸州市医院",
    )
    days = services_quarantine.occupancy(site, date(2020, 2, 9), date(2020, 2, 12))
    assert days == {date(2020, 2, 9): 2, date(2020, 2, 10): 2, date(2020, 2, 11): 1, date(2020, 2, 12): 1}


def test_refuses_a_contact_link_of_someone_else(world, site, contacts):
    with pytest.raises(ValidationError, match="不是此人"):
        services_quarantine.placement_create(
            actor=world.health,
            person=contacts[0].person,
            site=site,
            placed_on=date(2020, 2, 9),
            contact=contacts[1],
        )
