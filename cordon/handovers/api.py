"""/api/v1/handovers/: hand a person to another town, and the receiver's accept / decline — the page's
services, the same scope (a hand-over neither sent from nor addressed to the caller's areas is 404)."""

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema

from cordon.accounts.scope import get_visible_or_404, visible_area
from cordon.handovers import selectors, services
from cordon.people.models import Person

router = Router(tags=["handovers"])


class RequestIn(Schema):
    person: int
    to_area: str = Field(..., max_length=12)
    note: str = Field("", max_length=200)


class AcceptIn(Schema):
    area: str | None = Field(None, max_length=15)
    on: dt.date | None = None


class DeclineIn(Schema):
    reason: str = Field(..., max_length=200)


def _out(h) -> dict:
    return {
        "id": h.pk,
        "person": h.person_id,
        "from": h.area_id,
        "to": h.to_area_id,
        "status": h.status,
        "handed_on": h.handed_on.isoformat() if h.handed_on else None,
        "new_period": h.new_period_id,
        "decline_reason": h.decline_reason,
    }


def _found(request, pk: int):
    found = selectors.handovers_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/")
def handovers(request):
    return [_out(h) for h in selectors.handovers_for(request.user)[:200]]


@router.post("/")
def handover_request(request, payload: RequestIn):
    person = get_visible_or_404(Person.objects, request.user, pk=payload.person)
    to_area = selectors.receiving_town(payload.to_area)
    if to_area is None:
        raise Http404
    return _out(
        services.handover_request(actor=request.user, person=person, to_area=to_area, note=payload.note)
    )


@router.post("/{pk}/accept")
def handover_accept(request, pk: int, payload: AcceptIn):
    handover = _found(request, pk)
    area = visible_area(request.user, payload.area) if payload.area else None
    return _out(services.handover_accept(actor=request.user, handover=handover, area=area, on=payload.on))


@router.post("/{pk}/decline")
def handover_decline(request, pk: int, payload: DeclineIn):
    return _out(
        services.handover_decline(actor=request.user, handover=_found(request, pk), reason=payload.reason)
    )
