"""Who may read the dashboard, and of which area: the command centre, health workers and viewers, at
the areas they reach; a village's clerk, head or guard is refused (403); another town's area, or a
code that names no area, is a 404 — the same answer either way. The page's queries are pinned."""

import pytest
from django.urls import reverse

from cordon.people import services as people_services
from cordon.reports import figures

URL = "/dashboard/"


def test_the_url_name():
    assert reverse("dashboard:index") == URL


@pytest.mark.parametrize("actor", ["commander", "staff", "health"])
def test_the_command_centre_and_health_workers_open_their_towns_dashboard(world, client, login, actor):
    login(getattr(world, actor))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["area"] == world.town
    assert [a.name for a in response.context["areas"]] == ["堂二里镇", "四间房村", "小湾村"]
    assert [t.area.name for t in response.context["grid"]] == ["四间房村", "小湾村"]


def test_a_county_viewer_sees_its_towns_side_by_side(world, client, login):
    login(world.viewer)
    response = client.get(URL)
    assert response.context["area"] == world.county
    assert {t.area.name for t in response.context["grid"]} == {"堂二里镇", "南孟镇"}
    # and may open one of its towns
    assert client.get(URL, {"area": world.town.code}).status_code == 200


@pytest.mark.parametrize("actor", ["clerk", "head", "guard", "other_clerk"])
def test_village_roles_are_refused(world, client, login, actor):
    login(getattr(world, actor))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"area": world.sjf.code}).status_code == 403


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "code",
    [
        "131081104000",  # 南孟镇, the neighbour town
        "131081104201",  # a village of 南孟镇
        "131081000000",  # the county above the commander's town
        "131081103999",  # no such village
        "13108110321500",  # malformed
        "<script>",
    ],
)
def test_another_towns_area_or_no_area_is_a_404(world, client, login, code):
    login(world.commander)
    response = client.get(URL, {"area": code})
    assert response.status_code == 404
    assert "南孟镇" not in response.content.decode()


def test_the_neighbour_town_does_not_see_ours(world, client, login):
    login(world.neighbour)
    assert client.get(URL, {"area": world.town.code}).status_code == 404
    response = client.get(URL)
    assert response.context["area"] == world.neighbour_town
    assert "堂二里镇" not in [a.name for a in response.context["areas"]]


def _more_data(world):
    """More of everything the dashboard counts, in more villages and categories."""
    from datetime import timedelta

    from django.utils import timezone

    from cordon.cases import services as cases
    from cordon.gate import passages

    today = timezone.localdate()

    for i, name in enumerate(("甲", "乙", "丙")):
        people_services.register(
            actor=world.other_clerk,
            area=world.xw,
            person_data={"name": f"新到{name}", "document_type": "other", "document_number": f"P{i}X"},
            arrival_data={"origin_text": "湖北省武汉市", "arrival_date": today - timedelta(days=i)},
        )
        person, _created = people_services.person_save(
            actor=world.health, area=world.xw, data={"name": f"疑似{name}", "document_number": ""}
        )
        cases.case_register(actor=world.health, person=person, classification="suspected")
        for gate in (world.xw_gate, world.station):
            passages.passage_record(
                actor=world.operator,
                checkpoint=gate,
                data={"direction": "out", "name": f"过路{name}", "decision": "allowed"},
                client_id=f"more-{gate.pk}-{i}",
            )


def test_the_number_of_queries_does_not_grow_with_the_data(world, client, login, django_assert_num_queries):
    login(world.commander)
    client.get(URL)  # warm the session
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert len(response.context["charts"]["passages"]["series"]) == 1
    _more_data(world)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    charts = response.context["charts"]
    assert sum(sum(s["data"]) for s in charts["arrivals"]["series"]) == 3
    assert len(charts["passages"]["series"]) == 3


# The session, user and roles 3; the figures now and yesterday 24:00 (the same queries for both); the
# areas 1; the charts 7 (arrivals and categories 2, observation 2 — the periods that kept their mode
# and those that moved —, curve 1, passages and their checkpoints 2); the grid 4 (areas, seals,
# alerts, cases): 15 of the dashboard's own, whatever the data.
QUERIES = 15 + figures.QUERIES_AT_TWO_MOMENTS
