"""A period's page and its actions through the web, and the observation panel on a person's page."""

from datetime import date

from cordon.observation import selectors
from cordon.observation.models import LabTest, Period

D = date.fromisoformat


def test_the_period_page_shows_plan_checks_alert_and_the_forms_the_role_may_use(world, clock, login, client):
    clock(2020, 1, 28, 9)
    login(world.clerk)
    page = client.get(f"/observation/periods/{world.yin_period.pk}/").content.decode()
    assert "尹某某" in page and "未处置的预警" in page and "38.1℃" in page and "2020-02-08" in page
    assert "登记处置结果" in page and "录入体温" in page and "生成链接" in page
    assert "调整观察" not in page  # a clerk does not change the course
    login(world.head)
    assert "调整观察" in client.get(f"/observation/periods/{world.yin_period.pk}/").content.decode()
    login(world.viewer)
    read_only = client.get(f"/observation/periods/{world.yin_period.pk}/").content.decode()
    assert "尹某某" in read_only and "alert_close" not in read_only and "录入体温" not in read_only


def test_course_changes_through_the_page_report_success_and_errors_in_chinese(
    world, clock, observed, login, client
):
    clock(2020, 2, 3, 9)
    period = observed(exposure=D("2020-02-02"))
    login(world.head)
    url = f"/observation/periods/{period.pk}/"
    done = client.post(url + "end/", {"planned_end": "2020-02-20", "reason": "同住者发热"}, follow=True)
    assert "2020-02-20 期满" in done.content.decode()
    wrong = client.post(url + "end/", {"planned_end": "2020-01-01", "reason": "x"}, follow=True)
    assert "期满日期须在其后" in wrong.content.decode()
    empty = client.post(url + "end/", {"planned_end": "", "reason": ""}, follow=True)
    assert empty.status_code == 200 and "新的期满日期：此项为必填项" in empty.content.decode()
    client.post(url + "transfer/", {"mode": "home", "place": "西街2号", "reason": "集中点满员"})
    assert Period.objects.get(pk=period.pk).mode == "home"
    client.post(url + "tests/", {"sample_date": "2020-02-03", "sample_type": "throat", "result": "pending"})
    test = LabTest.objects.get(period=period)
    client.post(f"/observation/tests/{test.pk}/result/", {"result": "negative", "result_date": "2020-02-03"})
    assert LabTest.objects.get(pk=test.pk).result == "negative"
    closed = client.post(url + "close/", {"outcome": "other", "note": "转往市级隔离点"}, follow=True)
    assert "已提前结束观察" in closed.content.decode()
    assert Period.objects.get(pk=period.pk).status == "closed"


def test_the_persons_page_shows_their_observation_and_open_alert(world, clock, login, client):
    clock(2020, 1, 28, 9)
    login(world.clerk)
    page = client.get(f"/people/{world.yin.pk}/").content.decode()
    assert (
        "未处置的预警" in page
        and "居家医学观察" in page
        and f"/observation/periods/{world.yin_period.pk}/" in page
    )
    assert "纳入医学观察" not in page  # already observed
    zhou = client.get(f"/people/{world.zhou.pk}/")
    assert zhou.status_code == 404  # another village's person, as everywhere
    login(world.other_clerk)
    page = client.get(f"/people/{world.zhou.pk}/").content.decode()
    assert "未纳入医学观察" in page and f"/observation/open/{world.zhou.pk}/" in page


def test_open_alerts_are_listed_for_the_town(world, clock):
    clock(2020, 1, 28, 9)
    assert [a.period.person.name for a in selectors.open_alerts(world.commander)] == ["尹某某"]
    assert list(selectors.open_alerts(world.other_clerk)) == []
