"""The monitored person's own reminder: under home observation with a phone, the self-report link by
SMS each morning and evening (against the local SMS gateway stub), once per slot; the health worker
sets it on the period (page and API); the person stops it by the link or by replying TD. The SMS
carries a reminder link, never the ID number, the phone or the name."""

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
import time_machine

from cordon.notifications import delivery
from cordon.notifications.models import Kind, Message
from cordon.observation import reminders, services_checks
from cordon.observation import services as observation_services
from cordon.observation.models import HealthCheck, SelfReminder, SelfReportLink
from cordon.observation.tests.conftest import local
from cordon.people import services as people_services
from cordon.people.testing import id_number

PHONE = "13912340001"


@pytest.fixture
def at_home(world, observed):
    person, _arrival, _created = people_services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "居家甲", "document_number": id_number("13108119880808081"), "phone": PHONE},
        arrival_data={"origin_text": "湖北省武汉市", "arrival_date": "2020-02-01"},
    )
    with time_machine.travel(local(2020, 2, 1, 7), tick=False):
        return observed(person=person, exposure=dt.date(2020, 2, 1), mode="home")


def sent_texts(stub):
    return [r["body"]["content"] for r in stub.requests]


def reminded(period) -> int:
    return Message.objects.filter(
        kind=Kind.SELF_REMINDER, key__startswith=f"self_reminder:{period.pk}:"
    ).count()


def test_self_reminder_sends_the_link_morning_and_evening_once_each(world, at_home, sms):
    stub = sms()
    with time_machine.travel(local(2020, 2, 2, 7, 50), tick=False):
        reminders.send_due_reminders()
        assert reminded(at_home) == 0  # before 08:00
    with time_machine.travel(local(2020, 2, 2, 8, 5), tick=False):
        assert reminders.send_due_reminders() >= 1
        assert reminders.send_due_reminders() == 0  # the worker's next round: nothing new
        delivery.deliver_due()
    with time_machine.travel(local(2020, 2, 2, 12), tick=False):
        reminders.send_due_reminders()
        assert reminded(at_home) == 1  # past the morning's window, before the evening
    with time_machine.travel(local(2020, 2, 2, 18, 30), tick=False):
        assert reminders.send_due_reminders() >= 1
        delivery.deliver_due()
        mine = [r["body"]["content"] for r in stub.requests if r["body"]["mobile"] == PHONE]
        morning, evening = (t.rsplit("/r/", 1)[1].strip("/ ") for t in mine)
        # Each reminder carries a fresh link: the morning's stopped, the evening's works.
        assert services_checks.link_for_secret(morning) is None
        assert services_checks.link_for_secret(evening).period == at_home
    mine = Message.objects.filter(kind=Kind.SELF_REMINDER, address=PHONE)
    assert mine.count() == 2 and set(mine.values_list("state", flat=True)) == {"sent"}
    texts = [t for r, t in zip(stub.requests, sent_texts(stub), strict=True) if r["body"]["mobile"] == PHONE]
    assert len(texts) == 2
    for text in texts:
        assert "/r/" in text and "TD" in text
        assert at_home.person.document_number not in text and PHONE not in text and "居家" not in text
    assert (
        SelfReportLink.objects.filter(period=at_home, for_reminder=True, revoked_at__isnull=True).count() == 1
    )


def test_self_reminder_link_reports_and_the_worker_link_is_untouched(world, at_home, sms, client):
    sms()
    with time_machine.travel(local(2020, 2, 2, 8, 5), tick=False):
        _link, worker_secret = observation_services.link_create(actor=world.clerk, period=at_home)
        reminders.send_due_reminders()
        secret = Message.objects.get(kind=Kind.SELF_REMINDER, address=PHONE).link.split("/")[2]
        page = client.get(f"/r/{secret}/")
        assert page.status_code == 200 and f"/r/{secret}/stop/" in page.text
        answer = client.post(f"/r/{secret}/", {"temperature": "36.6", "client_id": "rem-1"})
        assert answer.status_code == 200
        assert services_checks.link_for_secret(worker_secret) is not None  # the clerk's link still works
    assert HealthCheck.objects.filter(period=at_home, source=HealthCheck.Source.SELF).count() == 1


