"""The retention page and its API: the town's commander sets how long each kind of closed record is
kept, sees what a run would remove (a dry run changes nothing), runs it (confirmed once; a double
submit runs once), and reads the history. Others are refused: a role beside (403) or a town outside
their areas (404, as if it did not exist). Bad input gets a Chinese error on its field, and nothing
changes."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cordon.checkpoints.models import Passage
from cordon.core.models import AuditEntry
from cordon.retention import services, services_town
from cordon.retention.models import RetentionPolicy

PAGE = "/retention/"


def _later(days: int):
    """The clock moved ``days`` days ahead, at 10:00 local time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))), tick=False)


@pytest.fixture
def kept(world):
    for kind in ("passages", "counselling", "access_logs"):
        services.policy_set(actor=world.commander, area=world.town, kind=kind, days=30)
    return world


def _key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def test_the_commander_sets_a_period_and_sees_it_with_its_history(world, login):
    client = login(world.commander)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "保留期限" in html and world.town.name in html and "未设置" in html
    assert 'href="/retention/"' in html  # in the command centre's menu
    answer = client.post(PAGE, {"area": world.town.code, "kind": "passages", "passages-days": "90"})
    assert answer.status_code == 302
    assert RetentionPolicy.objects.get(area=world.town, kind="passages").days == 90
    html = client.get(answer["Location"]).content.decode()
    assert "保留 90 天" in html and "设定保留期限" in html  # the period, and its line in the history


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "记录至少保留 28 天"),
        ("7", "记录至少保留 28 天"),
        ("99999", "记录最多保留 36500 天"),
        ("1" * 40, "记录最多保留 36500 天"),
        ("三十", "请输入整数天数"),
        ("30天", "请输入整数天数"),
        ("", "请填写天数"),
    ],
)
def test_bad_days_get_a_chinese_error_on_their_field_and_change_nothing(kept, login, typed, message):
    world = kept
    client = login(world.commander)
    answer = client.post(PAGE, {"area": world.town.code, "kind": "passages", "passages-days": typed})
    assert answer.status_code == 200
    html = answer.content.decode()
    field = html.split('name="passages-days"')[1].split("</form>")[0]
    assert message in field  # under the passages field, not elsewhere
    assert RetentionPolicy.objects.get(area=world.town, kind="passages").days == 30
    assert AuditEntry.objects.filter(action="retention.set", area_id=world.town.code).count() == 3


def test_the_dry_run_preview_says_what_would_go_as_of_when_and_changes_nothing(kept, login):
    world = kept
    passages = Passage.objects.within(world.town).count()
    assert passages > 0
    before = AuditEntry.objects.count()
    with _later(60):
        day = timezone.localdate() - dt.timedelta(days=30)
        html = login(world.commander).get(PAGE).content.decode()
        run_page = login(world.commander).get(f"{PAGE}run/?area={world.town.code}").content.decode()
    assert day.isoformat() in html and f"{passages}</td>" in html
    assert "不会改动" in html and "确认执行" in run_page and f"{passages}</td>" in run_page
    assert Passage.objects.within(world.town).count() == passages
    assert AuditEntry.objects.count() == before


def test_with_the_clock_inside_the_period_nothing_is_due(kept, login):
    world = kept
    with _later(10):
        overview = services.retention_run(actor=world.operator, area=world.town, dry_run=True)
        html = login(world.commander).get(PAGE).content.decode()
    assert all(row["count"] == 0 for row in overview)
    assert (timezone.localdate() + dt.timedelta(days=10 - 30)).isoformat() in html


def test_a_run_is_confirmed_once_audited_and_a_double_submit_runs_once(kept, login):
    world = kept
    passages = Passage.objects.within(world.town).count()
    neighbour_policy = RetentionPolicy.objects.get(area=world.neighbour_town)
    with _later(60):
        client = login(world.commander)
        key = _key(client.get(f"{PAGE}run/?area={world.town.code}").content.decode())
        first = client.post(f"{PAGE}run/", {"area": world.town.code, "key": key})
        second = client.post(f"{PAGE}run/", {"area": world.town.code, "key": key})
        page = client.get(first["Location"]).content.decode()
    assert first.status_code == second.status_code == 302
    assert not Passage.objects.within(world.town).exists()
    (run,) = AuditEntry.objects.filter(action="retention.run")
    assert run.actor_id == world.commander.pk and run.area_id == world.town.code
    counts = {row["kind"]: row["count"] for row in run.changes["rows"]}
    assert counts["passages"] == passages
    assert AuditEntry.objects.filter(action="retention.passages").count() == 1
    # Only the town's own periods ran: 南孟镇's is not touched by 堂二里镇's commander.
    assert {row["kind"] for row in run.changes["rows"]} == {"passages", "counselling", "access_logs"}
    assert not AuditEntry.objects.filter(
        area_id=neighbour_policy.area_id, action="retention.access_logs"
    ).exists()
    assert "清理记录" in page and f"通行记录 {passages}" in page


def test_a_run_without_a_key_runs_nothing(kept, login):
    world = kept
    with _later(60):
        answer = login(world.commander).post(f"{PAGE}run/", {"area": world.town.code, "key": ""})
    assert answer.status_code == 302
    assert Passage.objects.within(world.town).exists()
    assert not AuditEntry.objects.filter(action__in=["retention.run", "retention.passages"]).exists()


