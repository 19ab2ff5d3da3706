"""The outbox is sent by the worker: per channel against local stubs, with retries, backoff, quiet
hours, rate limit and switches — and a failing gateway never blocks the action that raised the event."""

import datetime as dt
import hashlib
import hmac
import json
import socket
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from cordon.core import jobs
from cordon.notifications import delivery, services
from cordon.notifications.models import Channel, Kind, Message
from cordon.observation import services_checks as checks

SHANGHAI = ZoneInfo("Asia/Shanghai")


def queue(world, *, kind=Kind.PASS_WAITING, key="k:1", channel=Channel.SMS, address="13900001111", **extra):
    return Message.objects.create(
        kind=kind,
        key=key,
        channel=channel,
        address=address,
        recipient=world.clerk,
        area_id=world.sjf.code,
        subject="出门证待审批：尹**",
        body="出门证 ABC 待您审批。",
        link="/lockdowns/passes/1/",
        next_attempt_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
        **extra,
    )


def test_sms_is_posted_from_the_template_signed_and_marked_sent(world, sms, settings):
    settings.CORDON_BASE_URL = "https://cordon.example"
    stub = sms()
    message = queue(world)
    assert delivery.deliver_due() == {"sent": 1, "retrying": 0, "failed": 0, "held": 0, "skipped": 0}
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1 and message.sent_at
    (request,) = stub.requests
    body = request["body"]
    assert body["mobile"] == "13900001111"
    assert body["content"].startswith("【堂二里镇】出门证待审批：尹**")
    assert body["content"].endswith("https://cordon.example/lockdowns/passes/1/")
    raw = json.dumps(body, ensure_ascii=False)
    expected = hmac.new(b"test-secret", (body["timestamp"] + raw).encode(), hashlib.sha256).hexdigest()
    assert request["headers"]["X-Signature"] == expected


def test_gateway_error_is_retried_with_backoff_then_sent(world, sms):
    stub = sms(
        (500, {"code": "ERR"}),
        (200, {"code": "isv.BUSINESS_LIMIT_CONTROL", "message": "触发流控"}),
        (200, {"code": "OK"}),
    )
    message = queue(world)
    start = dt.datetime(2020, 2, 1, 9, tzinfo=SHANGHAI)
    delivery.deliver_due(now=start)
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING and message.attempts == 1
    assert message.last_error == "HTTP 500"
    assert message.next_attempt_at == start + delivery.BACKOFF[0]
    # not yet due: nothing is sent
    assert delivery.deliver_due(now=start + dt.timedelta(seconds=30))["retrying"] == 0
    delivery.deliver_due(now=start + delivery.BACKOFF[0])
    message.refresh_from_db()
    assert message.attempts == 2 and "触发流控" in message.last_error
    assert message.next_attempt_at == start + delivery.BACKOFF[0] + delivery.BACKOFF[1]
    delivery.deliver_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 3 and message.last_error == ""
    assert len(stub.requests) == 3


def test_permanent_gateway_code_fails_at_once_and_hides_the_number(world, sms):
    sms(
        (200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "号码 13900001111 格式错误"}),
        permanent_codes=["isv.MOBILE_NUMBER_ILLEGAL"],
    )
    message = queue(world)
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.attempts == 1
    assert "13900001111" not in message.last_error


def test_message_fails_after_the_last_attempt_and_can_be_sent_again(world, sms):
    sms((503, {}))
    message = queue(world)
    moment = dt.datetime(2020, 2, 1, 9, tzinfo=SHANGHAI)
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_due(now=moment)
        message.refresh_from_db()
        moment = message.next_attempt_at or moment
    assert message.state == Message.State.FAILED and message.attempts == delivery.MAX_ATTEMPTS
    delivery.retry_now(message=message)
    assert message.state == Message.State.RETRYING


def test_rate_limit_holds_the_rest_for_a_minute(world, sms):
    stub = sms(rate_per_minute=1)
    first, second = queue(world, key="k:1"), queue(world, key="k:2")
    now = dt.datetime.now(dt.UTC)
    counts = delivery.deliver_due(now=now)
    assert counts["sent"] == 1 and counts["held"] == 1 and len(stub.requests) == 1
    held = Message.objects.get(state=Message.State.QUEUED, pk__in=[first.pk, second.pk])
    assert held.next_attempt_at == now + dt.timedelta(minutes=1)


