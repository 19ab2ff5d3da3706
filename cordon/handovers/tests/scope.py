"""The hand-overs' pages and endpoints that name a record, for tests/test_scope_everywhere.py: a
hand-over from 堂二里镇 to a third town, which neither 小湾村's clerk nor 南孟镇's commander sees."""

from cordon.accounts import services as accounts
from cordon.accounts.models import Area
from cordon.handovers import services


def _handover(world):
    if (
        getattr(world, "scope_handover", None) is None
        or not type(world.scope_handover).objects.filter(pk=world.scope_handover.pk).exists()
    ):
        third = Area.objects.filter(code="131081105000").first() or accounts.area_create(
            actor=world.operator, code="131081105000", name="杨芬港镇"
        )
        world.scope_handover = services.handover_request(
            actor=world.commander, person=world.zhou, to_area=third
        )
    return world.scope_handover


def pages(world) -> dict:
    pk = {"pk": _handover(world).pk}
    return {"handovers:accept": ("post", pk), "handovers:decline": ("post", pk)}


def api_calls(world) -> dict:
    base = "/api/v1/handovers"
    pk = _handover(world).pk
    return {
        ("post", f"{base}/{{pk}}/accept"): (f"{base}/{pk}/accept", {}),
        ("post", f"{base}/{{pk}}/decline"): (f"{base}/{pk}/decline", {"reason": "x"}),
    }
