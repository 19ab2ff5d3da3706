"""The operations lists cost a fixed number of queries, however many rows they show."""

from datetime import date

import pytest
from django.urls import reverse

from cordon.operations import services_counselling, services_disinfection, services_notices
from cordon.operations.tests.conftest import SCHEDULE


def add_rows(world, start: int, count: int) -> None:
    for n in range(start, start + count):
        services_disinfection.task_create(
            actor=world.commander,
            area=world.sjf,
            data={
                **SCHEDULE,
                "kind": "alley",
                "target": f"胡同{n}",
                "starts_on": date(2020, 2, 10),
                "rounds": 3,
            },
        )
        services_notices.notice_save(
            actor=world.commander,
            area=world.town,
            data={"title": f"通知{n}", "body": "x", "channels": ["chat"], "audience": [world.sjf, world.xw]},
        )
        services_notices.rumour_report(
            actor=world.clerk, area=world.sjf, data={"content": f"谣言{n}", "reported_by_name": "x"}
        )
        services_counselling.session_create(
            actor=world.counsellor,
            person=world.yin,
            data={"held_on": date(2020, 2, 12), "mode": "visit", "concerns": f"疏导{n}"},
        )


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("operations:tasks", 7),
        ("operations:notices", 5),
        ("operations:rumours", 4),
        ("operations:sessions", 6),
        ("operations:index", 7),
    ],
)
def test_lists_pin_their_queries_whatever_the_number_of_rows(
    world, login, django_assert_num_queries, name, queries
):
    client = login(world.commander)
    for start, count in ((0, 2), (2, 8)):
        add_rows(world, start, count)
        client.get(reverse(name))  # warm the session
        with django_assert_num_queries(queries):
            response = client.get(reverse(name))
        assert response.status_code == 200


def test_the_api_lists_tasks_overdue_only_and_the_other_village_sees_none(world, api_client):
    add_rows(world, 0, 2)
    listed = api_client(world.commander).get("/api/v1/operations/disinfection/tasks?overdue=true").json()
    assert {t["target"] for t in listed["items"]} >= {"胡同0", "胡同1", "四间房村东街1号"}
    assert api_client(world.other_clerk).get("/api/v1/operations/disinfection/tasks").json()["items"] == []
    assert api_client(world.other_clerk).get("/api/v1/operations/rumours").json()["items"] == []
    assert api_client(world.other_clerk).get("/api/v1/operations/notices").json()["items"] == []
