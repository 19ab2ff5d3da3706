"""The contribution record: figures counted from the records, for the command centre only."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.checkpoints import services_duty
from cordon.core.models import AuditEntry
from cordon.core.testing import PASSWORD
from cordon.forces import selectors, services, services_assign
from cordon.forces.models import Commendation
from cordon.gate import passages
from cordon.people.testing import id_number

FEB = "2020-02-{day:02d} {time} +0800"


def _at(day, time="12:00"):
    return time_machine.travel(FEB.format(day=day, time=time), tick=False)


@pytest.fixture
def small_world(world):
    """吴卫兵, a guard of 四间房村 with his own account: 3 passages logged and 2 shifts served on 10–11 Feb;
    the world's screening team (the volunteer in it) sent to a shift on 12 Feb."""
    from django.utils import timezone

    guard, _ = account_services.user_create(
        actor=world.operator,
        username="wu",
        full_name="吴卫兵",
        area=world.sjf,
        roles=[(Role.CHECKPOINT_GUARD, world.sjf)],
        password=PASSWORD,
    )
    personnel, _ = services.personnel_register(
        actor=world.head,
        area=world.sjf,
        person_data={"name": "吴卫兵", "document_number": id_number("13108119880808088")},
        data={"kind": "militia_reserve"},
        account=guard,
    )
    tz = timezone.get_current_timezone()
    with _at(9):
        for day in (10, 11):
            services_duty.shift_save(
                actor=world.head,
                checkpoint=world.sjf_gate,
                people=[guard],
                starts_at=dt.datetime(2020, 2, day, 8, tzinfo=tz),
                ends_at=dt.datetime(2020, 2, day, 16, tzinfo=tz),
            )
        team_shift = services_duty.shift_save(
            actor=world.head,
            checkpoint=world.sjf_gate,
            people=[world.guard],
            starts_at=dt.datetime(2020, 2, 12, 8, tzinfo=tz),
            ends_at=dt.datetime(2020, 2, 12, 16, tzinfo=tz),
        )
        services_assign.assignment_create(actor=world.head, team=world.team, shift=team_shift)
    for n, day in enumerate((10, 11, 11)):
        with _at(day):
            passages.passage_record(
                actor=guard,
                checkpoint=world.sjf_gate,
                data={"direction": "in", "name": "村民", "decision": "allowed"},
                client_id=f"wu-{n}",
            )
    return personnel


def test_counts_shifts_passages_and_days_without_going_home(world, small_world):
    figures = selectors.contribution(world.commander, [small_world, world.volunteer])
    wu, volunteer = figures[small_world.pk], figures[world.volunteer.pk]
    assert (wu.shifts, wu.passages, wu.screenings, wu.checks, wu.streak) == (2, 3, 0, 0, 2)
    assert (volunteer.shifts, volunteer.passages, volunteer.streak) == (1, 0, 1)


def test_screenings_and_health_checks_count_for_the_clerk(world):
    clerk, _created = services.personnel_register(
        actor=world.head,
        area=world.sjf,
        person_data={"name": "孙网格", "document_number": id_number("13108119870707077")},
        data={"kind": "cadre"},
        account=world.clerk,
    )
    figures = selectors.contribution(world.commander, [clerk])[clerk.pk]
    # The world's clerk screened 尹某某 (and the grid's resident has no arrival) and took two checks.
    assert figures.screenings == 1 and figures.checks == 2 and figures.streak >= 1


def test_commendations_are_written_by_the_command_centre_only_and_audited(world):
    services_assign.commendation_write(
        actor=world.staff, personnel=world.volunteer, kind="note", text="可重用"
    )
    assert AuditEntry.objects.filter(action="commendation.write").count() == 2
    figures = selectors.contribution(world.commander, [world.guard_personnel, world.volunteer])
    assert figures[world.guard_personnel.pk].commendations == 1 and figures[world.volunteer.pk].notes == 1
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services_assign.commendation_write(actor=world.head, personnel=world.volunteer, kind="note", text="x")


