"""Reports between servers, in one process: a town's sent report becomes a signed package queued for
its parent and pushed with backoff while the parent is down; the parent takes a package from a known
child key for that child's own area, stores each version and shows it as sent — and refuses replays,
older versions, another area, a tampered package and an unknown key, storing nothing."""

import contextlib
import copy
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.utils import timezone

from cordon.cli import main as cordon
from cordon.core import jobs
from cordon.core.models import Job
from cordon.federation import keys, packages, services
from cordon.federation.models import Inbox, Outbox, Peer
from cordon.reports import services as reports
from cordon.reports.figures import area_figures, end_of_day, value
from cordon.reports.models import DailyReport

DAY = dt.date(2020, 2, 21)


@contextlib.contextmanager
def signing_with(key):
    """Sign as another server (its key in place of this one's)."""
    before = keys._key
    keys._key = key
    try:
        yield
    finally:
        keys._key = before


def public_text(key) -> str:
    with signing_with(key):
        return keys.public_key_text()


@pytest.fixture
def child_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def child(world, child_key):
    """南孟镇's own server, known here (the county's server) as a child."""
    return services.peer_add(
        actor=world.operator,
        kind="child",
        name="南孟镇服务器",
        url="",
        area_code=world.neighbour_town.code,
        public_key=public_text(child_key),
        own_area=world.county.code,
    )


def package_from(world, key, *, version=1, area=None, sender=None, hubei_delta=0):
    """A package as 南孟镇's server would send it: its figures for DAY, signed with ``key``."""
    area = area or world.neighbour_town
    figures = area_figures(viewer=world.operator, area=area, as_of=end_of_day(DAY))
    figures["sections"]["screening"]["figures"]["hubei"]["value"] += hubei_delta
    report = DailyReport(
        area=area,
        day=DAY,
        version=version,
        figures={"figures": figures, "columns": []},
        text=f"{area.name}日报 v{version}",
        status=DailyReport.Status.SENT,
        sent_at=timezone.now(),
    )
    with signing_with(key):
        return packages.seal(
            kind="daily_report",
            sender_area=sender or area.code,
            content=packages.report_content(report, [{"kind": "alert", "label": "未闭环", "url": "/x/"}]),
        )


def stored_nothing(before: tuple):
    return (DailyReport.objects.count(), Inbox.objects.count()) == before


def test_the_parent_stores_each_version_and_shows_it_as_sent(world, child, child_key):
    first = services.receive(package_from(world, child_key, version=1))
    second = services.receive(package_from(world, child_key, version=2, hubei_delta=2))
    assert (first.version, second.version) == (1, 2) and second.received_from == child.key_id
    assert second.is_sent and second.figures["unresolved"] == [{"kind": "alert", "label": "未闭环"}]
    report = reports.report_for(viewer=world.viewer, area=world.county, day=DAY, as_of=end_of_day(DAY))
    neighbour = report.columns[1]
    assert neighbour["sent"] == {"version": 2, "sent_at": second.sent_at.isoformat(), "received": True}
    assert value(neighbour, "screening.hubei") == value(first.figures["figures"], "screening.hubei") + 2
    town_report = reports.report_for(
        viewer=world.viewer, area=world.neighbour_town, day=DAY, as_of=end_of_day(DAY)
    )
    assert town_report.stored == second and town_report.unresolved == second.figures["unresolved"]


@pytest.mark.parametrize(
    "case", ["replay", "older", "other_area", "sender_lies", "tampered", "unknown_key", "not_json"]
)
def test_refused_packages_store_nothing_and_say_why(world, child, child_key, case):
    services.receive(package_from(world, child_key, version=2))
    before = (DailyReport.objects.count(), Inbox.objects.count())
    messages = {
        "replay": "已经接收",
        "older": "不晚于",
        "other_area": "只能报送",
        "sender_lies": "只能报送",
        "tampered": "签名",
        "unknown_key": "未知",
        "not_json": "不是",
    }
    if case == "replay":
        package = copy.deepcopy(Inbox.objects.get().package)
    elif case == "older":
        package = package_from(world, child_key, version=1)
    elif case == "other_area":
        package = package_from(world, child_key, version=3, area=world.town)
    elif case == "sender_lies":
        package = package_from(world, child_key, version=3, sender=world.town.code)
    elif case == "tampered":
        package = package_from(world, child_key, version=3)
        package["body"]["report"]["figures"]["sections"]["screening"]["figures"]["hubei"]["value"] += 10
    elif case == "unknown_key":
        package = package_from(world, Ed25519PrivateKey.generate(), version=3)
    else:
        package = b"{not json"
    with pytest.raises(ValidationError) as refused:
        services.receive(package)
    assert messages[case] in " ".join(refused.value.messages)
    assert stored_nothing(before)


