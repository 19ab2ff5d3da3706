"""The sealed-area and pass pages: sealing, applying, the two approvals, the card, the guard's check."""

from datetime import timedelta

from django.utils import timezone

from cordon.checkpoints.models import Passage
from cordon.lockdowns import services
from cordon.lockdowns.models import ExitPass, Lockdown


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_from_sealing_to_the_card_checked_at_the_gate(world, client):
    client.force_login(world.commander)
    response = client.post(
        "/lockdowns/",
        {"area": world.sjf.code, "exit_reasons": ["illness", "necessity"], "entry_exceptions": "医护"},
    )
    assert response.status_code == 302 and Lockdown.objects.get(
        area=world.sjf, ended_at=None
    ).exit_reasons == ["illness", "necessity"]
    client.force_login(world.clerk)
    now = timezone.now()
    response = client.post(
        "/lockdowns/passes/new/",
        {
            "area": world.sjf.code,
            "id_numbers": world.yin.document_number.lower(),
            "reason": "necessity",
            "destination": "霸州市区",
            "valid_from": local(now - timedelta(minutes=1)),
            "valid_until": local(now + timedelta(hours=3)),
        },
    )
    exit_pass = ExitPass.objects.get()
    assert response.status_code == 302 and list(exit_pass.people.all()) == [world.yin]
    client.force_login(world.head)
    assert "待您审批" in client.get("/lockdowns/passes/").content.decode()
    client.post(f"/lockdowns/passes/{exit_pass.pk}/decide/", {"approve": "1"})
    client.force_login(world.commander)
    client.post(f"/lockdowns/passes/{exit_pass.pk}/decide/", {"approve": "1", "comment": "同意"})
    exit_pass.refresh_from_db()
    assert exit_pass.status == "approved"
    card = client.get(f"/lockdowns/passes/{exit_pass.pk}/card/").content.decode()
    assert "<svg" in card and exit_pass.short_code in card and "尹某*" in card and "尹某某" not in card
    client.force_login(world.guard)
    page = client.post(f"/lockdowns/gate/{world.sjf_gate.pk}/", {"short_code": exit_pass.short_code})
    assert page.context["check"].state == "valid" and "有效" in page.content.decode()
    use = {
        "short_code": exit_pass.short_code,
        "use": "1",
        "direction": "out",
        "client_id": page.context["client_id"],
    }
    client.post(f"/lockdowns/gate/{world.sjf_gate.pk}/", use)
    client.post(f"/lockdowns/gate/{world.sjf_gate.pk}/", use)  # sent twice
    assert Passage.objects.filter(exit_pass=exit_pass).count() == 1


def test_the_apply_form_names_numbers_not_found_and_keeps_the_rest(world, client):
    services.lockdown_seal(actor=world.commander, area=world.sjf)
    client.force_login(world.clerk)
    now = timezone.now()
    page = client.post(
        "/lockdowns/passes/new/",
        {
            "area": world.sjf.code,
            "id_numbers": "131081198003120011\n110101199003070070",
            "reason": "necessity",
            "destination": "霸州市区",
            "valid_from": local(now),
            "valid_until": local(now + timedelta(hours=3)),
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and "辖区内未登记" in text and "霸州市区" in text
    assert not ExitPass.objects.exists()


def test_outsiders_see_no_pass_and_cannot_seal(world, client):
    services.lockdown_seal(actor=world.commander, area=world.sjf)
    exit_pass = services.pass_apply(
        actor=world.clerk, area=world.sjf, people=[world.yin], reason="necessity", destination="x",
        valid_from=timezone.now(), valid_until=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    for who in ("other_clerk", "neighbour"):
        client.force_login(getattr(world, who))
        assert client.get(f"/lockdowns/passes/{exit_pass.pk}/").status_code == 404
    client.force_login(world.clerk)
    assert client.post("/lockdowns/", {"area": world.sjf.code}).status_code == 403


def test_the_api_applies_decides_checks_and_uses_a_pass(world, api_client):
    import json

    def post(client, url, body):
        return client.post(url, data=json.dumps(body), content_type="application/json")

    now = timezone.now()
    clerk, head, commander, guard = (
        api_client(u) for u in (world.clerk, world.head, world.commander, world.guard)
    )
    assert (
        post(
            commander, "/api/v1/lockdowns/", {"area": world.sjf.code, "exit_reasons": ["illness"]}
        ).status_code
        == 201
    )
    body = {
        "area": world.sjf.code,
        "people": [world.yin.pk],
        "reason": "illness",
        "destination": "霸州市医院",
        "valid_from": now.isoformat(),
        "valid_until": (now + timedelta(hours=2)).isoformat(),
        "urgent_medical": True,
    }
    created = post(clerk, "/api/v1/lockdowns/passes", body)
    assert created.status_code == 201
    pass_id = created.json()["id"]
    decided = post(head, f"/api/v1/lockdowns/passes/{pass_id}/decide", {"approve": True}).json()
    assert decided["status"] == "approved" and decided["town_review_pending"]
    again = post(api_client(world.head), f"/api/v1/lockdowns/passes/{pass_id}/decide", {"approve": True})
    assert again.status_code == 403  # the village has decided: the town reviews
    token = clerk.get(f"/api/v1/lockdowns/passes/{pass_id}/token").json()["token"]
    check = post(guard, "/api/v1/lockdowns/check", {"checkpoint": world.sjf_gate.pk, "token": token}).json()
    assert check["state"] == "valid" and check["state_label"] == "有效"
    forged = post(
        guard, "/api/v1/lockdowns/check", {"checkpoint": world.sjf_gate.pk, "token": token[:-8] + "AAAAAAAA"}
    ).json()
    assert forged["state"] == "invalid" and forged["pass_id"] is None
    use = {"checkpoint": world.sjf_gate.pk, "direction": "out", "client_id": "api-1"}
    first = post(guard, f"/api/v1/lockdowns/passes/{pass_id}/use", use).json()["passage"]
    assert post(guard, f"/api/v1/lockdowns/passes/{pass_id}/use", use).json()["passage"] == first
    assert guard.get("/api/v1/lockdowns/public-key").json()["crv"] == "P-256"
