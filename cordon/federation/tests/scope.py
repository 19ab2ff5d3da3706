"""The federation's pages and endpoints that name a record, for tests/test_scope_everywhere.py: a
hand-over from 固安县's server to a third town (杨芬港镇), which neither 小湾村's clerk nor 南孟镇's
commander sees."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cordon.accounts import services as accounts
from cordon.accounts.models import Area
from cordon.federation import keys, packages, receiving, services
from cordon.federation.models import Peer, RemoteHandover

THIRD, FROM = "131081105000", "131022100000"
KEY = Ed25519PrivateKey.generate()  # 固安县's server's, one per test process


def _handover(world):
    found = RemoteHandover.objects.filter(direction="in", to_code=THIRD, status="pending").first()
    if found:
        return found
    if not Area.objects.filter(code=THIRD).exists():
        accounts.area_create(actor=world.operator, code=THIRD, name="杨芬港镇")
    before, keys._key = keys._key, KEY
    try:
        public = keys.public_key_text()
        package = packages.seal(
            kind="handover",
            sender_area=FROM,
            content={
                "handover": {
                    "id": "f" * 32,
                    "from": {"code": FROM, "name": "固安镇"},
                    "to": {"code": THIRD, "name": "杨芬港镇"},
                    "note": "",
                    "person": {"name": "范某", "document_type": "mainland_id", "document_number": ""},
                    "period": None,
                }
            },
        )
    finally:
        keys._key = before
    if not Peer.objects.filter(key_id=keys.key_id_of(public)).exists():
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
    return RemoteHandover.objects.get(direction="in", uid="f" * 32)


def pages(world) -> dict:
    pk = {"pk": _handover(world).pk}
    return {"federation:handover_accept": ("post", pk), "federation:handover_decline": ("post", pk)}


def api_calls(world) -> dict:
    base = "/api/v1/federation/handovers"
    pk = _handover(world).pk
    return {
        ("post", f"{base}/{{pk}}/accept"): (f"{base}/{pk}/accept", {}),
        ("post", f"{base}/{{pk}}/decline"): (f"{base}/{pk}/decline", {"reason": "x"}),
    }
