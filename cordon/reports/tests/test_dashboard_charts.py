"""The dashboard's charts for a small world: arrivals by day and category, people under observation
computed from the periods' dates, the epidemic curve, passages per checkpoint, the grid of villages."""

import json
from datetime import date, timedelta

from django.utils import timezone

from cordon.observation import services as observation
from cordon.reports import dashboard
from cordon.reports.testing import observed_twice


def _series(chart: dict) -> dict:
    return {s["key"]: s["data"] for s in chart["series"]}


def _at(chart: dict, key: str, day: str) -> int:
    return _series(chart)[key][chart["days"].index(day)]


def test_arrivals_by_day_and_category_in_the_commanders_town(world):
    charts = dashboard.charts(
        world.commander, world.town, end=date(2020, 2, 10), days=30, today=date(2020, 3, 1)
    )
    arrivals = charts["arrivals"]
    assert arrivals["days"][0] == "2020-01-12" and arrivals["days"][-1] == "2020-02-10"
    # 尹某某 from 武汉 on 25 January (四间房村), 周某 from 北京 on 1 February (小湾村); 东村's person is
    # 南孟镇's and never shows.
    assert sum(sum(s["data"]) for s in arrivals["series"]) == 2
    by_category = {s["key"]: s for s in arrivals["series"]}
    wuhan = world.yin.arrivals.get().category_id
    beijing = world.zhou.arrivals.get().category_id
    assert _at(arrivals, wuhan, "2020-01-25") == 1
    assert _at(arrivals, beijing, "2020-02-01") == 1
    assert by_category[wuhan]["name"]  # the ledger's own name


def test_a_village_only_sees_its_own_arrivals(world):
    charts = dashboard.charts(
        world.commander, world.xw, end=date(2020, 2, 10), days=30, today=date(2020, 3, 1)
    )
    assert [sum(s["data"]) for s in charts["arrivals"]["series"]] == [1]


def test_people_under_observation_by_mode_from_the_periods_dates(world):
    # 周某 in centralised observation from 1 February, ended early on 5 February: counted 1–4 February.
    period = observation.period_open(
        actor=world.other_clerk,
        person=world.zhou,
        reason="arrival",
        exposure_date=date(2020, 2, 1),
        opened_on=date(2020, 2, 1),
        mode="centralised",
    )
    observation.period_close(
        actor=world.health, period=period, outcome="left_area", note="回北京", ended_on=date(2020, 2, 5)
    )
    chart = dashboard.charts(
        world.commander, world.town, end=date(2020, 2, 10), days=30, today=date(2020, 3, 1)
    )["observation"]
    centralised = _series(chart)["centralised"]
    days = chart["days"]
    assert [centralised[days.index(d)] for d in ("2020-01-31", "2020-02-01", "2020-02-04", "2020-02-05")] == [
        0,
        1,
        1,
        0,
    ]
    # 尹某某 at home from 25 January, still under observation: every day from then on.
    home = _series(chart)["home"]
    assert home[days.index("2020-01-24")] == 0
    assert home[days.index("2020-01-25")] == 1 and home[-1] == 1
    assert sum(_series(chart)["monitoring"]) == 0


def test_the_epidemic_curve_is_the_cases_apps(world):
    chart = dashboard.charts(
        world.health, world.town, end=date(2020, 2, 15), days=14, today=date(2020, 3, 1)
    )["curve"]
    assert _at(chart, "confirmed", "2020-02-09") == 1
    assert chart["total"] == 1
    assert {s["key"] for s in chart["series"]} == {"confirmed", "asymptomatic", "suspected"}


def test_passages_per_checkpoint_from_the_roll_up(world):
    today = timezone.localdate()
    chart = dashboard.charts(world.commander, world.town, end=today, days=14, today=today)["passages"]
    assert [s["name"] for s in chart["series"]] == ["四间房村东口卡点"]
    assert chart["series"][0]["data"][-1] == 1
    assert sum(chart["series"][0]["data"][:-1]) == 0


