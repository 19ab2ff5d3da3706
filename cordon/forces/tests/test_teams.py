"""Teams and their members: who may form a team, who may join it, leaving, the leader."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cordon.core.models import AuditEntry
from cordon.forces import services
from cordon.forces.models import Team, TeamMember


def test_a_village_head_forms_a_team_and_its_leader_is_its_first_member(world):
    team = services.team_create(
        actor=world.head,
        area=world.sjf,
        data={"name": "四间房村消杀组", "kind": "disinfection"},
        leader=world.volunteer,
    )
    assert team.leader == world.volunteer
    assert list(team.memberships.values_list("personnel_id", flat=True)) == [world.volunteer.pk]
    assert AuditEntry.objects.filter(action="team.create", target_id=str(team.pk)).exists()


def test_refuses_a_second_team_of_the_same_name_in_an_area_and_an_unknown_kind(world):
    with pytest.raises(ValidationError) as refused:
        services.team_create(
            actor=world.clerk, area=world.sjf, data={"name": world.team.name, "kind": "screening"}
        )
    assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.team_create(actor=world.clerk, area=world.sjf, data={"name": "", "kind": "party"})
    assert set(refused.value.message_dict) == {"name", "kind"}


def test_a_clerk_cannot_form_a_team_in_another_village_nor_a_guard_anywhere(world):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=world.other_clerk, area=world.sjf, data={"name": "x", "kind": "screening"})
    with pytest.raises(PermissionDenied):
        services.team_create(actor=world.guard, area=world.sjf, data={"name": "x", "kind": "screening"})


def test_nobody_is_in_the_same_team_twice(world):
    with pytest.raises(ValidationError):
        services.team_member_add(actor=world.commander, team=world.team, personnel=world.volunteer)


def test_another_villages_member_cannot_join_a_village_team(world):
    with pytest.raises(ValidationError) as refused:
        services.team_member_add(actor=world.commander, team=world.team, personnel=world.xw_personnel)
    assert "personnel" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.team_member_add(actor=world.clerk, team=world.team, personnel=world.xw_personnel)


def test_a_town_team_takes_people_of_every_village(world):
    team = services.team_create(
        actor=world.staff, area=world.town, data={"name": "镇消杀队", "kind": "disinfection"}
    )
    services.team_member_add(actor=world.staff, team=team, personnel=world.xw_personnel)
    services.team_member_add(actor=world.staff, team=team, personnel=world.volunteer)
    assert team.memberships.count() == 2


def test_an_inactive_member_or_a_stood_down_team_refuses_new_members(world):
    services.personnel_update(actor=world.clerk, personnel=world.volunteer, data={"active": False})
    other = services.team_create(
        actor=world.head, area=world.sjf, data={"name": "第二组", "kind": "screening"}
    )
    with pytest.raises(ValidationError):
        services.team_member_add(actor=world.head, team=other, personnel=world.volunteer)
    services.team_update(actor=world.head, team=other, data={}, active=False)
    with pytest.raises(ValidationError):
        services.team_member_add(actor=world.head, team=other, personnel=world.guard_personnel)


def test_leaving_keeps_the_membership_and_a_leader_who_leaves_no_longer_leads(world):
    leader = world.team.memberships.get(personnel=world.guard_personnel)
    services.team_member_remove(actor=world.clerk, membership=leader, left_on=dt.date.today())
    world.team.refresh_from_db()
    assert world.team.leader is None and TeamMember.objects.get(pk=leader.pk).left_on == dt.date.today()
    with pytest.raises(ValidationError):
        services.team_member_remove(actor=world.clerk, membership=TeamMember.objects.get(pk=leader.pk))
    again = services.team_member_add(actor=world.clerk, team=world.team, personnel=world.guard_personnel)
    assert again.pk != leader.pk and world.team.memberships.count() == 3


def test_refuses_leaving_before_joining(world):
    with pytest.raises(ValidationError) as refused:
        services.team_member_remove(
            actor=world.clerk, membership=world.membership, left_on=dt.date(2020, 1, 1)
        )
    assert "left_on" in refused.value.message_dict


def test_the_team_page_adds_by_id_number_removes_and_names_a_leader(world, login):
    client = login(world.clerk)
    page = client.get(reverse("forces:team", args=[world.team.pk]))
    assert page.status_code == 200 and world.volunteer.person.name in page.content.decode()
    assert "13700001111" not in page.content.decode()  # phones masked in the list
    new = services.personnel_register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": world.yin.name, "document_number": world.yin.document_number},
        data={"kind": "activist"},
    )[0]
    response = client.post(
        reverse("forces:member_add", args=[world.team.pk]), {"who": world.yin.document_number}
    )
    assert response.status_code == 302 and world.team.memberships.filter(personnel=new, left_on=None).exists()
    membership = world.team.memberships.get(personnel=new)
    client.post(reverse("forces:team_leader", args=[membership.pk]))
    world.team.refresh_from_db()
    assert world.team.leader == new
    client.post(reverse("forces:member_remove", args=[membership.pk]))
    assert TeamMember.objects.get(pk=membership.pk).left_on is not None


def test_the_team_pages_hide_another_village_and_refuse_a_guard(world, login):
    other = login(world.other_clerk)
    assert other.get(reverse("forces:team", args=[world.team.pk])).status_code == 404
    assert other.post(reverse("forces:member_remove", args=[world.membership.pk])).status_code == 404
    assert TeamMember.objects.get(pk=world.membership.pk).left_on is None
    guard = login(world.guard)
    assert guard.get(reverse("forces:team_new")).status_code == 403
    assert guard.post(reverse("forces:member_remove", args=[world.membership.pk])).status_code == 403


def test_the_team_form_sent_twice_makes_one_team(world, login):
    client = login(world.head)
    data = {"name": "四间房村排查二组", "kind": "screening", "area": world.sjf.code, "submission": "s1"}
    first = client.post(reverse("forces:team_new"), data)
    second = client.post(reverse("forces:team_new"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Team.objects.filter(name="四间房村排查二组").count() == 1


def test_the_api_forms_a_team_adds_and_removes_a_member(world, api_client):
    client = api_client(world.head)
    made = client.post(
        "/api/v1/forces/teams",
        {"area": world.sjf.code, "name": "API组", "kind": "inspection", "leader": world.volunteer.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    team = made.json()["id"]
    added = client.post(
        f"/api/v1/forces/teams/{team}/members",
        {"personnel": world.guard_personnel.pk},
        content_type="application/json",
    )
    assert added.status_code == 201
    twice = client.post(
        f"/api/v1/forces/teams/{team}/members",
        {"personnel": world.guard_personnel.pk},
        content_type="application/json",
    )
    assert twice.status_code == 422
    removed = client.post(
        f"/api/v1/forces/teams/{team}/members/{world.guard_personnel.pk}/remove",
        {},
        content_type="application/json",
    )
    assert removed.status_code == 200 and removed.json()["left_on"]
    assert len(client.get(f"/api/v1/forces/teams/{team}").json()["members"]) == 1
