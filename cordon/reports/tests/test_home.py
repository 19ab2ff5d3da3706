"""The home page per role: the town sees its villages and checkpoints with counts; a clerk their village."""


def test_town_home_lists_villages_with_their_counts(world, client, login):
    login(world.commander)
    response = client.get("/")
    section = response.context["sections"][0]
    assert section["area"] == world.town
    assert section["counts"]["total"] == 4 and section["counts"]["stations"] == 1
    rows = {row["area"].name: row for row in section["children"]}
    assert rows["四间房村"]["checkpoints"] == 2, "a grid's checkpoint counts for its village"
    assert rows["四间房村"]["accounts"] == 3 and rows["四间房村"]["subareas"] == 1
    assert rows["小湾村"]["checkpoints"] == 1
    body = response.content.decode()
    assert "堂二里镇 下辖区域" in body and "东村" not in body


def test_village_home_shows_its_checkpoints_and_colleagues(world, client, login):
    login(world.clerk)
    body = client.get("/").content.decode()
    assert "四间房村东口卡点" in body and "本村工作人员" in body and "guard的姓名" in body
    assert "小湾村" not in body and "other_clerk" not in body


def test_county_viewer_sees_its_towns(world, client, login):
    login(world.viewer)
    rows = {row["area"].name: row for row in client.get("/").context["sections"][0]["children"]}
    assert set(rows) == {"堂二里镇", "南孟镇"}
    assert rows["堂二里镇"]["checkpoints"] == 4 and rows["南孟镇"]["checkpoints"] == 1


def test_a_user_without_roles_is_told_whom_to_ask(world, client, login):
    from cordon.accounts import services

    user, _ = services.user_create(
        actor=world.commander, username="x", full_name="新人", area=world.sjf, password="Long-enough-pass-1"
    )
    login(user)
    assert "请联系镇指挥部" in client.get("/").content.decode()


def test_home_queries_are_pinned(world, client, login, django_assert_num_queries):
    login(world.commander)
    client.get("/")
    # The observation counts are one query; the town's work (passes, alerts, the report) three; the
    # to-do list one.
    with django_assert_num_queries(19):
        client.get("/")


def test_home_shows_the_observation_triage_with_open_alerts(world, client, login):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.make_aware(timezone.datetime(2020, 1, 28, 9)), tick=False):
        login(world.clerk)
        body = client.get("/").content.decode()
    assert "医学观察中" in body and "/observation/?tab=symptomatic&amp;area=131081103215" in body
    assert 'class="tile hot"' in body  # 尹某某's fever alert
