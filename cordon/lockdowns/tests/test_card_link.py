"""The card's QR code is a link to the gate's check with the token after "#" (never sent to a server),
so a guard whose browser has no camera access opens it with the phone's own camera app."""

from datetime import timedelta

from django.utils import timezone

from cordon.lockdowns import services


def _approved_pass(world):
    now = timezone.now()
    exit_pass = services.pass_apply(
        actor=world.clerk,
        area=world.grid_gate.area,
        people=[world.grid_person],
        reason="necessity",
        destination="霸州市区",
        valid_from=now - timedelta(minutes=1),
        valid_until=now + timedelta(hours=3),
    )
    services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    return services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True)


def test_a_link_typed_at_the_gate_is_checked_as_its_token(world, client):
    exit_pass = _approved_pass(world)
    link = "http://cordon.test/lockdowns/gate/scan/#" + services.pass_token(exit_pass)
    client.force_login(world.guard)
    page = client.post(f"/lockdowns/gate/{world.grid_gate.pk}/", {"short_code": link}).content.decode()
    assert "外出：登记" in page


def test_the_scan_link_leads_a_guard_to_a_gate_and_refuses_no_one_else_a_page(world, client):
    client.force_login(world.guard)
    page = client.get("/lockdowns/gate/scan/")
    if page.status_code == 302:
        assert page.url.startswith("/lockdowns/gate/")
    else:
        assert world.sjf_gate.name in page.content.decode()
    client.force_login(world.health)  # a health worker keeps no gate
    assert "只有卡点值守人员" in client.get("/lockdowns/gate/scan/").content.decode()
    client.logout()
    assert client.get("/lockdowns/gate/scan/").status_code == 302  # to the login


def test_the_card_carries_a_link_whose_fragment_is_the_token(world, client, monkeypatch):
    from cordon.lockdowns import tokens, views

    drawn = []
    monkeypatch.setattr(views, "qr_svg", lambda text, **kw: drawn.append(text) or "<svg></svg>")
    exit_pass = _approved_pass(world)
    client.force_login(world.commander)
    card = client.get(f"/lockdowns/passes/{exit_pass.pk}/card/").content.decode()
    assert "<svg" in card
    link, token = drawn[0].split("#")
    assert link == "http://testserver/lockdowns/gate/scan/"
    assert tokens.read(token).payload["p"] == exit_pass.pk