def test_the_api_takes_packages_without_an_account_and_says_409_to_a_replay(world, client, child, child_key):
    package = package_from(world, child_key)
    answer = client.post("/api/v1/federation/packages", package, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["version"] == 1
    again = client.post("/api/v1/federation/packages", package, content_type="application/json")
    assert again.status_code == 409 and "已经接收" in again.json()["message"]
    package["body"]["report"]["text"] = "改过的"
    tampered = client.post("/api/v1/federation/packages", package, content_type="application/json")
    assert tampered.status_code == 422 and "签名" in tampered.json()["message"]


def _parent(world, url):
    """This server as 堂二里镇's own: the county's server is its parent."""
    return services.peer_add(
        actor=world.operator,
        kind="parent",
        name="霸州市服务器",
        url=url,
        area_code=world.county.code,
        public_key=public_text(Ed25519PrivateKey.generate()),
        own_area=world.town.code,
    )


def _sent_report(world):
    draft = reports.report_generate(actor=world.commander, area=world.town, day=DAY)
    return services.report_send(actor=world.commander, report=draft)


def test_a_sent_report_is_queued_and_retried_with_backoff_while_the_parent_is_down(world, client, login):
    _parent(world, "http://127.0.0.1:9")  # nothing listens on the discard port
    report = _sent_report(world)
    entry = Outbox.objects.get()
    body = entry.package["body"]
    assert (body["report"]["version"], body["sender"]["area"], body["key_id"]) == (
        1,
        world.town.code,
        keys.key_id(),
    )
    assert keys.verify(keys.public_key_text(), packages.canonical(body), entry.package["signature"])
    assert body["report"]["figures"] == report.figures["figures"]
    job = Job.objects.get(kind=services.PUSH_JOB)
    assert jobs.run(job).result["outcome"] == "retry"
    entry.refresh_from_db()
    assert entry.status == "queued" and entry.attempts == 1 and entry.last_error
    retry = entry.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=25) < retry <= dt.timedelta(seconds=30)
    again = Job.objects.get(kind=services.PUSH_JOB, status="queued")
    assert again.run_after == entry.next_attempt_at
    claimed = []
    while (found := jobs.claim_next()) is not None:
        claimed.append(found.pk)
    assert again.pk not in claimed  # the next try waits for its time
    assert services.backoff(2) == dt.timedelta(minutes=1) and services.backoff(20) == dt.timedelta(hours=1)
    login(world.commander)
    page = client.get("/federation/").content.decode()
    assert 'data-status="queued"' in page and "1 个待发" in page


def test_a_package_goes_by_file_and_is_imported_on_the_parent(world, child, child_key, tmp_path, capsys):
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package_from(world, child_key)), encoding="utf-8")
    assert cordon(["federation", "import", str(path)]) == 0
    assert cordon(["federation", "import", str(path)]) == 1  # a replay
    assert "已经接收" in capsys.readouterr().err
    assert DailyReport.objects.filter(area=world.neighbour_town, received_from=child.key_id).count() == 1


def test_export_writes_the_queued_packages(world, tmp_path):
    _parent(world, "")
    _sent_report(world)
    assert cordon(["federation", "export", str(tmp_path)]) == 0
    (written,) = tmp_path.iterdir()
    assert json.loads(written.read_text())["body"]["report"]["area"]["code"] == world.town.code


def test_only_a_commander_sets_up_servers_and_keys_must_be_keys(world, child_key):
    with pytest.raises(Exception, match="指挥长"):
        services.peer_add(
            actor=world.viewer,
            kind="child",
            name="",
            url="",
            area_code=world.neighbour_town.code,
            public_key=public_text(child_key),
            own_area=world.county.code,
        )
    with pytest.raises(ValidationError) as bad:
        services.peer_add(
            actor=world.commander,
            kind="child",
            name="",
            url="",
            area_code=world.county.code,
            public_key="bm90IGEga2V5",
            own_area=world.town.code,
        )
    assert set(bad.value.message_dict) == {"area_code", "public_key"}
    assert not Peer.objects.exists()
