"""A fever alert reaches the health worker and the village's clerk — once each — and nobody else."""

import datetime as dt

from cordon.accounts.models import Role
from cordon.notifications import selectors
from cordon.notifications import services as notifications
from cordon.notifications.models import Channel, Kind, Message, Task
from cordon.observation import services_checks as checks
from cordon.people.testing import id_number


def fever_messages(world, alert_pk=None):
    messages = Message.objects.filter(kind=Kind.FEVER_ALERT, area_id=world.sjf.code)
    return messages.filter(key=f"fever_alert:{alert_pk}") if alert_pk else messages


def test_fever_alert_reaches_health_worker_and_clerk_of_the_village(world):
    # The world's 四间房村 period had a fever (38.1) on its second check: the alert raised the event.
    alert = world.yin_period.alerts.get()
    inbox = fever_messages(world, alert.pk).filter(channel=Channel.INBOX)
    assert {m.recipient for m in inbox} == {world.health, world.clerk}
    message = inbox.get(recipient=world.health)
    assert message.subject == "发热预警：尹某某"
    assert message.link == f"/observation/periods/{world.yin_period.pk}/"
    assert message.urgent


def test_other_village_and_other_town_hear_nothing(world):
    alert = world.yin_period.alerts.get()
    recipients = set(fever_messages(world, alert.pk).values_list("recipient", flat=True))
    for outsider in (world.other_clerk, world.neighbour, world.guard, world.viewer):
        assert outsider.pk not in recipients
    assert selectors.inbox_for(world.other_clerk).filter(key=f"fever_alert:{alert.pk}").count() == 0


def test_second_fever_reading_on_the_same_alert_sends_nothing_more(world):
    alert = world.yin_period.alerts.get()
    before = Message.objects.count()
    checks.check_record(
        actor=world.clerk, period=world.yin_period, temperature="38.6", day=dt.date(2020, 1, 27), slot="am"
    )
    assert Message.objects.count() == before
    # and raising the same event again (a page saved twice) adds nothing either
    added = notifications.notify(
        kind=Kind.FEVER_ALERT,
        key=f"fever_alert:{alert.pk}",
        area=world.sjf.code,
        roles=[Role.HEALTH_WORKER, Role.VILLAGE_CLERK],
        subject="{name}",
        text="{name}",
        person_name="尹某某",
    )
    assert added == 0


def test_fever_alert_opens_tasks_that_close_with_the_alert(world):
    alert = world.yin_period.alerts.get()
    key = f"fever_alert:{alert.pk}"
    assert key in {t.key for t in selectors.todo_rows(world.health)}
    assert key in {t.key for t in selectors.todo_rows(world.clerk)}
    assert key not in {t.key for t in selectors.todo_rows(world.other_clerk)}
    assert key not in {t.key for t in selectors.todo_rows(world.neighbour)}
    checks.alert_close(
        actor=world.health,
        alert=alert,
        outcome="referred",
        clinic="霸州市第二医院发热门诊",
        referred_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
    )
    assert key not in {t.key for t in selectors.todo_rows(world.health)}
    assert not Task.objects.filter(key=key, closed_at__isnull=True).exists()


def test_name_is_masked_for_command_staff_and_in_sms(world):
    # Command staff reach the village too: they read 尹**, never the whole name; SMS is masked for all.
    roles = {Role.COMMAND_STAFF}
    assert notifications.display_name("尹某某", roles=roles, channel=Channel.INBOX) == "尹**"
    assert notifications.display_name("尹某某", roles={Role.HEALTH_WORKER}, channel=Channel.SMS) == "尹**"
    assert notifications.display_name("尹某某", roles={Role.HEALTH_WORKER}, channel=Channel.INBOX) == "尹某某"


def test_sms_to_a_recipient_who_chose_it_carries_no_id_number_or_phone(world, someone, observed):
    world.clerk.phone = "13900001111"
    world.clerk.save(update_fields=["phone"])
    notifications.preference_save(user=world.clerk, sms=True, email=False)
    period = observed()
    checks.check_record(
        actor=world.clerk, period=period, temperature="39.0", day=dt.date(2020, 2, 1), slot="pm"
    )
    alert = period.alerts.get()
    sms = Message.objects.get(key=f"fever_alert:{alert.pk}", channel=Channel.SMS)
    assert sms.recipient == world.clerk and sms.address == "13900001111"
    assert "测试人" not in sms.body and "测**" in sms.body
    person = period.person
    for text in (sms.subject, sms.body):
        assert person.document_number not in text
        assert "13900001111" not in text
    assert id_number("13108119900101100")[:6] not in sms.body


def test_switched_off_kind_sends_no_message_but_still_opens_the_task(world, observed):
    notifications.kind_setting_save(actor=world.commander, kind=Kind.FEVER_ALERT, enabled=False)
    period = observed()
    checks.check_record(
        actor=world.clerk, period=period, temperature="39.0", day=dt.date(2020, 2, 1), slot="pm"
    )
    alert = period.alerts.get()
    assert not Message.objects.filter(key=f"fever_alert:{alert.pk}").exists()
    assert Task.objects.filter(key=f"fever_alert:{alert.pk}", role=Role.HEALTH_WORKER).exists()


def test_only_the_command_centre_switches(world):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        notifications.kind_setting_save(actor=world.clerk, kind=Kind.FEVER_ALERT, enabled=False)
    with pytest.raises(PermissionDenied):
        notifications.channel_setting_save(actor=world.health, channel=Channel.SMS, enabled=False)
