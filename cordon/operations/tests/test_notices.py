"""Notices: a village clerk drafts for their own village, the command centre publishes; the poster
prints; the list exports, written to the access log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cordon.core.models import AccessLog
from cordon.operations import services_notices
from cordon.operations.models import Notice

DATA = {"title": "返乡人员请登记", "body": "请主动到村委会登记。", "channels": ["loudspeaker", "poster"]}


def test_a_clerk_drafts_for_their_village_only_and_cannot_publish(world, login):
    client = login(world.clerk)
    form = client.get(reverse("operations:notice_new")).context["form"]
    assert [code for code, _ in form.fields["area"].choices] == [world.sjf.code, world.grid.code]
    response = client.post(reverse("operations:notice_new"), {**DATA, "area": world.sjf.code})
    notice = Notice.objects.get(title=DATA["title"])
    assert response.status_code == 302 and notice.status == "draft"
    assert list(notice.audience.values_list("code", flat=True)) == [world.sjf.code]
    with pytest.raises(PermissionDenied):
        services_notices.notice_save(actor=world.clerk, area=world.town, data=DATA)
    with pytest.raises(ValidationError) as exc:
        services_notices.notice_save(actor=world.clerk, area=world.sjf, data={**DATA, "audience": [world.xw]})
    assert set(exc.value.message_dict) == {"audience"}
    client.post(reverse("operations:notice_publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == "draft"
    assert not login(world.clerk).get(reverse("operations:notice", args=[notice.pk])).context["may_publish"]


def test_the_command_centre_publishes_for_chosen_villages_and_a_published_notice_is_frozen(world, login):
    notice = services_notices.notice_save(
        actor=world.commander, area=world.town, data={**DATA, "audience": [world.sjf, world.xw]}
    )
    client = login(world.staff)
    client.post(reverse("operations:notice_publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == "published" and notice.published_by == world.staff
    with pytest.raises(ValidationError):
        services_notices.notice_save(actor=world.commander, area=world.town, notice=notice, data=DATA)
    with pytest.raises(ValidationError) as exc:
        services_notices.notice_save(actor=world.commander, area=world.town, data={**DATA, "channels": []})
    assert set(exc.value.message_dict) == {"channels"}


def test_the_poster_page_prints_the_notice_in_big_type(world, login):
    response = login(world.clerk).get(reverse("operations:notice_poster", args=[world.notice.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "勤洗手 戴口罩" in body and 'class="notice poster"' in body and "css/operations.css" in body


def test_the_list_exports_and_the_export_is_logged(world, login):
    client = login(world.commander)
    for fmt in ("xlsx", "csv"):
        response = client.get(reverse("operations:notices") + f"?export={fmt}")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = b"".join(client.get(reverse("operations:notices") + "?export=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "勤洗手 戴口罩" in body
    assert (
        AccessLog.objects.filter(
            actor=world.commander, kind="export", target_type="operations.notices"
        ).count()
        == 3
    )


def test_another_village_gets_a_404(world, login, api_client):
    client = login(world.other_clerk)
    for name in ("operations:notice", "operations:notice_poster", "operations:notice_edit"):
        assert client.get(reverse(name, args=[world.notice.pk])).status_code == 404
    assert world.notice not in client.get(reverse("operations:notices")).context["notices"]
    assert (
        api_client(world.other_clerk).get(f"/api/v1/operations/notices/{world.notice.pk}").status_code == 404
    )


def test_the_api_drafts_and_publishes_and_a_clerk_may_not_publish(world, api_client):
    clerk = api_client(world.clerk)
    created = clerk.post(
        "/api/v1/operations/notices",
        {**DATA, "area": world.sjf.code, "audience": [world.grid.code]},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["audience"] == [world.grid.code]
    path = f"/api/v1/operations/notices/{created.json()['id']}/publish"
    assert clerk.post(path).status_code == 403
    published = api_client(world.staff).post(path)
    assert published.status_code == 200 and published.json()["status"] == "published"
    foreign = clerk.post(
        "/api/v1/operations/notices", {**DATA, "area": world.xw.code}, content_type="application/json"
    )
    assert foreign.status_code == 422


def test_a_town_notice_is_read_in_the_villages_it_is_addressed_to_once_published(world, login, api_client):
    notice = services_notices.notice_save(
        actor=world.commander, area=world.town, data={**DATA, "audience": [world.sjf]}
    )
    poster = reverse("operations:notice_poster", args=[notice.pk])
    assert login(world.clerk).get(poster).status_code == 404  # a draft stays at the town
    services_notices.notice_publish(actor=world.commander, notice=notice)
    assert login(world.clerk).get(poster).status_code == 200
    assert notice in login(world.clerk).get(reverse("operations:notices")).context["notices"]
    assert api_client(world.clerk).get(f"/api/v1/operations/notices/{notice.pk}").status_code == 200
    # a village it is not addressed to sees nothing of it
    assert login(world.other_clerk).get(poster).status_code == 404
    assert notice not in login(world.other_clerk).get(reverse("operations:notices")).context["notices"]
    assert api_client(world.other_clerk).get(f"/api/v1/operations/notices/{notice.pk}").status_code == 404
