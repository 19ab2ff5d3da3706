"""The person picker: search scoped and masked as the search page, and the "#<id>" reference it writes
in place of an ID number, read by the exit-pass and contact-tracing forms."""

from datetime import timedelta

from django.utils import timezone

from cordon.cases.models import ContactLink
from cordon.lockdowns.models import ExitPass


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_picker_finds_by_name_pinyin_id_tail_and_phone_masked_and_scoped(world, client):
    client.force_login(world.clerk)
    for query in ("尹某", "ymm", world.yin.document_number[-4:], "13812345678"):
        results = client.get("/people/pick/", {"q": query}).json()["results"]
        assert {"ref": f"#{world.yin.pk}", "name": "尹某某"}.items() <= results[0].items(), query
        assert world.yin.document_number not in results[0]["label"] and "********" in results[0]["label"]
    # 小湾村's 周某 is not in the clerk's reach.
    assert client.get("/people/pick/", {"q": "周某"}).json()["results"] == []
    client.force_login(world.other_clerk)
    assert client.get("/people/pick/", {"q": "尹某"}).json()["results"] == []


def test_a_pass_takes_the_picked_person_and_refuses_one_out_of_reach(world, client):
    from cordon.lockdowns import services as lockdowns

    lockdowns.lockdown_seal(actor=world.commander, area=world.sjf)
    client.force_login(world.clerk)
    now = timezone.now()
    form = {
        "area": world.sjf.code,
        "reason": "necessity",
        "destination": "霸州市区",
        "valid_from": _local(now - timedelta(minutes=1)),
        "valid_until": _local(now + timedelta(hours=3)),
    }
    refused = client.post("/lockdowns/passes/new/", {**form, "id_numbers": f"#{world.zhou.pk} 周某"})
    assert refused.status_code == 200 and "周某" not in refused.content.decode().split("</textarea>")[-1]
    assert not ExitPass.objects.filter(people=world.zhou).exists()
    response = client.post("/lockdowns/passes/new/", {**form, "id_numbers": f"#{world.yin.pk} 尹某某"})
    assert response.status_code == 302
    assert list(ExitPass.objects.get(people=world.yin).people.all()) == [world.yin]


def test_a_contact_row_takes_the_picked_person(world, client):
    client.force_login(world.health)
    response = client.post(
        f"/cases/{world.case.pk}/contacts/",
        {
            "degree": "general",
            "setting": "meal",
            "last_exposure": "2020-02-08",
            "row_name": ["尹某某"],
            "row_document_number": [f"#{world.yin.pk} 尹某某"],
            "row_phone": [""],
            "row_area": [""],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ContactLink.objects.filter(case=world.case, person=world.yin).exists()
