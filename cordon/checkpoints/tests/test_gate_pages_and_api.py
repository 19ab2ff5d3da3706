"""The guard's page, the day list and the counts, and the passage API with its batch upload."""

import json
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from cordon.checkpoints.models import Passage


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_guard_checks_a_number_then_turns_the_person_back(world, client):
    client.force_login(world.guard)
    url = f"/checkpoints/{world.sjf_gate.pk}/gate/"
    page = client.post(url, {"document_number": world.yin.document_number, "direction": "out", "check": "1"})
    text = page.content.decode()
    assert "尹某某" in text and "医学观察中" in text and not Passage.objects.exists()
    client_id = page.context["client_id"]
    form = {
        "document_number": world.yin.document_number,
        "direction": "out",
        "decision": "turned_back",
        "reason": "观察期内",
        "client_id": client_id,
    }
    assert client.post(url, form).status_code == 200
    client.post(url, form)  # the same form sent twice
    passage = Passage.objects.get()
    assert (
        passage.decision == "turned_back"
        and passage.person == world.yin
        and passage.flags == ["under_observation"]
    )


def test_the_page_says_what_is_wrong_and_keeps_what_was_typed(world, client):
    client.force_login(world.guard)
    page = client.post(
        f"/checkpoints/{world.sjf_gate.pk}/gate/",
        {"name": "路人甲", "temperature": "3.7", "direction": "in", "decision": "allowed", "client_id": "k1"},
    )
    text = page.content.decode()
    assert "34.0" in text and "路人甲" in text and not Passage.objects.exists()
    assert page.context["client_id"] == "k1"


def test_the_day_list_counts_and_exports_masked(world, client, api_client):
    api = api_client(world.guard)
    url = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    body = {
        "client_id": "p1",
        "direction": "in",
        "name": "张三",
        "phone": "13812345678",
        "temperature": "37.5",
        "decision": "referred",
        "reason": "发热",
    }
    assert post_json(api, url, body).status_code == 201
    assert post_json(api, url, body).status_code == 200  # a retry: the stored one
    client.force_login(world.clerk)
    page = client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/")
    assert page.context["counts"]["fever"] == 1 and page.context["counts"]["came_in"] == 1
    export = client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/?format=csv").content.decode("utf-8-sig")
    assert "张*" in export and "138****5678" in export and "13812345678" not in export
    listed = api.get(url).json()["items"]
    assert listed[0]["phone"] == "138****5678" and listed[0]["flags"] == ["fever"]


def test_the_batch_endpoint_absorbs_a_resend_and_names_a_refused_entry(world, api_client):
    api = api_client(world.guard)
    url = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages/batch"
    batch = [
        {"client_id": "e1", "direction": "in", "name": "甲", "decision": "allowed"},
        {
            "client_id": "e2",
            "direction": "in",
            "subject": "vehicle",
            "plate": "冀RI2345",
            "decision": "allowed",
        },
    ]
    first = post_json(api, url, batch).json()
    assert [r["status"] for r in first] == ["created", "refused"] and first[1]["errors"][0].startswith(
        "车牌号："
    )
    assert "plate" in first[1]["fields"]
    assert [r["status"] for r in post_json(api, url, batch).json()] == ["duplicate", "refused"]
    assert Passage.objects.count() == 1


def test_the_page_script_batch_and_the_check_answer_json(world, client):
    client.force_login(world.guard)
    base = f"/checkpoints/{world.sjf_gate.pk}/gate/"
    check = client.post(base + "check/", {"document_number": world.contact_person.document_number}).json()
    assert check["flags"] == ["in_quarantine"] and check["name"] == "乙接触"
    now = timezone.localtime().isoformat()
    answer = post_json(
        client,
        base + "batch/",
        [{"client_id": "z1", "direction": "in", "name": "甲", "decision": "allowed", "occurred_at": now}],
    )
    assert answer.json()["results"][0]["status"] == "created"
    assert client.post(base + "batch/", data="{not json", content_type="application/json").status_code == 400


def test_counts_by_day_and_checkpoint_for_the_town_only(world, client, api_client):
    for checkpoint, client_id in ((world.sjf_gate, "c1"), (world.grid_gate, "c2"), (world.sjf_gate, "c3")):
        post_json(
            api_client(world.commander),
            f"/api/v1/checkpoints/{checkpoint.pk}/passages",
            {"client_id": client_id, "direction": "in", "name": "甲", "decision": "allowed"},
        )
    client.force_login(world.commander)
    table = client.get("/checkpoints/passages/").context["table"]
    assert {row["checkpoint"].name: row["total"] for row in table.rows} == {
        "四间房村东口卡点": 2,
        "第一网格卡点": 1,
    }
    assert api_client(world.neighbour).get("/api/v1/checkpoints/passages/counts").json() == []


def test_outsiders_cannot_log_or_read(world, client):
    client.force_login(world.other_clerk)
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/").status_code == 404
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/").status_code == 404
    client.force_login(world.health)
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/").status_code == 403


def test_a_checkpoint_that_does_not_exist_or_lies_elsewhere_is_the_same_404(world, api_client):
    """The passage endpoints read the checkpoint by its key and check the scope on the row: another
    village's checkpoint, a missing one and an id past any column's range answer alike."""
    api = api_client(world.guard)
    body = {"direction": "in", "name": "路人", "decision": "allowed"}
    answers = [
        post_json(api, f"/api/v1/checkpoints/{checkpoint_id}/passages", body)
        for checkpoint_id in (world.east_gate.pk, 987654, 2**63, 0)
    ]
    assert [a.status_code for a in answers] == [404] * 4
    assert len({a.content for a in answers}) == 1
    assert not Passage.objects.exists()


