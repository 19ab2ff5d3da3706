"""The inbox, the to-do list (page, home page and API), the outbox and the switches."""

import pytest

from cordon.notifications import services
from cordon.notifications.models import Channel, Kind, Message


def test_home_page_lists_the_health_workers_open_alert(world, login):
    page = login(world.health).get("/")
    assert page.status_code == 200
    assert "待办" in page.text and "发热预警：尹某某" in page.text


def test_todo_api_gives_the_same_list_as_the_page(world, api_client):
    answer = api_client(world.health).get("/api/v1/notifications/todo")
    assert answer.status_code == 200
    rows = [row for row in answer.json() if row["kind"] == "fever_alert"]
    assert {(row["title"], row["link"]) for row in rows} >= {
        ("发热预警：尹某某", f"/observation/periods/{world.yin_period.pk}/")
    }
    other = api_client(world.other_clerk).get("/api/v1/notifications/todo").json()
    assert all("尹" not in row["title"] for row in other)


def test_inbox_page_shows_and_marks_read(world, login):
    client = login(world.health)
    page = client.get("/inbox/")
    assert page.status_code == 200 and "发热预警：尹某某" in page.text
    client.post("/inbox/")
    assert not Message.objects.filter(
        recipient=world.health, channel=Channel.INBOX, read_at__isnull=True
    ).exists()


def test_inbox_api_is_the_users_own(world, api_client):
    mine = api_client(world.clerk).get("/api/v1/notifications/inbox").json()["items"]
    assert any("尹某某" in m["subject"] for m in mine)
    theirs = api_client(world.other_clerk).get("/api/v1/notifications/inbox").json()["items"]
    assert not any("尹" in m["subject"] for m in theirs)
    marked = api_client(world.clerk).post(
        "/api/v1/notifications/inbox/read", {}, content_type="application/json"
    )
    assert marked.json()["marked"] >= 1


def test_outbox_is_the_command_centres_and_its_own_towns(world, login, api_client):
    services.notify(
        kind=Kind.IMPORT_DONE,
        key="neighbour:1",
        area=world.east.code,
        roles=[],
        users=[world.neighbour],
        subject="东村",
        text="东村",
        task=False,
    )
    page = login(world.commander).get("/inbox/outbox/")
    assert page.status_code == 200 and "发热预警" in page.text
    outbox = api_client(world.commander).get("/api/v1/notifications/outbox").json()["items"]
    assert outbox and all(row["area"].startswith("131081103") for row in outbox)
    assert login(world.clerk).get("/inbox/outbox/").status_code == 403
    assert api_client(world.clerk).get("/api/v1/notifications/outbox").status_code == 403


def test_outbox_masks_phones(world, login):
    Message.objects.create(
        kind=Kind.PASS_WAITING,
        key="x:1",
        channel=Channel.SMS,
        address="13900001111",
        area_id=world.sjf.code,
        subject="s",
        body="b",
        state=Message.State.FAILED,
    )
    page = login(world.commander).get("/inbox/outbox/?state=failed")
    assert "139****1111" in page.text and "13900001111" not in page.text


def test_outbox_says_a_message_was_sent_not_reported_and_lists_it_on_a_phone(world, login):
    Message.objects.create(
        kind=Kind.PASS_WAITING,
        key="x:sent",
        channel=Channel.SMS,
        address="13900002222",
        area_id=world.sjf.code,
        subject="出门证待审批",
        body="b",
        state=Message.State.SENT,
    )
    page = login(world.commander).get("/inbox/outbox/?state=sent").text
    assert "已发送" in page and "已报送" not in page  # 已报送 is what a town does with its report
    phone_list = page[page.index('<ul class="rows show-sm">') :]
    assert "出门证待审批" in phone_list and "139****2222" in phone_list


def test_retry_from_the_outbox_of_another_town_is_404(world, login):
    message = Message.objects.create(
        kind=Kind.PASS_WAITING,
        key="x:2",
        channel=Channel.SMS,
        address="1",
        area_id=world.east.code,
        subject="s",
        body="b",
        state=Message.State.FAILED,
    )
    assert login(world.commander).post(f"/inbox/outbox/{message.pk}/retry/").status_code == 404
    assert login(world.neighbour).post(f"/inbox/outbox/{message.pk}/retry/").status_code == 302
    message.refresh_from_db()
    assert message.state == Message.State.RETRYING


def test_switches_page_saves_quiet_hours_and_refuses_a_clerk(world, login):
    client = login(world.commander)
    data = {"channel_sms": "on", "quiet_from_sms": "22:00", "quiet_until_sms": "07:00", "channel_email": "on"}
    data.update({f"kind_{k}": "on" for k in Kind.values if k != Kind.IMPORT_DONE})
    assert client.post("/inbox/switches/", data).status_code == 302
    from cordon.notifications.models import ChannelSetting, KindSetting

    sms = ChannelSetting.objects.get(channel=Channel.SMS)
    assert str(sms.quiet_from) == "22:00:00" and not ChannelSetting.objects.get(channel=Channel.WECOM).enabled
    assert not KindSetting.objects.get(kind=Kind.IMPORT_DONE).enabled
    assert login(world.clerk).get("/inbox/switches/").status_code == 403


def test_bad_quiet_hours_are_refused_with_a_message(world, login):
    page = login(world.commander).post("/inbox/switches/", {"channel_sms": "on", "quiet_from_sms": "25:99"})
    assert page.status_code == 200 and "请按 HH:MM 填写时间" in page.text


def test_preferences_need_a_phone_for_sms(world, login):
    page = login(world.clerk).post("/inbox/preferences/", {"sms": "on"})
    assert page.status_code == 200
    world.clerk.phone = "13900001111"
    world.clerk.save(update_fields=["phone"])
    assert login(world.clerk).post("/inbox/preferences/", {"sms": "on"}).status_code == 302


@pytest.mark.parametrize("path", ["/inbox/", "/inbox/todo/", "/inbox/preferences/"])
def test_pages_need_a_login(client, path, world):
    assert client.get(path).status_code == 302
