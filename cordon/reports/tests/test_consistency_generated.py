"""The report consistency check over a generated town of 3,000 people with cases, contacts,
placements and releases spread over 60 days (``generated_town``): every day's report keeps the
identities between its figures, and never-observed Hubei arrivals are named, on SQLite and
PostgreSQL alike. The town is built once per test process."""

import datetime as dt

import pytest

from cordon.core.testing import shared_world
from cordon.observation import stays
from cordon.observation.models import Period, mode_on
from cordon.reports.consistency import report_check
from cordon.reports.figures import area_figures, end_of_day, value
from cordon.reports.report_text import report_text
from cordon.reports.tests.generated_town import build_generated_town


@pytest.fixture
def generated_town(request):
    return shared_world(request, key="generated town", build=build_generated_town)


def test_every_day_of_the_generated_town_keeps_its_identities(generated_town):
    town = generated_town
    world = town.world
    faults = {}
    day = town.start
    while day <= town.end:
        broken = report_check(viewer=world.commander, area=world.town, day=day)
        if broken:
            faults[day.isoformat()] = [str(b) for b in broken]
        day += dt.timedelta(days=1)
    assert not faults


def test_never_observed_arrivals_are_named_and_the_sentence_is_not_written(generated_town):
    town = generated_town
    world = town.world
    figures = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(town.end))
    assert town.never > 0
    # The town is what it says: cases, contacts placed and released, observation completed.
    assert value(figures, "cases.confirmed") > 0 and value(figures, "contacts.close") > 100
    assert value(figures, "contacts.placed") > 50 and value(figures, "contacts.released") > 20
    assert value(figures, "observation.released_total") > 100 and value(figures, "screening.total") >= 3000
    assert value(figures, "screening.hubei_never_observed") == len(figures["unresolved"]) >= town.never
    text = report_text(figures)
    assert "目前已全部脱离观察期" not in text and "从未纳入医学观察" in text


def test_each_day_counts_every_period_in_the_mode_it_was_in_that_day(generated_town):
    town = generated_town
    world = town.world
    periods = list(
        Period.objects.within(world.town.code).values_list(
            "mode", "plan", "opened_on", "actual_end", "status"
        )
    )
    assert sum(1 for p in periods if p[1].get("transfers")) > 10
    day, faults = town.start, {}
    while day <= town.end:
        expected = dict.fromkeys(Period.Mode.values, 0)
        for mode, plan, opened_on, actual_end, status in periods:
            over = stays.over(
                end=actual_end,
                completed=status == Period.Status.COMPLETED,
                day=day,
                released_by=day + dt.timedelta(days=1),
            )
            if opened_on <= day and not over:
                expected[mode_on(mode=mode, transfers=plan.get("transfers", []), day=day)] += 1
        figures = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(day))
        counted = {mode: value(figures, f"observation.{mode}") for mode in expected}
        if counted != expected:
            faults[day.isoformat()] = (counted, expected)
        day += dt.timedelta(days=1)
    assert not faults