def test_passages_chart_shows_the_busiest_checkpoints_of_the_counts_table_and_sums_the_rest(world):
    from cordon.checkpoints.models import PassageDayCount
    from cordon.checkpoints.selectors import counts_by_day_and_checkpoint
    from cordon.checkpoints.services import checkpoint_create

    today = timezone.localdate()
    start = today - timedelta(days=13)
    gates = [
        checkpoint_create(actor=world.operator, area=world.xw, name=f"小湾村{n}号卡点") for n in range(10)
    ]
    for n, gate in enumerate(gates):  # ties among the quiet ones: the table's order decides
        PassageDayCount.objects.create(checkpoint=gate, area_id=gate.area_id, day=start, total=n // 3 + 1)
    chart = dashboard.passages_by_checkpoint(world.commander, world.town, start, today)

    table = counts_by_day_and_checkpoint(world.commander, world.town.code, start, today)
    ranked = sorted(table.rows, key=lambda row: -row["total"])
    busiest = [(row["checkpoint"].name, [cell["total"] for cell in row["by_day"]]) for row in ranked[:8]]
    assert [(s["name"], s["data"]) for s in chart["series"][:8]] == busiest
    rest = [sum(row["by_day"][i]["total"] for row in ranked[8:]) for i in range(14)]
    assert chart["series"][8]["key"] == "other" and chart["series"][8]["data"] == rest
    # 四间房村's gate (one today) is as quiet as three of 小湾村's and comes first in the table.
    assert chart["series"][7]["name"] == "四间房村东口卡点" and sum(rest) == 3


def test_the_grid_colours_villages_by_status_and_links_to_their_pages(world):
    tiles = {t.area.name: t for t in dashboard.area_grid(world.commander, world.town)}
    assert set(tiles) == {"四间房村", "小湾村"}
    # 四间房村's first grid is sealed: the village shows sealed, over its open alert and its case.
    assert tiles["四间房村"].status == "sealed"
    assert (tiles["四间房村"].alerts, tiles["四间房村"].cases) == (1, 1)
    assert tiles["小湾村"].status == "normal"
    assert tiles["小湾村"].url == f"/accounts/areas/{world.xw.code}/"


def test_the_page_carries_the_charts_as_json(world, client, login):
    login(world.commander)
    response = client.get("/dashboard/", {"date": "2020-02-10", "days": "30"})
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index('<script id="dash-charts" type="application/json">') + len(
        '<script id="dash-charts" type="application/json">'
    )
    charts = json.loads(content[start : content.index("</script>", start)])
    assert set(charts) == {"arrivals", "observation", "curve", "passages"}
    assert charts["arrivals"]["days"][-1] == "2020-02-10"
    assert _at(charts["curve"], "confirmed", "2020-02-09") == 1
    assert 'href="/accounts/areas/131081103215/"' in content
    assert "<script>" not in content  # the CSP allows no inline script


def test_a_date_in_the_future_is_today(world, client, login):
    login(world.commander)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.get("/dashboard/", {"date": tomorrow.isoformat()})
    assert response.context["day"] == timezone.localdate()


def test_a_malformed_date_is_refused_politely(world, client, login):
    login(world.commander)
    response = client.get("/dashboard/", {"date": "2020-02-31"})
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert response.context["form"].errors["date"]


def test_a_county_viewer_gets_no_epidemic_curve_cases_being_clinical_records(world, client, login):
    login(world.viewer)
    response = client.get("/dashboard/", {"area": world.town.code, "date": "2020-02-10"})
    assert response.context["charts"]["curve"] is None
    assert "流行曲线仅向卫生院人员和指挥部显示" in response.content.decode()
    # the rest of the charts are there
    assert response.context["charts"]["arrivals"]["series"]


def test_the_observation_series_agrees_with_the_daily_figures_day_by_day(world):
    from cordon.reports.figures import area_figures, end_of_day

    observed_twice(world)
    today = timezone.localdate()
    chart = dashboard.charts(world.commander, world.town, end=date(2020, 2, 20), days=14, today=today)[
        "observation"
    ]
    series = _series(chart)
    for i, day in enumerate(chart["days"]):
        figures = area_figures(
            viewer=world.commander, area=world.town, as_of=end_of_day(date.fromisoformat(day))
        )["sections"]["observation"]["figures"]
        for mode in ("home", "centralised", "monitoring"):
            assert series[mode][i] == figures[mode]["value"], (day, mode)
    assert series["centralised"][chart["days"].index("2020-02-11")] == 1
    assert series["centralised"][chart["days"].index("2020-02-12")] == 0
