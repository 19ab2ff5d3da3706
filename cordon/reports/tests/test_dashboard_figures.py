"""The dashboard's figures: every figure with a list clicks through to it, and the count equals the rows
that list shows to the same viewer; the change since yesterday 24:00 follows the clock."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from cordon.cases import services as cases
from cordon.people import services as people_services

# The list each figure links to, and how to count the rows it shows (its template context).
ROWS = {
    "screening.wuhan": lambda c: len(c["rows"]),
    "screening.cat_outside": lambda c: len(c["rows"]),
    "observation.active": lambda c: c["page"].paginator.count,
    "alerts.open": lambda c: c["page"].paginator.count,
    "cases.confirmed": lambda c: len(c["cases"]),
    "cases.suspected": lambda c: len(c["cases"]),
    "lockdowns.sealed": lambda c: len(c["lockdowns"]),
    "enterprises.open_findings": lambda c: c["page"].paginator.count,
    "disinfection.tasks_overdue": lambda c: len(c["tasks"]),
}
CASES = [
    ("commander", "town"),
    ("health", "town"),
    ("viewer", "county"),
    ("commander", "xw"),
    ("staff", "sjf"),
]


def _figures(response) -> dict:
    return {f["key"]: f for group in response.context["groups"] for f in group["figures"]}


@pytest.fixture
def suspected_in_xw(world):
    person, _created = people_services.person_save(
        actor=world.health, area=world.xw, data={"name": "丙疑似", "document_number": ""}
    )
    return cases.case_register(actor=world.health, person=person, classification="suspected")


def _disagreements(world, client, actor: str, area: str) -> set:
    """The figures whose count differs from the rows their list shows to the same viewer."""
    client.force_login(getattr(world, actor))
    # The live view (a county's default is what its towns sent, which links to no list).
    response = client.get("/dashboard/", {"area": getattr(world, area).code, "view": "live"})
    assert response.status_code == 200
    figures = _figures(response)
    found = set()
    for key, count_rows in ROWS.items():
        figure = figures[key]
        if key.startswith("cases.") and actor == "viewer":
            # the counts go up in the report; the clinical list is not the viewer's: no link to it
            assert "url" not in figure, key
            continue
        assert figure.get("url"), key
        listed = client.get(figure["url"])
        if listed.status_code != 200 or count_rows(listed.context) != figure["value"]:
            found.add((actor, area, key))
    return found


@pytest.mark.parametrize(("actor", "area"), CASES)
def test_each_count_equals_the_rows_its_list_shows_to_the_same_viewer(
    world, client, suspected_in_xw, actor, area
):
    assert _disagreements(world, client, actor, area) == set()


def test_a_town_counts_what_its_villages_hold(world, client, login, suspected_in_xw):
    login(world.commander)
    town = _figures(client.get("/dashboard/"))
    xw = _figures(client.get("/dashboard/", {"area": world.xw.code}))
    sjf = _figures(client.get("/dashboard/", {"area": world.sjf.code}))
    assert (
        town["cases.suspected"]["value"],
        xw["cases.suspected"]["value"],
        sjf["cases.suspected"]["value"],
    ) == (
        1,
        1,
        0,
    )
    assert town["cases.confirmed"]["value"] == sjf["cases.confirmed"]["value"] == 1
    # The figure links to the list for its own area.
    assert world.xw.code in xw["cases.suspected"]["url"]


def test_the_change_since_yesterday_follows_the_clock(world, client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    noon = timezone.make_aware(datetime.combine(tomorrow, time(12)))
    with time_machine.travel(noon, tick=False):
        client.force_login(world.health)
        before = _figures(client.get("/dashboard/"))
        assert before["cases.suspected"]["value"] == 0
        assert before["cases.confirmed"]["change"] == 0  # confirmed on 9 February 2020, long before

        person, _created = people_services.person_save(
            actor=world.health, area=world.xw, data={"name": "丙疑似", "document_number": ""}
        )
        cases.case_register(actor=world.health, person=person, classification="suspected")
        after = _figures(client.get("/dashboard/"))
        assert (after["cases.suspected"]["value"], after["cases.suspected"]["change"]) == (1, 1)
        page = client.get("/dashboard/").content.decode()
        assert "+1" in page

        # The same dashboard for yesterday: as it stood at yesterday 24:00, before the new case.
        yesterday = _figures(client.get("/dashboard/", {"date": (tomorrow - timedelta(days=1)).isoformat()}))
        assert yesterday["cases.suspected"]["value"] == 0

    # A day later the case is old news: still counted, no longer a change.
    with time_machine.travel(noon + timedelta(days=1), tick=False):
        client.force_login(world.health)
        later = _figures(client.get("/dashboard/"))
        assert (later["cases.suspected"]["value"], later["cases.suspected"]["change"]) == (1, 0)


def test_a_passage_today_shows_as_a_change_in_passages(world, client, login):
    login(world.commander)
    figures = _figures(client.get("/dashboard/"))
    # The world's one passage was recorded today; yesterday counted none.
    assert (figures["checkpoints.passages"]["value"], figures["checkpoints.passages"]["change"]) == (1, 1)
