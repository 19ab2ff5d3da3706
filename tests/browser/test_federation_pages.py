"""The federation pages and the hand-over pages on a phone (390 px) and a desk (1280 px): no sideways
scrolling, no console error; a hand-over from another county's server accepted from the list."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cordon.core.testing import PASSWORD
from cordon.federation import keys, packages, receiving, services
from cordon.federation.models import Peer, RemoteHandover
from tests.browser.conftest import fits_width, log_in, screenshot

GUAN_TOWN = "131022100000"


def _incoming(world) -> RemoteHandover:
    """固安县's server (a neighbour) asks 堂二里镇 to take 孙某 (made once per module)."""
    found = RemoteHandover.objects.filter(direction="in", status="pending").first()
    if found:
        return found
    key = Ed25519PrivateKey.generate()
    before, keys._key = keys._key, key
    try:
        public = keys.public_key_text()
        period = world.yin_period
        package = packages.seal(
            kind="handover",
            sender_area=GUAN_TOWN,
            content={
                "handover": {
                    "id": "e" * 32,
                    "from": {"code": GUAN_TOWN, "name": "固安镇"},
                    "to": {"code": world.town.code, "name": world.town.name},
                    "note": "住在堂二里镇四间房村",
                    "person": {
                        "name": "孙某",
                        "document_type": "mainland_id",
                        "document_number": "",
                        "phone": "13900000002",
                    },
                    "period": {
                        **{
                            k: getattr(period, k)
                            for k in ("reason", "reason_detail", "mode", "rules", "plan")
                        },
                        **{
                            k: getattr(period, k).isoformat()
                            for k in ("exposure_date", "opened_on", "planned_end")
                        },
                        "edition": period.edition_id,
                        "checks_per_day": period.checks_per_day,
                        "first_slot": period.first_slot,
                    },
                }
            },
        )
    finally:
        keys._key = before
    if not Peer.objects.filter(kind="neighbour").exists():
        services.peer_add(
            actor=world.operator,
            kind="neighbour",
            name="固安县服务器",
            url="",
            area_code="131022000000",
            public_key=public,
            own_area=world.county.code,
        )
    receiving.take(package, via="file")
    return RemoteHandover.objects.get(direction="in", uid="e" * 32)


@pytest.mark.parametrize(
    "path",
    ["/federation/", "/federation/handovers/", "/federation/handovers/new/?person={person}", "/handovers/"],
)
def test_federation_and_hand_over_pages_read_on_a_phone_and_a_desk(live_world, page_at, width, path):
    _incoming(live_world)
    page = page_at(width)
    log_in(page, "commander", PASSWORD)
    url = path.format(person=live_world.yin.pk)
    response = page.goto(page.base + url)
    assert response.status == 200
    assert fits_width(page), f"{url} scrolls sideways at {width} px"
    screenshot(page, f"issue-17b-{width}" + url.split("?")[0].replace("/", "-").rstrip("-"))
    assert page.console_errors == []


def test_a_hand_over_from_another_server_is_accepted_from_the_list_at_390(live_world, page_at):
    found = _incoming(live_world)
    page = page_at(390)
    log_in(page, "commander", PASSWORD)
    page.goto(page.base + "/federation/handovers/")
    item = page.locator(f'[data-remote-handover="{found.pk}"]')
    assert "孙某" in item.inner_text()
    item.get_by_role("button", name="接收").click()
    page.wait_for_load_state()
    assert page.locator(f'[data-remote-handover="{found.pk}"][data-status="accepted"]').count() == 1
    screenshot(page, "issue-17b-390-accepted")
    found.refresh_from_db()
    assert found.status == "accepted" and found.period.planned_end == live_world.yin_period.planned_end
