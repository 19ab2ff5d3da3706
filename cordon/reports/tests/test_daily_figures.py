"""The report's figures are history: a past day's figures stay that day's, whatever is recorded later;
they are counted through the viewer's scope in a fixed number of queries."""

import datetime as dt

import time_machine
from django.utils import timezone

from cordon.cases import services as cases
from cordon.lockdowns import services as lockdowns
from cordon.people import services as people
from cordon.reports import figures as figs
from cordon.reports.figures import area_figures, end_of_day, value
from cordon.reports.testing import observed_twice

FEB21 = dt.date(2020, 2, 21)
FEB10 = dt.date(2020, 2, 10)


def _at(day, hour=9):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


def _register(world, name, id17, origin, day):
    from cordon.people.testing import id_number

    people.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": name, "document_type": "mainland_id", "document_number": id_number(id17)},
        arrival_data={"origin_text": origin, "arrival_date": day},
    )


def test_figures_of_a_past_day_stay_that_days_when_later_records_are_added(world):
    with _at(dt.date(2020, 2, 22)):
        before = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(FEB21))
    assert value(before, "screening.wuhan") == 1  # 尹某某, arrived 2020-01-25
    assert value(before, "screening.others") == 1  # 周某 from Beijing; 东某 is 南孟镇's
    assert value(before, "cases.confirmed") == 1
    assert value(before, "lockdowns.sealed") == 0  # the grid was sealed when the world was built

    with _at(dt.date(2020, 3, 5)):
        _register(world, "晚某", "13108119850101007", "湖北省武汉市武昌区", dt.date(2020, 3, 1))
        _register(world, "迟某", "13108119850101008", "北京市大兴区", dt.date(2020, 3, 2))
        person, _created = people.person_save(
            actor=world.health,
            area=world.sjf,
            data={"name": "丙病例", "document_number": _id("13108119700101009")},
        )
        cases.case_register(
            actor=world.health, person=person, classification="confirmed", classified_on=dt.date(2020, 3, 3)
        )
        lockdowns.lockdown_seal(actor=world.commander, area=world.xw)
        later = area_figures(
            viewer=world.commander, area=world.town, as_of=timezone.now() + dt.timedelta(minutes=1)
        )
        again = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(FEB21))

    assert value(later, "screening.wuhan") == 2 and value(later, "screening.others") == 2
    assert value(later, "cases.confirmed") == 2 and value(later, "lockdowns.sealed") == 1
    assert again["sections"] == before["sections"]
    assert again["date"] == "2020-02-21" and again["as_of"].startswith("2020-02-22T00:00:00")


def _id(first17):
    from cordon.people.testing import id_number

    return id_number(first17)


def test_observation_released_at_midnight_of_its_release_day_counts_as_released_that_night(world):
    from cordon.observation.models import Period

    period = world.yin_period
    Period.objects.filter(pk=period.pk).update(
        status=Period.Status.COMPLETED, actual_end=dt.date(2020, 2, 22), planned_end=dt.date(2020, 2, 22)
    )
    on_21 = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(FEB21))
    on_20 = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(dt.date(2020, 2, 20)))
    assert value(on_21, "screening.hubei_released") == 1 and value(on_21, "screening.hubei_observing") == 0
    assert value(on_20, "screening.hubei_released") == 0 and value(on_20, "screening.hubei_observing") == 1


def test_a_clerk_counts_only_their_village_and_the_neighbour_nothing_of_the_town(world):
    as_of = end_of_day(FEB21)
    clerk = area_figures(viewer=world.other_clerk, area=world.xw, as_of=as_of)
    assert value(clerk, "screening.others") == 1 and value(clerk, "screening.wuhan") == 0
    assert value(clerk, "cases.confirmed") == 0
    # Even asked for the town, a clerk's figures hold only what their scope reaches.
    town = area_figures(viewer=world.other_clerk, area=world.town, as_of=as_of)
    assert value(town, "screening.wuhan") == 0 and value(town, "checkpoints.gates") == 1


def test_every_figure_with_a_list_links_to_it_scoped_to_the_area(world):
    figures = area_figures(viewer=world.commander, area=world.town, as_of=timezone.now())
    wuhan = figures["sections"]["screening"]["figures"]["wuhan"]
    assert wuhan["url"] == "/people/ledgers/?category=wuhan&area=131081103000"
    assert figures["sections"]["cases"]["figures"]["confirmed"]["url"].startswith(
        "/cases/?classification=confirmed"
    )
    assert figures["sections"]["screening"]["label"] == "摸排外来人员"


def test_the_now_figures_agree_with_the_lists_they_link_to(world, client, login):
    login(world.commander)
    figures = area_figures(viewer=world.commander, area=world.town, as_of=timezone.now())
    ledger = client.get(figures["sections"]["screening"]["figures"]["wuhan"]["url"])
    assert ledger.status_code == 200 and "尹某某" in ledger.content.decode()
    cases_page = client.get(figures["sections"]["cases"]["figures"]["confirmed"]["url"])
    assert value(figures, "cases.confirmed") == 1 and "甲病例" in cases_page.content.decode()


