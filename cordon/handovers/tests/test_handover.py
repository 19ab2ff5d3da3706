"""A person handed from 堂二里镇 to 南孟镇: until accepted the sender keeps them; after, the receiver
owns the record, the observation continues with its dates and rules, and each town counts the person
from the hand-over day — neither twice, neither loses them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.handovers import selectors, services
from cordon.handovers.models import Handover
from cordon.observation import services as observation
from cordon.observation.models import Period
from cordon.people import services as people
from cordon.reports.figures import area_figures, end_of_day, value

OPENED, HANDED = dt.date(2020, 2, 10), dt.date(2020, 2, 15)


def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def observed(world):
    """钱某, arrived in 四间房村 on the 10th, under home observation there."""
    with time_machine.travel(at(OPENED), tick=False):
        person, arrival, _created = people.register(
            actor=world.clerk,
            area=world.sjf,
            person_data={"name": "钱某", "document_type": "mainland_id", "document_number": ""},
            arrival_data={"origin_text": "湖北省孝感市", "arrival_date": OPENED.isoformat()},
        )
        period = Period.objects.filter(person=person, status="active").first() or observation.period_open(
            actor=world.clerk,
            person=person,
            reason="arrival",
            exposure_date=OPENED,
            arrival=arrival,
            mode="home",
        )
    return person, period


def active(world, area, day):
    return value(area_figures(viewer=world.operator, area=area, as_of=end_of_day(day)), "observation.active")


def test_accepted_the_receiver_owns_the_person_and_each_town_counts_from_the_day(world, observed):
    person, period = observed
    before = {
        day: (active(world, world.town, day), active(world, world.neighbour_town, day))
        for day in (HANDED - dt.timedelta(days=1), HANDED)
    }
    with time_machine.travel(at(HANDED - dt.timedelta(days=1)), tick=False):
        handover = services.handover_request(
            actor=world.commander, person=person, to_area=world.neighbour_town
        )
    # Pending: still the sender's.
    person.refresh_from_db()
    assert person.area_id == world.sjf.code and handover.period == period
    with time_machine.travel(at(HANDED), tick=False):
        handover = services.handover_accept(actor=world.neighbour, handover=handover, area=world.east)
    period.refresh_from_db()
    person.refresh_from_db()
    new = handover.new_period
    assert person.area_id == world.east.code
    assert (period.status, period.outcome, period.actual_end) == ("closed", "left_area", HANDED)
    assert new.area_id == world.east.code and new.status == "active" and new.opened_on == HANDED
    assert (new.exposure_date, new.planned_end, new.edition_id, new.rules, new.plan) == (
        period.exposure_date,
        period.planned_end,
        period.edition_id,
        period.rules,
        period.plan,
    )
    # The day before: the sender's; the day itself: the receiver's. The sum never changes.
    day_before = HANDED - dt.timedelta(days=1)
    assert (active(world, world.town, day_before), active(world, world.neighbour_town, day_before)) == before[
        day_before
    ]
    town, neighbour = before[HANDED]
    assert (active(world, world.town, HANDED), active(world, world.neighbour_town, HANDED)) == (
        town - 1,
        neighbour + 1,
    )
    assert active(world, world.county, HANDED) == active(world, world.county, day_before)


def test_declined_nothing_moves(world, observed):
    person, period = observed
    handover = services.handover_request(actor=world.commander, person=person, to_area=world.neighbour_town)
    with pytest.raises(ValidationError):
        services.handover_decline(actor=world.neighbour, handover=handover, reason=" ")
    services.handover_decline(actor=world.neighbour, handover=handover, reason="查无此人")
    person.refresh_from_db()
    period.refresh_from_db()
    assert person.area_id == world.sjf.code and period.status == "active"
    with pytest.raises(ValidationError, match="已经处理"):
        services.handover_accept(actor=world.neighbour, handover=handover)


def test_refusals(world, observed):
    person, _period = observed
    with pytest.raises(PermissionDenied):  # another town's commander does not send 堂二里镇's people
        services.handover_request(actor=world.neighbour, person=person, to_area=world.neighbour_town)
    with pytest.raises(ValidationError):
        services.handover_request(actor=world.commander, person=person, to_area=world.town)
    with pytest.raises(ValidationError):
        services.handover_request(actor=world.commander, person=person, to_area=world.east)  # a village
    handover = services.handover_request(actor=world.commander, person=person, to_area=world.neighbour_town)
    with pytest.raises(ValidationError):
        services.handover_request(actor=world.commander, person=person, to_area=world.neighbour_town)
    with pytest.raises(PermissionDenied):  # the sender cannot accept for the receiver
        services.handover_accept(actor=world.commander, handover=handover)
    with pytest.raises(ValidationError):
        services.handover_accept(actor=world.neighbour, handover=handover, area=world.sjf)
    # Both towns see it; a clerk of another village of the sender does not.
    assert handover in selectors.handovers_for(world.neighbour)
    assert handover in selectors.handovers_for(world.commander)
    assert handover not in selectors.handovers_for(world.other_clerk)
    assert Handover.objects.visible_to(world.other_clerk).filter(pk=handover.pk).count() == 0


def test_the_pages_and_the_api(world, observed, client, login, api_client):
    person, _period = observed
    login(world.commander)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "移交到其他镇" in page
    form = client.get(f"/handovers/new/?person={person.pk}").content.decode()
    assert world.neighbour_town.code in form and f'value="{world.town.code}"' not in form
    client.post(
        "/handovers/new/", {"person": person.pk, "to_area": world.neighbour_town.code, "note": "住南孟镇"}
    )
    handover = Handover.objects.get(person=person)
    login(world.neighbour)
    listing = client.get("/handovers/").content.decode()
    assert f'data-handover="{handover.pk}" data-status="pending"' in listing and "接收" in listing
    answer = api_client(world.neighbour).post(
        f"/api/v1/handovers/{handover.pk}/accept", {"area": world.east.code}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    again = api_client(world.neighbour).post(
        f"/api/v1/handovers/{handover.pk}/decline", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 422 and "已经处理" in again.json()["message"]
    assert api_client(world.other_clerk).get("/api/v1/handovers/").json() == []
