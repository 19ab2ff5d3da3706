"""The report consistency check over the seed town: every day of February 2020 keeps the identities
between its figures, and the 02-22/02-23 quarantine figures agree with observation (one rule for when
a stay ends, ``observation.stays``)."""

import datetime as dt

import pytest

from cordon.accounts.models import Area, User
from cordon.reports.consistency import report_check
from cordon.reports.figures import area_figures, end_of_day, value


@pytest.fixture
def seed(seed_town):
    return Area.objects.get(name="堂二里镇"), User.objects.get(username="zhihui")


def test_every_day_of_the_seed_town_keeps_its_identities(seed):
    town, commander = seed
    faults = {}
    day = dt.date(2020, 1, 20)
    while day <= dt.date(2020, 2, 26):
        broken = report_check(viewer=commander, area=town, day=day)
        if broken:
            faults[day.isoformat()] = [str(b) for b in broken]
        day += dt.timedelta(days=1)
    assert not faults


@pytest.mark.parametrize("day", [dt.date(2020, 2, 21), dt.date(2020, 2, 22), dt.date(2020, 2, 23)])
def test_quarantine_and_centralised_observation_agree_on_each_day(seed, day):
    town, commander = seed
    f = area_figures(viewer=commander, area=town, as_of=end_of_day(day))
    assert value(f, "contacts.in_quarantine") == value(f, "observation.centralised"), day


def test_the_seed_towns_contacts_count_on_the_night_they_were_traced(seed):
    town, commander = seed
    on_9 = area_figures(viewer=commander, area=town, as_of=end_of_day(dt.date(2020, 2, 9)))
    on_21 = area_figures(viewer=commander, area=town, as_of=end_of_day(dt.date(2020, 2, 21)))
    assert value(on_9, "contacts.traced_today") >= 39
    assert value(on_21, "contacts.traced_today") == 0