def test_figures_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    as_of = end_of_day(FEB21)
    area_figures(viewer=world.commander, area=world.town, as_of=as_of)  # the roles are read once
    with django_assert_num_queries(figs.QUERIES):
        area_figures(viewer=world.commander, area=world.town, as_of=as_of)
    for n in range(5):
        _register(
            world, "多" + "甲乙丙丁戊"[n], f"1310811985021{n}01{n}", "湖北省孝感市", dt.date(2020, 2, 1 + n)
        )
    with django_assert_num_queries(figs.QUERIES):
        area_figures(viewer=world.commander, area=world.town, as_of=as_of)


def test_the_report_page_makes_a_fixed_number_of_queries(world, client, login, django_assert_num_queries):
    login(world.commander)
    url = "/reports/daily/?area=131081103000&date=2020-02-21"
    client.get(url)
    with django_assert_num_queries(
        figs.QUERIES + 11
    ):  # session, user, area, roles, versions, five unresolved lists…
        client.get(url)
    for n in range(3):
        _register(
            world, "再" + "甲乙丙"[n], f"1310811986031{n}02{n}", "湖北省孝感市", dt.date(2020, 2, 3 + n)
        )
    with django_assert_num_queries(figs.QUERIES + 11):
        client.get(url)


def test_figures_at_two_moments_are_each_moments_own_from_the_same_queries(world, django_assert_num_queries):
    """The dashboard's now and yesterday 24:00: one set of queries, each answer exactly area_figures."""
    with _at(dt.date(2020, 2, 22), hour=15):
        _register(world, "今某", "13108119850101017", "湖北省武汉市武昌区", dt.date(2020, 2, 22))
        person, _created = people.person_save(
            actor=world.health,
            area=world.sjf,
            data={"name": "丁病例", "document_number": _id("13108119700101019")},
        )
        cases.case_register(actor=world.health, person=person, classification="suspected")
        lockdowns.lockdown_seal(actor=world.commander, area=world.xw)
        moments = [timezone.now() + dt.timedelta(minutes=1), end_of_day(FEB21)]
        figs.figures_at(viewer=world.commander, area=world.town, moments=moments)  # the roles read once
        with django_assert_num_queries(figs.QUERIES_AT_TWO_MOMENTS):
            now, before = figs.figures_at(viewer=world.commander, area=world.town, moments=moments)
        for answer, moment in ((now, moments[0]), (before, moments[1])):
            assert answer == area_figures(viewer=world.commander, area=world.town, as_of=moment)
    assert value(now, "screening.wuhan") == value(before, "screening.wuhan") + 1
    assert value(now, "cases.suspected") == value(before, "cases.suspected") + 1
    assert value(now, "lockdowns.sealed") == value(before, "lockdowns.sealed") + 1
    assert now["sealed_areas"] != before["sealed_areas"]
    # The case confirmed on 9 February: new that day, not the next.
    feb9, feb10 = figs.figures_at(
        viewer=world.commander, area=world.town, moments=[end_of_day(dt.date(2020, 2, 9)), end_of_day(FEB10)]
    )
    assert (value(feb9, "cases.new_confirmed"), value(feb10, "cases.new_confirmed")) == (1, 0)
    assert feb10 == area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(FEB10))


def test_observation_counts_each_period_by_its_state_at_each_moment(world):
    """A period is under observation from the day it opens, released at 00:00 of its release day (so
    over at "24:00" the day before) and over at the end of the day it is closed early; the moments of
    one query each count their own state of it."""
    feb14 = dt.date(2020, 2, 14)  # the eve of the home period's release day
    days = [dt.date(2020, 1, 31), dt.date(2020, 2, 1), dt.date(2020, 2, 11), dt.date(2020, 2, 12), feb14]
    names = ("active", "home", "centralised", "released_total", "released_today", "opened_today")

    def counted() -> dict:
        answers = figs.figures_at(
            viewer=world.commander, area=world.town, moments=[end_of_day(d) for d in days]
        )
        for day, answer in zip(days, answers, strict=True):
            assert answer == area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(day))
        return {d: [value(a, f"observation.{n}") for n in names] for d, a in zip(days, answers, strict=True)}

    before = counted()  # the world's own periods
    home, _early = observed_twice(world)
    assert home.planned_end == feb14 + dt.timedelta(days=1)  # released at 00:00 that day
    after = counted()
    added = {d: tuple(a - b for a, b in zip(after[d], before[d], strict=True)) for d in days}
    assert added == {
        dt.date(2020, 1, 31): (0, 0, 0, 0, 0, 0),
        dt.date(2020, 2, 1): (1, 1, 0, 0, 0, 1),
        dt.date(2020, 2, 11): (2, 1, 1, 0, 0, 0),
        dt.date(2020, 2, 12): (1, 1, 0, 0, 0, 0),  # closed early that day: over, not released
        feb14: (0, 0, 0, 1, 1, 0),
    }
