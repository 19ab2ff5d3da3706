"""Recording disinfection rounds: not before the task starts, not in the future, once per planned date;
overdue rounds flagged and counted."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cordon.operations import services_disinfection
from cordon.operations.models import DisinfectionRound
from cordon.operations.tests.conftest import fields

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour=9):
    return datetime(2020, 2, day, hour, tzinfo=TZ)


@time_machine.travel(at(12, 18), tick=False)
def test_rejects_a_round_recorded_before_the_task_starts(world, road):
    with pytest.raises(ValidationError) as exc:
        services_disinfection.round_record(
            actor=world.clerk, task=road, planned_on=date(2020, 2, 10), done_at=at(9)
        )
    assert fields(exc) == {"done_at"}
    assert not road.round_set.filter(done_at__isnull=False).exists()


@time_machine.travel(at(12, 18), tick=False)
def test_rejects_a_round_recorded_in_the_future(world, road):
    with pytest.raises(ValidationError) as exc:
        services_disinfection.round_record(
            actor=world.clerk, task=road, planned_on=date(2020, 2, 12), done_at=at(12, 20)
        )
    assert fields(exc) == {"done_at"}


@time_machine.travel(at(12, 18), tick=False)
def test_rejects_a_round_planned_after_the_day_it_was_done_and_a_date_not_planned(world, road):
    with pytest.raises(ValidationError) as exc:
        services_disinfection.round_record(actor=world.clerk, task=road, planned_on=date(2020, 2, 13))
    assert fields(exc) == {"planned_on"}
    with pytest.raises(ValidationError) as exc:
        services_disinfection.round_record(actor=world.clerk, task=road, planned_on=date(2020, 3, 1))
    assert fields(exc) == {"planned_on"}


@time_machine.travel(at(12, 18), tick=False)
def test_a_retried_round_is_absorbed_by_the_service_the_page_and_the_api(world, road, login, api_client):
    first, recorded = services_disinfection.round_record(
        actor=world.clerk, task=road, planned_on=date(2020, 2, 10), note="第一轮"
    )
    again, recorded_again = services_disinfection.round_record(
        actor=world.health, task=road, planned_on=date(2020, 2, 10), note="重复"
    )
    assert recorded and not recorded_again and again.pk == first.pk
    again.refresh_from_db()
    assert again.done_by == world.clerk and again.note == "第一轮"

    client = login(world.clerk)
    url = reverse("operations:round_record", args=[road.pk])
    for _ in range(2):
        response = client.post(url, {"planned_on": "2020-02-11", "note": "页面"})
        assert response.status_code == 302
    api = api_client(world.clerk)
    path = f"/api/v1/operations/disinfection/tasks/{road.pk}/rounds"
    assert api.post(path, {"planned_on": "2020-02-12"}, content_type="application/json").status_code == 201
    assert api.post(path, {"planned_on": "2020-02-12"}, content_type="application/json").status_code == 200
    done = DisinfectionRound.objects.filter(task=road, done_at__isnull=False)
    assert sorted(done.values_list("planned_on", flat=True)) == [date(2020, 2, d) for d in (10, 11, 12)]


def test_overdue_rounds_are_flagged_and_counted_as_the_clock_moves(world, road, login):
    with time_machine.travel(at(10, 18), tick=False):
        client = login(world.commander)
        services_disinfection.round_record(actor=world.clerk, task=road, planned_on=date(2020, 2, 10))
        assert client.get(reverse("operations:tasks") + "?overdue=1").context["tasks"] == []
    with time_machine.travel(at(13, 8), tick=False):
        client = login(world.commander)  # a new day, a new session (sessions time out)
        page = client.get(reverse("operations:tasks") + "?overdue=1")
        (listed,) = [t for t in page.context["tasks"] if t.pk == road.pk]
        assert listed.rounds_overdue == 2 and listed.rounds_done == 1
        detail = client.get(reverse("operations:task", args=[road.pk]))
        assert detail.context["overdue"] == 2
        index = client.get(reverse("operations:index"))
        assert index.context["overdue"] >= 2


@time_machine.travel(at(12, 18), tick=False)
def test_a_guard_cannot_record_and_another_village_gets_a_404(world, road, login):
    with pytest.raises(PermissionDenied):
        services_disinfection.round_record(actor=world.guard, task=road, planned_on=date(2020, 2, 10))
    response = login(world.other_clerk).post(
        reverse("operations:round_record", args=[road.pk]), {"planned_on": "2020-02-10"}
    )
    assert response.status_code == 404
    assert not road.round_set.filter(done_at__isnull=False).exists()


@time_machine.travel(at(12, 18), tick=False)
def test_a_photo_is_checked_for_type_and_size(world, road, settings, tmp_path, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services_disinfection.round_record(
            actor=world.clerk, task=road, planned_on=date(2020, 2, 10), photo=fake
        )
    assert fields(exc) == {"photo"}
    big = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services_disinfection.round_record(
            actor=world.clerk, task=road, planned_on=date(2020, 2, 10), photo=big
        )
    # a PNG sent under an HTML name is stored as a .png and served as one, never guessed
    good = SimpleUploadedFile("x.html", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="text/html")
    round_, _ = services_disinfection.round_record(
        actor=world.clerk, task=road, planned_on=date(2020, 2, 10), photo=good
    )
    assert round_.photo.name.startswith("operations/disinfection/") and round_.photo.name.endswith(".png")
    assert (tmp_path / round_.photo.name).exists()
    client.force_login(world.clerk)
    served = client.get(f"/operations/disinfection/{road.pk}/photo/{round_.pk}/")
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert timedelta(0) <= at(12, 18) - round_.done_at