def test_logging_a_passage_is_a_handful_of_queries(world, api_client, django_assert_num_queries):
    """The hot path: token, roles, checkpoint, the person with every flag's facts, the insert…"""
    api = api_client(world.guard)
    url = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    body = {
        "direction": "in",
        "document_number": world.yin.document_number,
        "temperature": "36.5",
        "decision": "allowed",
        "reason": "返家居家观察，已告知村医",
    }
    post_json(api, url, {**body, "client_id": "warm"})
    # … and the day's roll-up row, one upsert (on PostgreSQL one statement with the insert). In a test
    # the transaction is a savepoint: SAVEPOINT, RELEASE.
    timed = (timezone.now() - timedelta(minutes=1)).isoformat()
    with django_assert_num_queries(8 if connection.vendor == "sqlite" else 7):
        assert post_json(api, url, {**body, "client_id": "q1", "occurred_at": timed}).status_code == 201
    # Timed by the server (no occurred_at), its client id is looked up first: a retry after midnight
    # has another day, which the unique (client id, day) of the monthly partitions does not catch.
    with django_assert_num_queries(9 if connection.vendor == "sqlite" else 8):
        assert post_json(api, url, {**body, "client_id": "q2"}).status_code == 201


def test_the_day_list_pages_a_hundred_at_a_time(world, client):
    from cordon.gate import passages

    for n in range(105):
        passages.passage_record(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            data={"direction": "in", "name": "路人", "decision": "allowed"},
            client_id=f"d{n}",
        )
    client.force_login(world.guard)
    first = client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/")
    assert len(first.context["page"].object_list) == 100 and first.context["counts"]["total"] == 105
    second = client.get(
        f"/checkpoints/{world.sjf_gate.pk}/passages/?day={first.context['day'].isoformat()}&page=2"
    )
    assert len(second.context["page"].object_list) == 5 and "第 2 页" in second.content.decode()


def test_a_station_registers_a_vehicle_with_each_person_on_board(world, client):
    client.force_login(world.commander)
    url = f"/checkpoints/{world.station.pk}/gate/"
    page = client.get(url)
    assert len(page.context["occupant_rows"]) == 3 and "每位乘车人" in page.content.decode()
    form = {
        "subject": "vehicle",
        "direction": "in",
        "plate": "冀R12345",
        "vehicle_type": "货车",
        "passengers": "2",
        "decision": "referred",
        "reason": "乘车人发热",
        "client_id": "v1",
        "occupant_name": ["司机王某", "", ""],
        "occupant_document_number": ["", world.yin.document_number, ""],
        "occupant_temperature": ["36.5", "38.1", ""],
    }
    client.post(url, form)
    passage = Passage.objects.get()
    assert passage.vehicle_type == "货车" and passage.flags == ["under_observation", "fever"]
    assert [(o.name, o.person_id, str(o.temperature)) for o in passage.occupants.all()] == [
        ("司机王某", None, "36.5"),
        ("", world.yin.pk, "38.1"),
    ]


def test_a_bad_row_for_someone_on_board_is_named_and_nothing_is_stored(world, client):
    client.force_login(world.commander)
    page = client.post(
        f"/checkpoints/{world.station.pk}/gate/",
        {
            "subject": "vehicle",
            "direction": "in",
            "plate": "冀R12345",
            "decision": "allowed",
            "client_id": "v2",
            "occupant_name": ["甲", "乙"],
            "occupant_document_number": ["", ""],
            "occupant_temperature": ["36.5", "3.7"],
        },
    )
    text = page.content.decode()
    assert "第 2 位乘车人" in text and not Passage.objects.exists()
    # what was typed is still there to correct
    assert [row["name"] for row in page.context["occupant_rows"][:2]] == ["甲", "乙"]


def test_the_passages_csv_writes_a_formula_as_text(world, client, api_client):
    """Issue 21: the passages CSV went through its own csv.writer and exported =HYPERLINK(...) live;
    it now uses the one CSV writer of every export."""
    api = api_client(world.guard)
    url = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    body = {
        "client_id": "f1",
        "direction": "out",
        "name": "张三",
        "destination": '=HYPERLINK("http://example.invalid","点击")',
        "purpose": "@SUM(1+1)",
        "decision": "allowed",
    }
    assert post_json(api, url, body).status_code == 201
    client.force_login(world.clerk)
    export = client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in export and "'@SUM" in export
    assert ",=HYPERLINK" not in export and '"=HYPERLINK' not in export


def test_a_refusal_names_its_field_in_chinese_on_the_page_and_in_the_batch(world, client):
    client.force_login(world.guard)
    base = f"/checkpoints/{world.sjf_gate.pk}/gate/"
    page = client.post(
        base, {"client_id": "r1", "direction": "in", "name": "路人", "decision": "referred"}
    ).content.decode()
    assert "原因：请写明原因。" in page and "reason:" not in page
    assert 'value="路人"' in page  # the form keeps what was typed
    answer = client.post(
        base + "batch/",
        data=json.dumps([{"client_id": "r2", "direction": "in", "name": "路人", "decision": "turned_back"}]),
        content_type="application/json",
    ).json()["results"][0]
    assert answer["status"] == "refused" and answer["errors"] == ["原因：请写明原因。"]
    assert answer["fields"] == {"reason": ["请写明原因。"]}
    assert not Passage.objects.filter(client_id__in=["r1", "r2"]).exists()
