"""Applying to reopen with the checklist, and the command centre's decision: the dormitory's numbers,
one open application at a time, two commanders deciding at once, roles and villages."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cordon.enterprises import services
from cordon.enterprises.models import Enterprise, ReopeningApplication
from cordon.enterprises.testing import all_yes

PLAN = "分批返岗，错峰就餐。"


def apply(world, enterprise=None, **overrides):
    kwargs = {
        "actor": world.clerk,
        "enterprise": enterprise or world.closed,
        "planned_on": date(2020, 2, 25),
        "prevention_plan": PLAN,
        "answers": all_yes(),
        "has_dormitory": True,
        "dorm_people_per_room": 4,
        "dorm_m2_per_person": "3",
    }
    kwargs.update(overrides)
    return services.application_submit(**kwargs)


@pytest.fixture(autouse=True)
def closed_enterprise(world):
    from cordon.enterprises.testing import enterprise_data, uscc

    world.closed = services.enterprise_register(
        actor=world.clerk,
        area=world.sjf,
        data=enterprise_data(name="四间房村木器厂", uscc=uscc("91131081MA0J1K2L3")),
    )


@pytest.mark.parametrize(
    ("rooms", "area", "field"),
    [(4, "0", "dorm_m2_per_person"), (0, "3", "dorm_people_per_room"), (None, "3", "dorm_people_per_room")],
)
def test_a_dormitory_of_0_m2_or_0_people_is_refused(world, rooms, area, field):
    with pytest.raises(ValidationError) as caught:
        apply(world, dorm_people_per_room=rooms, dorm_m2_per_person=area)
    assert field in caught.value.message_dict
    world.closed.refresh_from_db()
    assert world.closed.status == "closed" and not ReopeningApplication.objects.filter(
        enterprise=world.closed
    )


def test_the_page_says_so_in_chinese(world, client):
    client.force_login(world.clerk)
    data = {"planned_on": "2020-02-25", "prevention_plan": PLAN, "has_dormitory": "on"}
    data.update(dict.fromkeys(all_yes(), "yes"))
    data.update({"dorm_people_per_room": "4", "dorm_m2_per_person": "0"})
    page = client.post(f"/enterprises/{world.closed.pk}/apply/", data)
    assert page.status_code == 200 and "人均面积必须大于0平方米" in page.content.decode()


def test_a_dormitory_over_the_limit_cannot_be_answered_yes(world):
    with pytest.raises(ValidationError) as caught:
        apply(world, dorm_people_per_room=8)
    assert "dormitory" in caught.value.message_dict


def test_without_a_dormitory_its_items_are_not_applicable(world):
    application = apply(world, has_dormitory=False, dorm_people_per_room=None, dorm_m2_per_person=None)
    assert application.checklist["dormitory"]["ok"] is None and not application.dormitory_fails


def test_an_unanswered_item_is_refused(world):
    answers = all_yes()
    del answers["mask_bins"]
    with pytest.raises(ValidationError) as caught:
        apply(world, answers=answers)
    assert "mask_bins" in caught.value.message_dict


def test_one_open_application_at_a_time(world):
    apply(world)
    with pytest.raises(ValidationError, match="待审批"):
        apply(world)
    assert ReopeningApplication.objects.filter(enterprise=world.closed).count() == 1


def test_from_application_to_approval_the_status_moves_and_is_kept(world, client):
    application = apply(world)
    world.closed.refresh_from_db()
    assert world.closed.status == "applied"
    client.force_login(world.commander)
    response = client.post(f"/enterprises/applications/{application.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    world.closed.refresh_from_db()
    assert world.closed.status == "approved"
    moves = list(world.closed.status_changes.values_list("from_status", "to_status"))
    assert moves == [("", "closed"), ("closed", "applied"), ("applied", "approved")]


def test_a_rejection_needs_a_reason_and_leaves_the_enterprise_closed(world):
    application = apply(world)
    with pytest.raises(ValidationError):
        services.application_decide(actor=world.commander, application=application, decision="reject")
    services.application_decide(
        actor=world.commander, application=application, decision="reject", comment="无隔离室"
    )
    world.closed.refresh_from_db()
    assert world.closed.status == "closed"
    apply(world)  # it may apply again


def test_a_failing_dormitory_is_approved_only_with_conditions(world):
    answers = all_yes()
    answers["dormitory"] = {"ok": False, "note": "每间8人"}
    application = apply(world, answers=answers, dorm_people_per_room=8, dorm_m2_per_person="2")
    with pytest.raises(ValidationError, match="宿舍不符合要求"):
        services.application_decide(actor=world.commander, application=application, decision="approve")
    with pytest.raises(ValidationError, match="附加条件"):
        services.application_decide(actor=world.commander, application=application, decision="conditional")
    services.application_decide(
        actor=world.commander,
        application=application,
        decision="conditional",
        conditions="3月1日前宿舍每间减至6人以下",
    )
    application.refresh_from_db()
    assert application.decision == "conditional" and application.conditions.startswith("3月1日前")


def test_two_commanders_deciding_at_once_the_second_is_told_it_is_decided(world, api_client):
    application = apply(world)
    stale = ReopeningApplication.objects.get(pk=application.pk)  # loaded before the first decision
    services.application_decide(actor=world.commander, application=application, decision="approve")
    with pytest.raises(ValidationError, match="已审批"):
        services.application_decide(actor=world.staff, application=stale, decision="reject", comment="不行")
    response = api_client(world.staff).post(
        f"/api/v1/enterprises/applications/{application.pk}/decide",
        {"decision": "reject", "comment": "不行"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "已审批" in response.json()["message"]
    application.refresh_from_db()
    assert application.decision == "approve" and application.decided_by == world.commander


def test_the_same_decision_sent_twice_is_taken_once(world, api_client):
    application = apply(world)
    api = api_client(world.commander)
    url = f"/api/v1/enterprises/applications/{application.pk}/decide"
    first = api.post(url, {"decision": "approve"}, content_type="application/json")
    second = api.post(url, {"decision": "approve"}, content_type="application/json")
    assert first.status_code == second.status_code == 200
    assert world.closed.status_changes.filter(to_status="approved").count() == 1


def test_a_clerk_enters_but_does_not_decide(world, client, api_client):
    application = apply(world)
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=world.clerk, application=application, decision="approve")
    client.force_login(world.clerk)
    assert client.get(f"/enterprises/applications/{application.pk}/decide/").status_code == 403
    response = api_client(world.head).post(
        f"/api/v1/enterprises/applications/{application.pk}/decide",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["message"]
    application.refresh_from_db()
    assert application.is_open


def test_the_clerk_of_another_village_gets_404_on_the_application(world, client, api_client):
    application = apply(world)
    client.force_login(world.other_clerk)
    assert client.get(f"/enterprises/{world.closed.pk}/apply/").status_code == 404
    assert client.get(f"/enterprises/applications/{application.pk}/decide/").status_code == 404
    response = api_client(world.other_clerk).post(
        f"/api/v1/enterprises/{world.closed.pk}/applications",
        {"planned_on": "2020-02-25", "prevention_plan": PLAN},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_api_takes_an_application_with_its_checklist(world, api_client):
    body = {
        "planned_on": "2020-02-25",
        "prevention_plan": PLAN,
        "answers": all_yes(),
        "has_dormitory": True,
        "dorm_people_per_room": 5,
        "dorm_m2_per_person": "2.5",
    }
    response = api_client(world.head).post(
        f"/api/v1/enterprises/{world.closed.pk}/applications", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["dorm_people_per_room"] == 5
    assert Enterprise.objects.get(pk=world.closed.pk).status == "applied"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory, where threads lock tables; SQLite serialises writers",
)
@pytest.mark.django_db(transaction=True)
def test_two_commanders_at_the_same_moment_one_decision_is_kept(world):
    enterprise = world.closed
    application = apply(world)
    barrier = threading.Barrier(2)
    done, refused = [], []

    def decide(actor, decision):
        try:
            barrier.wait()
            done.append(
                services.application_decide(
                    actor=actor, application=application, decision=decision, comment="并发"
                ).decision
            )
        except ValidationError as exc:
            refused.append(exc.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(world.commander, "approve")),
        threading.Thread(target=decide, args=(world.staff, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 1 and len(refused) == 1 and "已审批" in refused[0]
    enterprise.refresh_from_db()
    assert enterprise.status == ("approved" if done == ["approve"] else "closed")
    assert enterprise.status_changes.count() == 3