def test_self_reminder_stopped_by_the_link_sends_no_more(world, at_home, sms, client):
    sms()
    with time_machine.travel(local(2020, 2, 2, 8, 5), tick=False):
        reminders.send_due_reminders()
        secret = Message.objects.get(kind=Kind.SELF_REMINDER, address=PHONE).link.split("/")[2]
        assert client.get(f"/r/{secret}/stop/").status_code == 200  # a preview does not stop it
        assert SelfReminder.objects.filter(period=at_home).count() == 0
        client.post(f"/r/{secret}/stop/")
    reminder = SelfReminder.objects.get(period=at_home)
    assert reminder.opted_out_via == "link" and not reminder.sends
    with time_machine.travel(local(2020, 2, 2, 18, 30), tick=False):
        reminders.send_due_reminders()
    assert reminded(at_home) == 1


def sign(body: bytes, shared="test-secret", timestamp=None):
    timestamp = timestamp or str(int(time.time()))
    digest = hmac.new(shared.encode(), timestamp.encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_SIGNATURE": digest, "HTTP_X_TIMESTAMP": timestamp}


def test_self_reminder_stopped_by_a_signed_reply_td(world, at_home, sms, client):
    sms()
    body = json.dumps({"phone": PHONE, "text": " td "}).encode()
    forged = client.post("/sms/reply/", body, content_type="application/json", **sign(body, "wrong"))
    assert forged.status_code == 403 and not SelfReminder.objects.filter(period=at_home).exists()
    other = json.dumps({"phone": PHONE, "text": "收到"}).encode()
    assert (
        client.post("/sms/reply/", other, content_type="application/json", **sign(other)).json()["stopped"]
        == 0
    )
    answer = client.post("/sms/reply/", body, content_type="application/json", **sign(body))
    assert answer.status_code == 200 and answer.json()["stopped"] == 1
    assert SelfReminder.objects.get(period=at_home).opted_out_via == "reply"
    with time_machine.travel(local(2020, 2, 3, 8, 5), tick=False):
        reminders.send_due_reminders()
    assert reminded(at_home) == 0


def test_self_reminder_set_by_the_health_worker_on_the_page_and_the_api(
    world, at_home, sms, login, api_client
):
    sms()
    client = login(world.health)
    page = client.get(f"/observation/periods/{at_home.pk}/")
    assert "短信提醒" in page.text
    client.post(
        f"/observation/periods/{at_home.pk}/reminder/",
        {"enabled": "on", "morning_at": "07:30", "evening_at": "19:00"},
    )
    reminder = SelfReminder.objects.get(period=at_home)
    assert (reminder.morning_at, reminder.evening_at) == (dt.time(7, 30), dt.time(19)) and reminder.sends
    with time_machine.travel(local(2020, 2, 2, 7, 35), tick=False):
        reminders.send_due_reminders()
    assert reminded(at_home) == 1
    api = api_client(world.health)
    off = api.put(
        f"/api/v1/observation/periods/{at_home.pk}/reminder",
        {"enabled": False},
        content_type="application/json",
    )
    assert (
        off.status_code == 200 and off.json()["enabled"] is False and off.json()["opted_out_via"] == "worker"
    )
    assert off.json()["phone_given"] is True and PHONE not in off.text
    with time_machine.travel(local(2020, 2, 2, 19, 5), tick=False):
        reminders.send_due_reminders()
    assert reminded(at_home) == 1
    on = api.put(
        f"/api/v1/observation/periods/{at_home.pk}/reminder",
        {"enabled": True, "morning_at": "20:00", "evening_at": "19:00"},
        content_type="application/json",
    )
    assert on.status_code == 422  # the morning comes first
    assert (
        api_client(world.other_clerk).get(f"/api/v1/observation/periods/{at_home.pk}/reminder").status_code
        == 404
    )
    assert (
        api_client(world.neighbour)
        .put(
            f"/api/v1/observation/periods/{at_home.pk}/reminder",
            {"enabled": True},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_self_reminder_skips_centralised_periods_and_people_without_a_phone(world, observed, sms):
    sms()
    with time_machine.travel(local(2020, 2, 1, 7), tick=False):
        no_phone = observed(exposure=dt.date(2020, 2, 1), mode="home")
    with time_machine.travel(local(2020, 2, 2, 8, 5), tick=False):
        reminders.send_due_reminders()
    assert not Message.objects.filter(kind=Kind.SELF_REMINDER, key__contains=f":{no_phone.pk}:").exists()
