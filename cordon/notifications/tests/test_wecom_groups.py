"""The command centre's WeCom group robots: listed with the webhook in part, added for a village or a
team, test-sent against a local robot stub, switched off and on — on the page and the API, behind
the role check (a clerk is refused; the next town's commander finds no such group)."""

from cordon.notifications import services
from cordon.notifications.models import Channel, Kind, Message, WecomGroup


def test_wecom_group_page_lists_adds_a_team_group_and_test_sends_it(world, login, gateway):
    robot = gateway((200, {"errcode": 0, "errmsg": "ok"}))
    client = login(world.commander)
    page = client.get("/inbox/groups/")
    assert page.status_code == 200 and "四间房村工作群" in page.text
    assert "http://127.0.0.1:9/sjf" not in page.text  # the webhook is a key: shown in part only
    assert "东村工作群" not in page.text  # the next town's group
    answer = client.post(
        "/inbox/groups/",
        {"team": str(world.team.pk), "name": "", "webhook_url": robot.url, "kinds": ["fever_alert"]},
    )
    assert answer.status_code == 302
    group = WecomGroup.objects.get(team_id=world.team.pk)
    assert (
        group.area_id == world.sjf.code and group.name == world.team.name and group.kinds == ["fever_alert"]
    )
    answer = client.post(f"/inbox/groups/{group.pk}/test/", follow=True)
    assert robot.requests[-1]["body"]["msgtype"] == "text"
    assert "四间房村" in robot.requests[-1]["body"]["text"]["content"]
    assert "测试消息已发送" in answer.text


def test_wecom_group_test_send_says_what_the_robot_answered(world, login, gateway):
    robot = gateway((200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    group = services.wecom_group_save(
        actor=world.commander, area=world.sjf, name="测试群", webhook_url=robot.url
    )
    answer = login(world.commander).post(f"/inbox/groups/{group.pk}/test/", follow=True)
    assert "93000" in answer.text
    assert Message.objects.filter(group=group).count() == 0  # a test is not an event: not in the outbox


def test_wecom_group_switched_off_gets_no_events_and_on_again_does(world, login, gateway):
    robot = gateway()
    group = services.wecom_group_save(
        actor=world.staff, area=world.sjf, name="四间房村群", webhook_url=robot.url
    )
    client = login(world.staff)
    client.post(f"/inbox/groups/{group.pk}/enable/", {"on": "0"})
    group.refresh_from_db()
    assert not group.enabled

    def raise_one(key):
        services.notify(
            kind=Kind.FEVER_ALERT, key=key, area=world.sjf.code, roles=(), subject="发热预警", text="测试"
        )

    raise_one("test:off")
    assert not Message.objects.filter(key="test:off", channel=Channel.WECOM, group=group).exists()
    client.post(f"/inbox/groups/{group.pk}/enable/", {"on": "1"})
    raise_one("test:on")
    assert Message.objects.filter(key="test:on", channel=Channel.WECOM, group=group).exists()


def test_wecom_groups_are_the_command_centres_only(world, login):
    assert login(world.clerk).get("/inbox/groups/").status_code == 403
    assert login(world.health).get("/inbox/groups/").status_code == 403
    other = login(world.neighbour)
    assert other.post(f"/inbox/groups/{world.sjf_group.pk}/test/").status_code == 404
    assert other.post(f"/inbox/groups/{world.sjf_group.pk}/enable/", {"on": "1"}).status_code == 404
    other.post(
        "/inbox/groups/", {"area": world.sjf.code, "name": "越权", "webhook_url": "http://127.0.0.1:9/x"}
    )
    assert not WecomGroup.objects.filter(name="越权").exists()


def test_wecom_group_api_lists_adds_tests_and_switches(world, api_client, gateway):
    robot = gateway((200, {"errcode": 0, "errmsg": "ok"}))
    client = api_client(world.commander)
    listed = client.get("/api/v1/notifications/wecom-groups").json()
    assert [g["name"] for g in listed] == ["四间房村工作群"]
    assert listed[0]["webhook"].endswith("/sjf") is False or "…" in listed[0]["webhook"]
    added = client.post(
        "/api/v1/notifications/wecom-groups",
        {"name": "小湾村工作群", "area": world.xw.code, "webhook_url": robot.url},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["area"] == world.xw.code
    group_id = added.json()["id"]
    assert client.post(f"/api/v1/notifications/wecom-groups/{group_id}/test").json() == {
        "sent": True,
        "error": "",
    }
    off = client.post(
        f"/api/v1/notifications/wecom-groups/{group_id}/enabled",
        {"enabled": False},
        content_type="application/json",
    )
    assert off.json()["enabled"] is False
    assert api_client(world.clerk).get("/api/v1/notifications/wecom-groups").status_code == 403
    assert (
        api_client(world.neighbour).post(f"/api/v1/notifications/wecom-groups/{group_id}/test").status_code
        == 404
    )
