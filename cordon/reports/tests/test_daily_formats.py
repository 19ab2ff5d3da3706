"""The report as an A4 page, .xlsx (one sheet per section), JSON and text; a county's towns side by
side with their sum; the zero report; the unresolved items linking to their records."""

import datetime as dt
import io
import json

import python_calamine

from cordon.cli import main
from cordon.reports import services
from cordon.reports.figures import end_of_day

TOWN = "131081103000"
QUERY = f"area={TOWN}&date=2020-02-21"


def test_the_xlsx_opens_with_one_sheet_per_section(world, client, login):
    login(world.commander)
    response = client.get(f"/reports/daily/report.xlsx?{QUERY}")
    assert response.status_code == 200
    # openpyxl is not among the project's dependencies; calamine (what the importers read with) is.
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    report = services.report_for(
        viewer=world.commander,
        area=world.town,
        day=dt.date(2020, 2, 21),
        as_of=end_of_day(dt.date(2020, 2, 21)),
    )
    sections = [s["label"] for s in report.figures["sections"].values()]
    assert book.sheet_names == ["摘要", *sections, "未办结事项"]
    rows = book.get_sheet_by_name(sections[0]).to_python()
    assert rows[1][:2] == ["指标", "堂二里镇"]
    assert ["其中武汉", 1, "人"] in [[row[0], int(row[1]), row[2]] for row in rows[2:]]


def test_cli_writes_the_xlsx_and_text(world, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    assert (
        main(
            [
                "report",
                "daily",
                "--area",
                TOWN,
                "--date",
                "2020-02-21",
                "--format",
                "xlsx",
                "--output",
                str(out),
                "--as",
                "commander",
            ]
        )
        == 0
    )
    assert len(python_calamine.CalamineWorkbook.from_path(str(out)).sheet_names) == 2 + 11  # 11 sections
    assert main(["report", "daily", "--area", TOWN, "--date", "2020-02-21", "--as", "commander"]) == 0
    text = capsys.readouterr().out
    assert "截至2月21日24时，摸排出湖北旅居史人员1人（武汉1人），" in text


def test_json_and_text_downloads(world, client, login):
    login(world.commander)
    data = json.loads(client.get(f"/reports/daily/report.json?{QUERY}").content)
    assert data["area"]["name"] == "堂二里镇" and data["status"] == "live"
    assert set(data["figures"]["sections"]) >= {"screening", "observation", "cases", "contacts", "forces"}
    text = client.get(f"/reports/daily/report.txt?{QUERY}").content.decode()
    assert text == data["text"] + "\n"


def test_a_county_sees_its_towns_live_side_by_side_and_the_sum(world, client, login, api_client):
    data = (
        api_client(world.viewer)
        .get("/api/v1/reports/daily?area=131081000000&date=2020-02-21&view=live")
        .json()
    )
    columns = {c["area"]["name"]: c for c in data["columns"]}
    assert set(columns) == {"堂二里镇", "南孟镇"}

    def wuhan_and_hubei(figures):
        screening = figures["sections"]["screening"]["figures"]
        return screening["hubei"]["value"]

    assert wuhan_and_hubei(columns["堂二里镇"]) == 1 and wuhan_and_hubei(columns["南孟镇"]) == 1
    assert wuhan_and_hubei(data["figures"]) == 2
    assert "堂二里镇：截至2月21日24时" in data["text"]
    login(world.viewer)
    body = client.get("/reports/daily/?area=131081000000&date=2020-02-21&view=live").content.decode()
    assert '<th class="num">南孟镇</th>' in body and "合计" in body


def test_a_day_with_nothing_new_is_a_zero_report_that_says_so(world, client, login):
    login(world.commander)
    body = client.get(f"/reports/daily/?{QUERY}").content.decode()
    assert "零报告" in body
    busy = client.get(f"/reports/daily/?area={TOWN}&date=2020-01-25").content.decode()  # 尹某某 arrived
    assert "零报告" not in busy


def test_unresolved_items_link_to_their_records(world, client, login, django_assert_num_queries):
    from cordon.observation.models import Alert

    alert = Alert.objects.get(period=world.yin_period)
    login(world.commander)
    now = services.parse_day("now")[1]
    report = services.report_for(viewer=world.commander, area=world.town, day=dt.date.today(), as_of=now)
    kinds = {item["kind"]: item for item in report.unresolved}
    # One query per kind, whatever the rows: what each line shows is read with its row.
    with django_assert_num_queries(5):
        assert (
            services.unresolved_items(viewer=world.commander, area=world.town, day=dt.date.today(), as_of=now)
            == report.unresolved
        )
    assert kinds["alert"]["url"] == f"/observation/periods/{alert.period_id}/"
    assert "尹某某" in kinds["alert"]["text"]
    body = client.get(f"/reports/daily/?area={TOWN}").content.decode()
    assert f'href="/observation/periods/{alert.period_id}/"' in body


def test_the_page_is_printable_and_in_chinese(world, client, login):
    login(world.commander)
    body = client.get(f"/reports/daily/?{QUERY}").content.decode()
    assert "css/report.css" in body and "截至2020年2月21日24时" in body
    assert "堂二里镇疫情防控工作日报" in body and "生成日报草稿" in body
