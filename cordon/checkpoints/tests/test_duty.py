"""The duty roster: shifts, who may be put on duty, and the gaps in round-the-clock cover."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.checkpoints import services_duty

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour):
    return datetime(2020, 2, day, hour, tzinfo=TZ)


def test_gaps_in_a_24_hour_checkpoints_cover(world):
    gate = world.sjf_gate  # open 24 h
    services_duty.shift_save(
        actor=world.head, checkpoint=gate, starts_at=at(10, 0), ends_at=at(10, 8), people=[world.guard]
    )
    services_duty.shift_save(
        actor=world.commander,
        checkpoint=gate,
        starts_at=at(10, 8),
        ends_at=at(10, 16),
        people=[world.guard, world.clerk],
    )
    gaps = services_duty.gaps(gate, at(10, 0), at(11, 0))
    assert [(g.starts_at, g.ends_at) for g in gaps] == [(at(10, 16), at(11, 0))]
    assert services_duty.gaps(world.grid_gate, at(10, 0), at(11, 0)) == []  # not a 24-hour checkpoint


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(at(10, 8), at(10, 8), "ends_at"), (at(10, 0), at(11, 1), "ends_at")],
)
def test_refuses_a_shift_that_ends_before_it_begins_or_lasts_over_a_day(world, start, end, field):
    with pytest.raises(ValidationError) as refused:
        services_duty.shift_save(
            actor=world.head, checkpoint=world.sjf_gate, starts_at=start, ends_at=end, people=[world.guard]
        )
    assert field in refused.value.message_dict


def test_only_people_who_can_log_passages_there_go_on_duty(world):
    with pytest.raises(ValidationError, match="other_clerk"):
        services_duty.shift_save(
            actor=world.head,
            checkpoint=world.sjf_gate,
            starts_at=at(10, 0),
            ends_at=at(10, 8),
            people=[world.other_clerk],
        )
    with pytest.raises(PermissionDenied):
        services_duty.shift_save(
            actor=world.guard,
            checkpoint=world.sjf_gate,
            starts_at=at(10, 0),
            ends_at=at(10, 8),
            people=[world.guard],
        )


def test_the_roster_pages(world, client):
    client.force_login(world.head)
    page = client.get(f"/checkpoints/{world.sjf_gate.pk}/roster/")
    assert page.status_code == 200 and page.context["form"] is not None
    start = page.context["now"].replace(minute=0, second=0, microsecond=0, tzinfo=None)
    response = client.post(
        f"/checkpoints/{world.sjf_gate.pk}/roster/",
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
            "people": [world.guard.pk],
        },
    )
    assert response.status_code == 302
    client.force_login(world.commander)
    rows = {r["checkpoint"].name: r for r in client.get("/checkpoints/on-duty/").context["rows"]}
    assert [u.username for u in rows["四间房村东口卡点"]["now"]] == ["guard"]
    assert rows["四间房村东口卡点"]["gaps"]  # 8 hours of 24 covered
    client.force_login(world.other_clerk)
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/roster/").status_code == 404


def test_a_stretch_under_a_minute_is_no_gap_and_a_days_gap_shows_both_dates(world, client):
    gate = world.sjf_gate  # open 24 h
    services_duty.shift_save(
        actor=world.head, checkpoint=gate, starts_at=at(10, 0), ends_at=at(10, 8), people=[world.guard]
    )
    start = at(10, 0) - timedelta(seconds=20)
    gaps = services_duty.gaps(gate, start, at(10, 8) + timedelta(seconds=30))
    assert gaps == []
    # Nobody on duty for the next 24 hours reads as a day, not "11:44–11:44".
    client.force_login(world.commander)
    page = client.get("/checkpoints/on-duty/").content.decode()

    assert re.search(r"\d\d-\d\d \d\d:\d\d–\d\d-\d\d \d\d:\d\d", page)
    for begin, end in re.findall(r"(\d\d-\d\d \d\d:\d\d)–(\d\d:\d\d)(?!\d)", page):
        assert begin[-5:] != end
