"""Inspections (督导检查) and findings: open findings put a reopened enterprise "open with
findings"; a serious one lets the command centre suspend it; rectified on re-inspection it is
reopened again; a finding past its deadline is flagged."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.enterprises import services, services_inspections
from cordon.enterprises.models import Finding, Inspection
from cordon.enterprises.services_inspections import NewFinding
from cordon.enterprises.testing import all_yes

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def inspect(world, actor=None, **overrides):
    kwargs = {
        "actor": actor or world.staff,
        "enterprise": world.enterprise,
        "inspected_on": date(2020, 3, 2),
        "answers": all_yes(),
        "has_dormitory": False,
    }
    kwargs.update(overrides)
    return services_inspections.inspection_record(**kwargs)


@pytest.fixture
def team(world):
    member, _ = account_services.user_create(
        actor=world.operator,
        username="team1",
        full_name="督导组队员",
        area=world.town,
        roles=[(Role.FIELD_TEAM, world.town)],
        password="Test-password-2020",
    )
    return member


def test_the_world_enterprise_has_an_open_finding(world):
    assert world.enterprise.status == "findings" and world.inspection.outcome == "rectify"


def test_rectified_at_the_re_inspection_the_enterprise_is_reopened(world, team):
    inspection = inspect(world, actor=team, rectified=[world.finding], rectification_note="已设置专用垃圾桶")
    world.finding.refresh_from_db()
    world.enterprise.refresh_from_db()
    assert world.finding.reinspection == inspection and world.finding.rectified_by == team
    assert inspection.outcome == "passed" and world.enterprise.status == "approved"


def test_a_serious_finding_suspends_when_the_staff_say_so(world):
    inspect(world, findings=[NewFinding("宿舍每间10人", date(2020, 3, 5), serious=True)], suspend=True)
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "suspended"
    with pytest.raises(ValidationError, match="尚有2个问题未整改"):
        services.enterprise_resume(actor=world.commander, enterprise=world.enterprise)
    for finding in Finding.objects.filter(inspection__enterprise=world.enterprise):
        services_inspections.finding_rectify(actor=world.health, finding=finding, note="已整改")
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "suspended"  # until the command centre resumes it
    services.enterprise_resume(actor=world.commander, enterprise=world.enterprise)
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "approved"


def test_a_field_team_member_records_a_serious_finding_but_does_not_suspend(world, team):
    with pytest.raises(ValidationError) as caught:
        inspect(
            world, actor=team, findings=[NewFinding("无隔离室", date(2020, 3, 5), serious=True)], suspend=True
        )
    assert "suspend" in caught.value.message_dict
    assert not Inspection.objects.filter(inspector=team).exists()


def test_suspending_needs_a_serious_finding(world):
    with pytest.raises(ValidationError, match="严重问题"):
        inspect(world, findings=[NewFinding("登记不全", date(2020, 3, 5))], suspend=True)


def test_a_clerk_does_not_inspect(world, client, api_client):
    with pytest.raises(PermissionDenied):
        inspect(world, actor=world.clerk)
    client.force_login(world.clerk)
    assert client.get(f"/enterprises/{world.enterprise.pk}/inspect/").status_code == 403
    assert client.post(f"/enterprises/findings/{world.finding.pk}/rectify/", {"note": "x"}).status_code == 403
    response = api_client(world.clerk).post(
        f"/api/v1/enterprises/findings/{world.finding.pk}/rectify",
        {"note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    world.finding.refresh_from_db()
    assert world.finding.is_open


def test_a_deadline_before_the_inspection_and_a_fake_photo_are_refused(world):
    with pytest.raises(ValidationError, match="整改期限早于检查日期"):
        inspect(world, findings=[NewFinding("x", date(2020, 3, 1))])
    with pytest.raises(ValidationError, match="请上传照片"):
        inspect(world, findings=[NewFinding("x", date(2020, 3, 5), photo=b"<html>")])


def test_a_finding_past_its_deadline_is_flagged(world, client):
    with time_machine.travel("2020-02-28 12:00 +0800", tick=False):
        client.force_login(world.commander)
        assert not world.finding.is_overdue
        assert "已逾期" not in client.get(f"/enterprises/{world.enterprise.pk}/").content.decode()
        assert Finding.objects.overdue(date(2020, 2, 28)).count() == 0
    with time_machine.travel("2020-02-29 09:00 +0800", tick=False):
        client.force_login(world.commander)
        assert world.finding.is_overdue
        assert "已逾期" in client.get(f"/enterprises/{world.enterprise.pk}/").content.decode()
        listed = client.get("/enterprises/?overdue=1").context["enterprises"]
        assert [e.pk for e in listed] == [world.enterprise.pk] and listed[0].overdue_count == 1


def test_the_phone_page_records_an_inspection_with_a_photo_once(world, client):
    client.force_login(world.staff)
    form = client.get(f"/enterprises/{world.enterprise.pk}/inspect/")
    client_id = form.context["form"].initial["client_id"]
    data = dict.fromkeys(all_yes(), "yes")
    data.update(
        {
            "inspected_on": "2020-03-02",
            "client_id": client_id,
            "rectified": [str(world.finding.pk)],
            "rectification_note": "已设置",
            "finding_1": "入口未登记",
            "finding_1_deadline": "2020-03-04",
        }
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    data["finding_1_photo"] = SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")
    assert client.post(f"/enterprises/{world.enterprise.pk}/inspect/", data).status_code == 302
    data["finding_1_photo"] = SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")
    client.post(f"/enterprises/{world.enterprise.pk}/inspect/", data)  # sent twice
    assert Inspection.objects.filter(client_id=client_id).count() == 1
    new = Finding.objects.get(description="入口未登记")
    photo = client.get(f"/enterprises/findings/{new.pk}/photo/")
    assert photo["Content-Type"] == "image/jpeg" and photo.content == JPEG
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "findings"


def test_the_api_records_an_inspection_and_rectifies_a_finding(world, api_client):
    api = api_client(world.health)
    body = {
        "inspected_on": "2020-03-02",
        "answers": all_yes(),
        "has_dormitory": False,
        "findings": [{"description": "未暂停指纹打卡", "deadline": "2020-03-03"}],
    }
    response = api.post(
        f"/api/v1/enterprises/{world.enterprise.pk}/inspections", body, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["outcome"] == "rectify"
    got = api.get(f"/api/v1/enterprises/inspections/{response.json()['id']}").json()
    assert got["findings"][0]["description"] == "未暂停指纹打卡"
    for finding_id in (world.finding.pk, got["findings"][0]["id"]):
        r = api.post(
            f"/api/v1/enterprises/findings/{finding_id}/rectify",
            {"note": "已整改"},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["rectified_at"]
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "approved"


def test_the_other_village_gets_404_on_inspections_and_findings(world, client, api_client):
    client.force_login(world.other_clerk)
    assert client.get(f"/enterprises/findings/{world.finding.pk}/rectify/").status_code == 404
    api = api_client(world.other_clerk)
    assert api.get(f"/api/v1/enterprises/inspections/{world.inspection.pk}").status_code == 404


def test_the_command_centre_suspends_and_resumes_from_the_page(world, client):
    client.force_login(world.clerk)
    assert client.post(f"/enterprises/{world.enterprise.pk}/suspend/", {"reason": "x"}).status_code == 403
    client.force_login(world.staff)
    page = client.post(f"/enterprises/{world.enterprise.pk}/suspend/", {"reason": ""}, follow=True)
    assert "原因" in page.content.decode()
    client.post(f"/enterprises/{world.enterprise.pk}/suspend/", {"reason": "宿舍严重超员"})
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "suspended"
    page = client.post(f"/enterprises/{world.enterprise.pk}/resume/", follow=True)
    assert "尚有1个问题未整改" in page.content.decode()
    services_inspections.finding_rectify(actor=world.staff, finding=world.finding, note="已整改")
    client.post(f"/enterprises/{world.enterprise.pk}/resume/")
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "approved"
    moves = list(world.enterprise.status_changes.values_list("to_status", flat=True))
    assert moves[-2:] == ["suspended", "approved"]


def test_a_suspended_enterprise_with_open_findings_is_not_reopened_by_a_new_application(world):
    inspect(world, findings=[NewFinding("宿舍每间10人", date(2020, 3, 5), serious=True)], suspend=True)
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "suspended"
    application = services.application_submit(
        actor=world.clerk,
        enterprise=world.enterprise,
        planned_on=date(2020, 3, 10),
        prevention_plan="整改后复工",
        answers=all_yes(),
        has_dormitory=False,
    )
    for decision in ("approve", "conditional"):
        with pytest.raises(ValidationError) as refused:
            services.application_decide(
                actor=world.commander, application=application, decision=decision, conditions="限期整改"
            )
        assert "decision" in refused.value.message_dict
    world.enterprise.refresh_from_db()
    assert world.enterprise.status == "applied"