@pytest.mark.parametrize("actor", ["clerk", "guard", "head", "health", "other_clerk", "viewer"])
def test_hidden_from_everyone_but_the_command_centre(world, login, api_client, actor):
    user = getattr(world, actor)
    client = login(user)
    assert client.get(reverse("forces:contribution")).status_code == 404
    assert (
        client.get(reverse("forces:contribution_person", args=[world.guard_personnel.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("forces:commend", args=[world.guard_personnel.pk]), {"kind": "note", "text": "x"}
        ).status_code
        == 404
    )
    api = api_client(user)
    assert api.get("/api/v1/forces/contribution").status_code == 404
    assert api.get(f"/api/v1/forces/contribution/{world.guard_personnel.pk}").status_code == 404
    assert Commendation.objects.count() == 1
    assert reverse("forces:contribution") not in client.get(reverse("forces:index")).content.decode()


def test_the_command_centre_reads_the_ranking_and_a_persons_page(world, login, api_client, small_world):
    client = login(world.commander)
    page = client.get(reverse("forces:contribution") + "?by=passages")
    assert page.status_code == 200
    first_person, first_figures = page.context["page"].object_list[0]
    assert first_person == small_world and first_figures.passages == 3
    team = client.get(reverse("forces:contribution") + f"?team={world.team.pk}&by=shifts")
    assert [p for p, _f in team.context["page"].object_list] == [world.guard_personnel, world.volunteer] or {
        p.pk for p, _f in team.context["page"].object_list
    } == {world.guard_personnel.pk, world.volunteer.pk}
    person = client.get(reverse("forces:contribution_person", args=[small_world.pk]))
    assert person.status_code == 200 and "连续值守" not in person.content.decode()
    client.post(
        reverse("forces:commend", args=[small_world.pk]), {"kind": "commendation", "text": "坚守卡点"}
    )
    assert Commendation.objects.filter(personnel=small_world, written_by=world.commander).exists()
    api = api_client(world.staff)
    rows = api.get("/api/v1/forces/contribution?by=passages").json()["items"]
    assert rows[0]["personnel"] == small_world.pk and rows[0]["passages"] == 3 and rows[0]["shifts"] == 2
    one = api.get(f"/api/v1/forces/contribution/{small_world.pk}").json()
    assert one["streak"] == 2


def test_the_ranking_costs_the_same_queries_for_three_or_thirty_people(
    world, login, django_assert_num_queries
):
    client = login(world.commander)
    client.get(reverse("forces:contribution"))  # warm the session and the role cache
    with django_assert_num_queries(QUERIES):
        client.get(reverse("forces:contribution"))
    services.personnel_register_many(
        actor=world.commander,
        area=world.sjf,
        rows=[
            {
                "person": {
                    "name": "队员" + chr(0x4E00 + n),
                    "document_number": id_number(f"13108119900601{n:03d}"),
                },
                "data": {"kind": "volunteer"},
            }
            for n in range(1, 28)
        ],
    )
    with django_assert_num_queries(QUERIES):
        client.get(reverse("forces:contribution"))


QUERIES = 12


def test_another_towns_commander_sees_none_of_this_towns_people(world, login, api_client):
    client = login(world.neighbour)
    assert client.get(reverse("forces:contribution")).context["page"].object_list == []
    assert (
        client.get(reverse("forces:contribution_person", args=[world.guard_personnel.pk])).status_code == 404
    )
    assert api_client(world.neighbour).get("/api/v1/forces/contribution").json()["count"] == 0


def test_a_commendation_sent_twice_is_written_once(world, login):
    client = login(world.commander)
    for _n in range(2):
        client.post(
            reverse("forces:commend", args=[world.volunteer.pk]), {"kind": "commendation", "text": "踏实肯干"}
        )
    assert Commendation.objects.filter(personnel=world.volunteer).count() == 1
    bad = client.post(
        reverse("forces:commend", args=[world.volunteer.pk]), {"kind": "praise", "text": ""}, follow=True
    )
    assert [m.level_tag for m in bad.context["messages"]][-1] == "error"
    assert Commendation.objects.filter(personnel=world.volunteer).count() == 1


def test_disinfection_rounds_count_for_who_did_them(world):
    operations = pytest.importorskip("cordon.operations.testing")
    operations.extend_world(world)  # a task of 四间房村 whose first round the health worker recorded
    medic, _created = services.personnel_register(
        actor=world.commander,
        area=world.town,
        person_data={"name": "卫生院医生", "document_number": id_number("13108119760606066")},
        data={"kind": "medical"},
        account=world.health,
    )
    figures = selectors.contribution(world.commander, [medic])[medic.pk]
    assert figures.rounds == 1 and figures.streak >= 1