def test_quiet_hours_hold_messages_but_not_fever(world, sms):
    stub = sms()
    services.channel_setting_save(
        actor=world.commander,
        channel=Channel.SMS,
        enabled=True,
        quiet_from=dt.time(22),
        quiet_until=dt.time(7),
    )
    ordinary = queue(world, key="k:ordinary")
    fever = queue(world, key="k:fever", kind=Kind.FEVER_ALERT, urgent=True)
    night = dt.datetime(2020, 2, 1, 23, 30, tzinfo=SHANGHAI)
    counts = delivery.deliver_due(now=night)
    assert counts["sent"] == 1 and counts["held"] == 1
    fever.refresh_from_db()
    ordinary.refresh_from_db()
    assert fever.state == Message.State.SENT
    assert ordinary.state == Message.State.QUEUED
    assert ordinary.next_attempt_at == dt.datetime(2020, 2, 2, 7, tzinfo=SHANGHAI)
    delivery.deliver_due(now=dt.datetime(2020, 2, 2, 7, 0, tzinfo=SHANGHAI))
    ordinary.refresh_from_db()
    assert ordinary.state == Message.State.SENT and len(stub.requests) == 2


def test_channel_switched_off_skips_waiting_messages(world, sms):
    stub = sms()
    services.channel_setting_save(actor=world.commander, channel=Channel.SMS, enabled=False)
    message = queue(world)
    assert delivery.deliver_due()["skipped"] == 1
    message.refresh_from_db()
    assert message.state == Message.State.SKIPPED and not stub.requests


def test_quiet_hours_need_a_start_and_an_end(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.channel_setting_save(
            actor=world.commander, channel=Channel.SMS, enabled=True, quiet_from=dt.time(22)
        )


def test_wecom_group_robot_gets_the_text_and_its_errors_are_retried(world, gateway):
    stub = gateway(
        (200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (200, {"errcode": 0, "errmsg": "ok"})
    )
    group = services.wecom_group_save(
        actor=world.commander, area=world.sjf, name="四间房村工作群", webhook_url=stub.url
    )
    services.notify(
        kind=Kind.PASS_WAITING,
        key="pass_waiting:test",
        area=world.grid.code,
        roles=[],
        subject="出门证待审批：{name}",
        text="{name} 的出门证待审批。",
        person_name="网格居民",
        task=False,
    )
    message = Message.objects.get(key="pass_waiting:test", channel=Channel.WECOM)
    assert message.group == group and "网**" in message.body  # a group is many people: masked
    now = dt.datetime.now(dt.UTC)
    delivery.deliver_due(now=now)
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING and "45009" in message.last_error
    delivery.deliver_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert stub.requests[-1]["body"]["msgtype"] == "text"
    assert "出门证待审批：网**" in stub.requests[-1]["body"]["text"]["content"]


def test_wecom_group_is_set_by_the_command_centre_only(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.wecom_group_save(
            actor=world.clerk, area=world.sjf, name="群", webhook_url="https://example.org/x"
        )


def test_email_goes_through_smtp_to_a_local_server(world, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    received = []

    class Keep(MessageHandler):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        message = queue(world, channel=Channel.EMAIL, address="clerk@example.org")
        assert delivery.deliver_due()["sent"] == 1
    finally:
        controller.stop()
    (got,) = received
    assert got["To"] == "clerk@example.org"
    assert "出门证待审批" in got["Subject"] or got["Subject"].startswith("=?utf-8?")
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def test_email_to_an_unreachable_server_is_retried(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", probe.getsockname()[1]
    settings.EMAIL_TIMEOUT = 2
    message = queue(world, channel=Channel.EMAIL, address="clerk@example.org")
    assert delivery.deliver_due()["retrying"] == 1
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING and "ConnectionRefusedError" in message.last_error
    assert not mail.outbox


def test_failing_gateway_never_blocks_the_fever_check(world, observed, sms):
    services.preference_save(user=world.health, sms=False, email=False)
    world.clerk.phone = "13900001111"
    world.clerk.save(update_fields=["phone"])
    services.preference_save(user=world.clerk, sms=True, email=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/send"
    sms(url=dead)
    period = observed()
    check, created = checks.check_record(
        actor=world.clerk, period=period, temperature="39.2", day=dt.date(2020, 2, 1), slot="pm"
    )
    assert created and period.alerts.filter(closed_at__isnull=True).exists()
    message = Message.objects.get(
        channel=Channel.SMS,
        kind=Kind.FEVER_ALERT,
        recipient=world.clerk,
        key__startswith="fever_alert:",
        area_id=period.area_id,
        created_at__gte=check.created_at,
    )
    assert message.state == Message.State.QUEUED
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING and message.last_error.startswith("unreachable")


def test_the_worker_runs_the_delivery_between_jobs(world, sms):
    stub = sms()
    queue(world)
    last_run: dict = {}
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        assert jobs.run_periodic(last_run, clock=lambda: 100.0) >= 1
        assert jobs.run_periodic(last_run, clock=lambda: 101.0) == 0  # not due again so soon
    assert len(stub.requests) == 1
