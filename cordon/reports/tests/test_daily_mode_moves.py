"""A past day's report counts each observed person in the mode they were in that day: a move between
home and centralised observation (a transfer, a quarantine placement, backdated or not) counts from
the day it happened, never back to the period's opening — in the daily report and in the dashboard's
chart of observation by mode."""

import datetime as dt

from cordon.cases import services_quarantine
from cordon.observation import services as observation
from cordon.observation import stages
from cordon.observation.models import Period
from cordon.reports import dashboard
from cordon.reports.consistency import report_check
from cordon.reports.figures import area_figures, end_of_day, value

KEYS = ("active", "home", "centralised", "monitoring")


def _counts(world, day):
    f = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(day))
    return {key: value(f, f"observation.{key}") for key in KEYS}


def _modes(world, days):
    """Each day's observation figures, less those of the world as it stood before the test (its own
    observed people): what the test's period adds."""
    base = {day: _counts(world, day) for day in days}

    def added(day):
        now = _counts(world, day)
        return {key: now[key] - base[day][key] for key in KEYS}

    return added


def test_a_placement_counts_as_centralised_only_from_the_day_of_the_placement(world, observed, clock):
    added = _modes(world, [dt.date(2020, 2, 11), dt.date(2020, 2, 12)])
    clock(2020, 2, 10, 9)
    period = observed(exposure=dt.date(2020, 2, 8), opened_on=dt.date(2020, 2, 10), mode="home")
    clock(2020, 2, 13, 9)
    services_quarantine.placement_create(
        actor=world.health, person=period.person, site=world.site, placed_on=dt.date(2020, 2, 12)
    )
    period.refresh_from_db()
    assert period.mode == Period.Mode.CENTRALISED
    before = added(dt.date(2020, 2, 11))
    assert before["home"] == 1 and before["centralised"] == 0
    on_the_day = added(dt.date(2020, 2, 12))
    assert on_the_day["home"] == 0 and on_the_day["centralised"] == 1


def test_a_move_home_leaves_the_earlier_days_centralised(world, observed, clock):
    added = _modes(world, [dt.date(2020, 2, day) for day in (10, 12, 13, 15, 16)])
    clock(2020, 2, 10, 9)
    period = observed(
        exposure=dt.date(2020, 2, 9), opened_on=dt.date(2020, 2, 10), mode="centralised", place="镇卫生院"
    )
    clock(2020, 2, 14, 9)
    observation.period_transfer(
        actor=world.health, period=period, mode="home", reason="隔离点满员，转居家", on=dt.date(2020, 2, 13)
    )
    clock(2020, 2, 16, 9)
    observation.period_transfer(actor=world.health, period=period, mode="monitoring", reason="转健康监测")
    days = {day: added(dt.date(2020, 2, day)) for day in (10, 12, 13, 15, 16)}
    assert [days[d]["centralised"] for d in (10, 12, 13, 15, 16)] == [1, 1, 0, 0, 0]
    assert [days[d]["home"] for d in (10, 12, 13, 15, 16)] == [0, 0, 1, 1, 0]
    assert [days[d]["monitoring"] for d in (10, 12, 13, 15, 16)] == [0, 0, 0, 0, 1]
    assert all(d["active"] == d["home"] + d["centralised"] + d["monitoring"] for d in days.values())
    for day in (11, 12, 13, 14, 15, 16):
        assert report_check(viewer=world.commander, area=world.town, day=dt.date(2020, 2, day)) == []


def test_the_dashboards_chart_draws_each_day_in_that_days_mode(world, observed, clock):
    start, end = dt.date(2020, 2, 10), dt.date(2020, 2, 12)
    before = dashboard.observation_by_day(world.commander, world.town, start, end, end)
    clock(2020, 2, 10, 9)
    period = observed(exposure=dt.date(2020, 2, 9), opened_on=dt.date(2020, 2, 10), mode="home")
    clock(2020, 2, 12, 9)
    observation.period_transfer(
        actor=world.health, period=period, mode="centralised", place="镇卫生院", reason="转集中观察"
    )
    chart = dashboard.observation_by_day(world.commander, world.town, start, end, end)
    base = {s["key"]: s["data"] for s in before["series"]}
    series = {
        s["key"]: [n - b for n, b in zip(s["data"], base[s["key"]], strict=True)] for s in chart["series"]
    }
    assert series["home"] == [1, 1, 0]
    assert series["centralised"] == [0, 0, 1]