@pytest.mark.parametrize(
    ("actor", "status"),
    [("staff", 403), ("viewer", 403), ("health", 403), ("clerk", 404), ("neighbour", 404)],
)
def test_others_are_refused_the_towns_retention(kept, login, api_client, actor, status):
    world = kept
    user = getattr(world, actor)
    town = world.town.code
    with _later(60):  # logged in with the clock moved (a session does not last 60 days)
        client = login(user)
        assert client.get(f"{PAGE}?area={town}").status_code == status
        assert client.get(f"{PAGE}run/?area={town}").status_code == status
        assert (
            client.post(PAGE, {"area": town, "kind": "passages", "passages-days": "40"}).status_code == status
        )
        assert client.post(f"{PAGE}run/", {"area": town, "key": "k1"}).status_code == status
        api = api_client(user)
        assert api.get(f"/api/v1/retention/{town}").status_code == status
        assert api.get(f"/api/v1/retention/{town}/history").status_code == status
        put = api.put(
            f"/api/v1/retention/{town}/periods/passages", {"days": 40}, content_type="application/json"
        )
        assert put.status_code == status
        run = api.post(f"/api/v1/retention/{town}/runs", {"key": "k2"}, content_type="application/json")
        assert run.status_code == status
    assert RetentionPolicy.objects.get(area=world.town, kind="passages").days == 30
    assert Passage.objects.within(world.town).exists()
    assert not AuditEntry.objects.filter(action__in=["retention.run", "retention.passages"]).exists()


def test_a_village_has_no_retention_page(world, login):
    client = login(world.commander)
    assert client.get(f"{PAGE}?area={world.sjf.code}").status_code == 404
    assert client.post(f"{PAGE}run/", {"area": world.sjf.code, "key": "k"}).status_code == 404


def test_without_the_role_anywhere_the_page_is_forbidden_and_not_in_the_menu(world, login):
    client = login(world.staff)
    assert client.get(PAGE).status_code == 403
    assert 'href="/retention/"' not in client.get("/").content.decode()


def test_the_api_sets_previews_runs_once_and_lists_the_history(kept, api_client):
    world = kept
    town = world.town.code
    api = api_client(world.commander)
    url = f"/api/v1/retention/{town}"
    bad = api.put(f"{url}/periods/passages", {"days": -1}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "days"
    assert "28" in bad.json()["message"]
    bad = api.put(f"{url}/periods/passages", {"days": "三十"}, content_type="application/json")
    assert bad.status_code == 422
    bad = api.put(f"{url}/periods/people", {"days": 60}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    assert RetentionPolicy.objects.get(area=world.town, kind="passages").days == 30
    put = api.put(f"{url}/periods/observation", {"days": 45}, content_type="application/json")
    assert put.status_code == 200
    assert {k["kind"]: k["days"] for k in put.json()["kinds"]}["observation"] == 45
    passages = Passage.objects.within(world.town).count()
    with _later(60):
        api = api_client(world.commander)
        preview = api.get(url).json()
        row = next(k for k in preview["kinds"] if k["kind"] == "passages")
        assert (
            row["count"] == passages
            and row["before"] == (timezone.localdate() - dt.timedelta(days=30)).isoformat()
        )
        assert Passage.objects.within(world.town).count() == passages
        first = api.post(f"{url}/runs", {"key": "run-1"}, content_type="application/json").json()
        again = api.post(f"{url}/runs", {"key": "run-1"}, content_type="application/json").json()
    assert first["repeated"] is False and again["repeated"] is True and again["id"] == first["id"]
    assert {r["kind"]: r["count"] for r in first["rows"]}["passages"] == passages
    assert not Passage.objects.within(world.town).exists()
    history = api.get(f"{url}/history").json()
    assert [e["action"] for e in history].count("retention.run") == 1
    assert history[0]["action"] == "retention.run"
    assert api.get("/api/v1/retention/999999999999").status_code == 404


def test_the_run_service_refuses_a_village_and_the_clerk(kept):
    world = kept
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services_town.retention_run_town(actor=world.commander, area=world.sjf, key="x")
    with pytest.raises(PermissionDenied):
        services_town.retention_run_town(actor=world.clerk, area=world.town, key="x")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory, where threads lock tables; SQLite serialises writers",
)
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_run_at_the_same_moment_run_once(world):
    for kind in ("passages", "access_logs"):
        services.policy_set(actor=world.commander, area=world.town, kind=kind, days=30)
    passages = Passage.objects.within(world.town).count()
    barrier = threading.Barrier(2)
    answers = []

    def submit():
        try:
            barrier.wait()
            answers.append(
                services_town.retention_run_town(
                    actor=world.commander,
                    area=world.town,
                    key="double-tap",
                    today=timezone.localdate() + dt.timedelta(days=60),
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(repeated for _entry, repeated in answers) == [False, True]
    assert answers[0][0].pk == answers[1][0].pk
    assert AuditEntry.objects.filter(action="retention.run").count() == 1
    assert AuditEntry.objects.get(action="retention.passages").changes["count"] == passages
