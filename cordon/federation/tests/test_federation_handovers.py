"""A person handed between towns on different servers, in one process: this server is 霸州市's (堂二里镇,
南孟镇), the other one 固安县's (a neighbouring county), known by its key. Sending makes a signed
``handover`` package with only what the receiver needs; the sender keeps the person until a signed
answer says accepted, then closes the period on the hand-over day. Receiving keeps the package pending;
accepting registers the person and continues the period with its dates and rules, and answers.
Refused packages (tampered, unknown key, replay, another area, a town not here) store nothing."""

import contextlib
import copy
import datetime as dt
import json

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from cordon.cli import main as cordon
from cordon.federation import handovers, keys, packages, receiving, services
from cordon.federation.models import Inbox, Outbox, RemoteHandover
from cordon.observation import services as observation
from cordon.observation.models import Period
from cordon.people import services as people
from cordon.people.models import Person
from cordon.reports.figures import area_figures, end_of_day, value

OPENED, HANDED = dt.date(2020, 2, 10), dt.date(2020, 2, 15)
GUAN = ("131022000000", "固安县")
GUAN_TOWN = ("131022100000", "固安镇")


def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@contextlib.contextmanager
def signing_with(key):
    before = keys._key
    keys._key = key
    try:
        yield
    finally:
        keys._key = before


@pytest.fixture
def guan_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def guan(world, guan_key):
    """固安县's server, beside this county's: a neighbour, for hand-overs."""
    with signing_with(guan_key):
        public = keys.public_key_text()
    return services.peer_add(
        actor=world.operator,
        kind="neighbour",
        name="固安县服务器",
        url="",
        area_code=GUAN[0],
        public_key=public,
        own_area=world.county.code,
    )


@pytest.fixture
def observed(world):
    """钱某, arrived in 四间房村 on the 10th, under home observation there."""
    with time_machine.travel(at(OPENED), tick=False):
        person, arrival, _created = people.register(
            actor=world.clerk,
            area=world.sjf,
            person_data={
                "name": "钱某",
                "document_type": "mainland_id",
                "document_number": "",
                "phone": "13900000001",
            },
            arrival_data={"origin_text": "湖北省孝感市", "arrival_date": OPENED.isoformat()},
        )
        period = Period.objects.filter(person=person, status="active").first() or observation.period_open(
            actor=world.clerk,
            person=person,
            reason="arrival",
            exposure_date=OPENED,
            arrival=arrival,
            mode="home",
        )
    return person, period


def active(world, area, day):
    return value(area_figures(viewer=world.operator, area=area, as_of=end_of_day(day)), "observation.active")


def answer_from(key, handover, *, status="accepted", on=HANDED, sender=GUAN_TOWN[0]):
    with signing_with(key):
        return packages.seal(
            kind="handover_answer",
            sender_area=sender,
            content={
                "answer": {
                    "id": handover.uid,
                    "status": status,
                    "handed_on": on.isoformat() if on else None,
                    "reason": "" if status == "accepted" else "查无此人",
                    "to": {"code": GUAN_TOWN[0], "name": GUAN_TOWN[1]},
                }
            },
        )


def test_sent_the_sender_keeps_the_person_until_the_answer_then_counts_to_the_day_before(
    world, guan, guan_key, observed
):
    person, period = observed
    day_before = HANDED - dt.timedelta(days=1)
    before = {d: active(world, world.town, d) for d in (day_before, HANDED)}
    with time_machine.travel(at(day_before), tick=False):
        sent = handovers.handover_send(
            actor=world.clerk, person=person, to_code=GUAN_TOWN[0], to_name=GUAN_TOWN[1], note="住在固安镇"
        )
    entry = Outbox.objects.get(kind="handover")
    body = entry.package["body"]
    assert entry.peer == guan and keys.verify(
        keys.public_key_text(), packages.canonical(body), entry.package["signature"]
    )
    item = body["handover"]
    # Only what the receiver needs: identity and contact, the period's dates and rules, the reason, the town.
    assert set(item) == {"id", "from", "to", "note", "person", "period"}
    assert set(item["person"]) == set(handovers.PERSON_KEYS) and item["person"]["phone"] == "13900000001"
    assert (
        item["period"]["planned_end"] == period.planned_end.isoformat()
        and item["period"]["rules"] == period.rules
    )
    assert item["from"] == {"code": world.town.code, "name": world.town.name}
    # Pending: still the sender's, and a second hand-over (here or across) is refused.
    period.refresh_from_db()
    assert period.status == "active" and sent.status == "pending"
    with pytest.raises(ValidationError):
        handovers.handover_send(actor=world.clerk, person=person, to_code=GUAN_TOWN[0])
    # The answer comes back (here as a file): the period ends on the hand-over day.
    with time_machine.travel(at(HANDED + dt.timedelta(days=1)), tick=False):
        result = receiving.take(json.dumps(answer_from(guan_key, sent)), via="file")
    assert result["kind"] == "handover_answer" and "已接收" in result["message"]
    sent.refresh_from_db()
    period.refresh_from_db()
    assert (sent.status, sent.handed_on) == ("accepted", HANDED)
    assert (period.status, period.outcome, period.actual_end) == ("closed", "left_area", HANDED)
    assert active(world, world.town, day_before) == before[day_before]
    assert active(world, world.town, HANDED) == before[HANDED] - 1
    # The same answer again is a replay.
    with pytest.raises(services.AlreadyReceived):
        receiving.take(answer_from(guan_key, sent))