def test_a_new_end_date_keeps_the_record_of_the_moves(world, observed, clock):
    added = _modes(world, [dt.date(2020, 2, 11)])
    clock(2020, 2, 10, 9)
    period = observed(exposure=dt.date(2020, 2, 9), opened_on=dt.date(2020, 2, 10), mode="home")
    clock(2020, 2, 12, 9)
    observation.period_transfer(
        actor=world.health, period=period, mode="centralised", place="镇卫生院", reason="转集中观察"
    )
    observation.period_set_end(
        actor=world.health, period=period, planned_end=dt.date(2020, 2, 28), reason="复核后延长"
    )
    period.refresh_from_db()
    assert period.plan["transfers"][0]["to"] == "centralised" and period.moved_on == dt.date(2020, 2, 12)
    assert added(dt.date(2020, 2, 11))["home"] == 1


def _chain(period, *stages):
    """Give a period a chained plan (e.g. 14 d centralised + 7 d home monitoring), as a later edition
    of the protocol plans it."""
    from cordon.observation import protocol

    rules = protocol.Rules.from_json({"plans": {period.reason: [{"mode": m, "days": d} for m, d in stages]}})
    plan = protocol.plan_period(rules, rules.plan_for(period.reason), period.exposure_date)
    Period.objects.filter(pk=period.pk).update(plan=plan.to_json(), mode=stages[0][0], planned_end=plan.end)
    return plan


def test_a_chained_plan_enters_its_next_stage_on_its_first_day_and_past_days_keep_theirs(
    world, observed, clock
):
    added = _modes(world, [dt.date(2020, 2, 10), dt.date(2020, 2, 11), dt.date(2020, 2, 13)])
    clock(2020, 2, 1, 9)
    period = observed(exposure=dt.date(2020, 2, 1), opened_on=dt.date(2020, 2, 1), mode="centralised")
    plan = _chain(period, ("centralised", 10), ("monitoring", 7))
    boundary = plan.stages[1].start
    assert boundary == dt.date(2020, 2, 11)
    clock(2020, 2, 13, 9)  # the worker was down on the day itself: the move is still dated the 11th
    assert stages.periods_follow_stages() == 1
    assert stages.periods_follow_stages() == 0  # a stage is entered once
    period.refresh_from_db()
    assert period.mode == Period.Mode.MONITORING and period.moved_on == boundary
    assert added(dt.date(2020, 2, 10))["centralised"] == 1 and added(dt.date(2020, 2, 10))["monitoring"] == 0
    for day in (dt.date(2020, 2, 11), dt.date(2020, 2, 13)):
        assert added(day)["monitoring"] == 1 and added(day)["centralised"] == 0
        assert added(day)["active"] == 1


def test_a_move_made_after_a_stage_began_outranks_the_plan(world, observed, clock):
    clock(2020, 2, 1, 9)
    period = observed(exposure=dt.date(2020, 2, 1), opened_on=dt.date(2020, 2, 1), mode="centralised")
    _chain(period, ("centralised", 10), ("monitoring", 7))
    clock(2020, 2, 12, 9)
    period.refresh_from_db()
    observation.period_transfer(
        actor=world.health, period=period, mode="home", reason="转居家观察", on=dt.date(2020, 2, 12)
    )
    assert stages.periods_follow_stages() == 0
    period.refresh_from_db()
    assert period.mode == Period.Mode.HOME


def test_completing_a_chained_period_records_the_stages_it_went_through(world, observed, clock):
    clock(2020, 2, 1, 9)
    period = observed(exposure=dt.date(2020, 2, 1), opened_on=dt.date(2020, 2, 1), mode="centralised")
    plan = _chain(period, ("centralised", 10), ("monitoring", 7))
    Period.objects.filter(pk=period.pk).update(rules={**period.rules, "tests": []})
    clock(2020, 2, 20, 9)  # the worker never ran: completion itself writes the move
    period.refresh_from_db()
    if observation.completion_blockers(period, today=dt.date(2020, 2, 20)):
        observation.period_waive_tests(actor=world.health, period=period, reason="测试：无需检测")
    observation.period_complete(actor=world.clerk, period=Period.objects.get(pk=period.pk))
    period.refresh_from_db()
    assert period.mode_on(dt.date(2020, 2, 10)) == "centralised"
    assert period.mode_on(plan.stages[1].start) == "monitoring"
