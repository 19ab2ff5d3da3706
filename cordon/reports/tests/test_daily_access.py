"""Another town's report does not exist for you (404 on the page and the API, exit status 1 on the
command line); a malformed or future date gets a clear Chinese message."""

import json

import time_machine
from django.utils import timezone

from cordon.cli import main

TOWN = "131081103000"


def test_the_neighbour_town_gets_404_on_page_api_and_cli(world, client, login, api_client, capsys):
    login(world.neighbour)
    assert client.get(f"/reports/daily/?area={TOWN}&date=2020-02-21").status_code == 404
    assert client.get(f"/reports/daily/report.xlsx?area={TOWN}&date=2020-02-21").status_code == 404
    assert client.post("/reports/daily/generate/", {"area": TOWN, "date": "2020-02-21"}).status_code == 404
    api = api_client(world.neighbour)
    assert api.get(f"/api/v1/reports/daily?area={TOWN}&date=2020-02-21").status_code == 404
    assert api.get(f"/api/v1/reports/figures?area={TOWN}").status_code == 404
    assert main(["report", "daily", "--area", TOWN, "--date", "2020-02-21", "--as", "neighbour"]) == 1
    assert "131081103000" in capsys.readouterr().err
    # Their own town is theirs.
    assert (
        main(["report", "daily", "--area", "131081104000", "--date", "2020-02-21", "--as", "neighbour"]) == 0
    )
    assert "南孟镇疫情防控日报" in capsys.readouterr().out


def test_a_stored_report_of_another_town_is_404(world, client, login, api_client):
    import datetime as dt

    from cordon.reports import services

    report = services.report_generate(actor=world.commander, area=world.town, day=dt.date(2020, 2, 21))
    login(world.neighbour)
    for action in ("remarks", "send", "correct"):
        assert client.post(f"/reports/daily/{report.pk}/{action}/").status_code == 404
    api = api_client(world.neighbour)
    assert api.get(f"/api/v1/reports/daily/{report.pk}").status_code == 404
    assert api.post(f"/api/v1/reports/daily/{report.pk}/send").status_code == 404


def test_a_bad_date_is_refused_with_a_chinese_message(world, client, login, api_client, capsys):
    login(world.commander)
    body = client.get(f"/reports/daily/?area={TOWN}&date=2020-02-31").content.decode()
    assert "日期格式应为 YYYY-MM-DD" in body
    response = api_client(world.commander).get(f"/api/v1/reports/daily?area={TOWN}&date=21/02/2020")
    assert response.status_code == 422 and "日期格式应为" in response.json()["message"]
    assert main(["report", "daily", "--area", TOWN, "--date", "2020-2-31", "--as", "commander"]) == 1
    assert "日期格式应为" in capsys.readouterr().err
    with time_machine.travel(timezone.make_aware(timezone.datetime(2020, 2, 21, 20)), tick=False):
        assert main(["report", "daily", "--area", TOWN, "--date", "2020-02-22", "--as", "commander"]) == 1
        assert "尚未到来" in capsys.readouterr().err


def test_now_reports_today_as_of_this_moment(world, capsys):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2020, 2, 21, 20)), tick=False):
        assert (
            main(
                ["report", "daily", "--area", TOWN, "--date", "now", "--format", "json", "--as", "commander"]
            )
            == 0
        )
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == "2020-02-21" and data["figures"]["as_of"].startswith("2020-02-21T20:00")
    assert data["status"] == "live"