def test_declined_answer_nothing_moves(world, guan, guan_key, observed):
    person, period = observed
    sent = handovers.handover_send(actor=world.commander, person=person, to_code=GUAN_TOWN[0])
    receiving.take(answer_from(guan_key, sent, status="declined", on=None))
    sent.refresh_from_db()
    period.refresh_from_db()
    assert (sent.status, sent.decline_reason, period.status) == ("declined", "查无此人", "active")


def test_send_refusals(world, guan, observed):
    person, _period = observed
    with pytest.raises(PermissionDenied):
        handovers.handover_send(actor=world.neighbour, person=person, to_code=GUAN_TOWN[0])
    with pytest.raises(ValidationError, match="本服务器"):  # a town held here: hand over on this server
        handovers.handover_send(actor=world.commander, person=person, to_code=world.neighbour_town.code)
    with pytest.raises(ValidationError):  # no peer holds that town
        handovers.handover_send(actor=world.commander, person=person, to_code="140100100000")
    with pytest.raises(ValidationError):  # a village, not a town
        handovers.handover_send(actor=world.commander, person=person, to_code="131022100201")


def handover_package(world, key, period, *, sender=GUAN_TOWN[0], to=None, uid="a" * 32):
    with signing_with(key):
        return packages.seal(
            kind="handover",
            sender_area=sender,
            content={
                "handover": {
                    "id": uid,
                    "from": {"code": sender, "name": GUAN_TOWN[1]},
                    "to": {"code": to or world.town.code, "name": "堂二里镇"},
                    "note": "住在堂二里镇",
                    "person": {
                        "name": "孙某",
                        "sex": "",
                        "birth_date": None,
                        "document_type": "mainland_id",
                        "document_number": "",
                        "phone": "13900000002",
                        "phone_other": "",
                        "address": "四间房村西街2号",
                    },
                    "period": {
                        "reason": period.reason,
                        "reason_detail": "固安镇密接",
                        "mode": period.mode,
                        "exposure_date": period.exposure_date.isoformat(),
                        "opened_on": period.opened_on.isoformat(),
                        "planned_end": period.planned_end.isoformat(),
                        "edition": period.edition_id,
                        "rules": period.rules,
                        "plan": period.plan,
                        "checks_per_day": period.checks_per_day,
                        "first_slot": period.first_slot,
                    },
                }
            },
        )


def test_received_pending_until_accepted_then_counted_from_the_day_and_answered(
    world, guan, guan_key, observed
):
    _person, model = observed
    day_before = HANDED - dt.timedelta(days=1)
    before = {d: active(world, world.town, d) for d in (day_before, HANDED)}
    with time_machine.travel(at(day_before), tick=False):
        result = receiving.take(handover_package(world, guan_key, model), via="api")
    found = RemoteHandover.objects.get(direction="in")
    assert result["kind"] == "handover" and found.status == "pending" and found.person is None
    assert not Person.objects.filter(name="孙某").exists()
    with pytest.raises(PermissionDenied):  # a clerk of another town does not take 堂二里镇's people
        handovers.handover_accept(actor=world.neighbour, handover=found)
    with time_machine.travel(at(HANDED), tick=False):
        found = handovers.handover_accept(actor=world.commander, handover=found, area=world.sjf)
    period = found.period
    assert found.person.area_id == world.sjf.code and found.person.phone == "13900000002"
    assert (period.opened_on, period.planned_end, period.exposure_date, period.rules) == (
        HANDED,
        model.planned_end,
        model.exposure_date,
        model.rules,
    )
    assert active(world, world.town, day_before) == before[day_before]
    assert active(world, world.town, HANDED) == before[HANDED] + 1
    answer = Outbox.objects.get(kind="handover_answer")
    assert answer.peer == guan and answer.package["body"]["answer"] == {
        "id": "a" * 32,
        "status": "accepted",
        "handed_on": HANDED.isoformat(),
        "reason": "",
        "to": {"code": world.town.code, "name": world.town.name},
    }
    with pytest.raises(ValidationError, match="已经处理"):
        handovers.handover_decline(actor=world.commander, handover=found, reason="晚了")


@pytest.mark.parametrize(
    "case", ["replay", "tampered", "unknown_key", "other_area", "not_here", "incomplete"]
)
def test_refused_handover_packages_store_nothing_and_say_why(world, guan, guan_key, observed, case):
    _person, model = observed
    receiving.take(handover_package(world, guan_key, model))
    counts = lambda: (RemoteHandover.objects.count(), Inbox.objects.count(), Person.objects.count())  # noqa: E731
    before = counts()
    package = handover_package(world, guan_key, model, uid="b" * 32)
    messages = {
        "replay": "已经接收",
        "tampered": "签名",
        "unknown_key": "未知",
        "other_area": "只能",
        "not_here": "不在本服务器",
        "incomplete": "不完整",
    }
    if case == "replay":
        package = copy.deepcopy(Inbox.objects.get().package)
    elif case == "tampered":
        package["body"]["handover"]["period"]["planned_end"] = "2020-03-30"
    elif case == "unknown_key":
        package = handover_package(world, Ed25519PrivateKey.generate(), model, uid="b" * 32)
    elif case == "other_area":  # 固安县's key speaking for a town of 霸州市
        package = handover_package(world, guan_key, model, sender=world.neighbour_town.code, uid="b" * 32)
    elif case == "not_here":
        package = handover_package(world, guan_key, model, to="131099100000", uid="b" * 32)
    elif case == "incomplete":
        with signing_with(guan_key):
            package = packages.seal(
                kind="handover",
                sender_area=GUAN_TOWN[0],
                content={
                    "handover": {"id": "c", "from": {"code": GUAN_TOWN[0]}, "to": {"code": world.town.code}}
                },
            )
    with pytest.raises(ValidationError) as refused:
        receiving.take(package)
    assert messages[case] in refused.value.messages[0], refused.value.messages
    assert counts() == before


def test_the_pages_the_api_and_the_cli(
    world, guan, guan_key, observed, client, login, api_client, tmp_path, capsys
):
    person, model = observed
    login(world.commander)
    assert "另一服务器" in client.get(f"/handovers/new/?person={person.pk}").content.decode()
    form = client.get(f"/federation/handovers/new/?person={person.pk}").content.decode()
    assert GUAN[0] in form
    done = client.post(
        "/federation/handovers/new/",
        {"person": person.pk, "to_area": GUAN_TOWN[0], "to_name": "固安镇"},
        follow=True,
    )
    assert "移交已发往" in done.content.decode(), done.content.decode()[-2500:]
    sent = RemoteHandover.objects.get(direction="out")
    assert sent.person == person and sent.status == "pending"
    # The CLI writes the package for a USB stick; the answer file is imported from the page.
    assert cordon(["federation", "export", str(tmp_path)]) == 0
    assert any(p.name.startswith("cordon-handover-") for p in tmp_path.iterdir())
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(answer_from(guan_key, sent)), encoding="utf-8")
    with answer.open("rb") as upload:
        client.post("/federation/import/", {"package": upload})
    sent.refresh_from_db()
    assert sent.status == "accepted"
    # A hand-over received: listed with accept / decline for the receiving town, accepted by the API.
    incoming = tmp_path / "in.json"
    incoming.write_text(json.dumps(handover_package(world, guan_key, model)), encoding="utf-8")
    assert cordon(["federation", "import", str(incoming)]) == 0
    found = RemoteHandover.objects.get(direction="in")
    listing = client.get("/federation/handovers/").content.decode()
    assert f'data-remote-handover="{found.pk}" data-direction="in" data-status="pending"' in listing
    assert "接收" in listing and "孙某" in listing
    login(world.other_clerk)  # a clerk of another village of 堂二里镇 sees neither the sent one's person
    assert client.get(f"/federation/handovers/new/?person={person.pk}").status_code == 404
    api = api_client(world.commander)
    listed = api.get("/api/v1/federation/handovers").json()
    assert {h["direction"] for h in listed} == {"in", "out"}
    answer = api.post(
        f"/api/v1/federation/handovers/{found.pk}/decline",
        {"reason": "不在本镇"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "declined"
    assert RemoteHandover.objects.get(pk=found.pk).content == {}
    other = api_client(world.neighbour)
    assert (
        other.post(
            f"/api/v1/federation/handovers/{sent.pk}/decline",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    # The packages endpoint takes a hand-over without an account.
    response = Client().post(
        "/api/v1/federation/packages",
        json.dumps(handover_package(world, guan_key, model, uid="d" * 32)),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["kind"] == "handover"
    capsys.readouterr()
