"""/api/v1/federation/: packages from child servers (no account: the signature is the authority),
this server's public key, its peers and its queue (for the command centre)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from cordon.accounts.scope import get_visible_or_404, visible_area
from cordon.core.errors import ApiError
from cordon.federation import handovers, keys, receiving, selectors, services
from cordon.people.models import Person

router = Router(tags=["federation"])


@router.post("/packages", auth=None)
def receive(request):
    """Take a signed package (JSON as in docs/federation.md): a report, a hand-over of a person or the
    answer to one. 200 with what was stored; 409 when it was received before (a replay); 422 with the
    reason when refused (nothing stored)."""
    try:
        return receiving.take(request.body, via="api")
    except services.AlreadyReceived as exc:
        raise ApiError(409, "already_received", exc.messages[0]) from None


@router.get("/key")
def key(request):
    """This server's public key (give it to the parent and the children)."""
    return {"key_id": keys.key_id(), "public_key": keys.public_key_text()}


@router.get("/status")
def status(request):
    """The peers, the queued and delivered packages, the last packages received."""
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Only the command centre's commander sets up the other servers."))
    return selectors.overview()


class HandoverIn(Schema):
    person: int
    to_area: str = Field(..., max_length=12)
    to_name: str = Field("", max_length=100)
    note: str = Field("", max_length=200)


class RemoteAcceptIn(Schema):
    area: str | None = Field(None, max_length=15)
    on: dt.date | None = None


class RemoteDeclineIn(Schema):
    reason: str = Field(..., max_length=200)


def _handover(request, pk: int):
    found = selectors.handovers_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/handovers")
def handover_list(request):
    """Hand-overs of people to and from towns on other servers, as the caller's areas see them."""
    return [selectors.handover_out(h) for h in selectors.handovers_for(request.user)[:200]]


@router.post("/handovers")
def handover_send(request, payload: HandoverIn):
    """Hand a person to a town on another server: a signed package queued for that server."""
    person = get_visible_or_404(Person.objects, request.user, pk=payload.person)
    return selectors.handover_out(
        handovers.handover_send(
            actor=request.user,
            person=person,
            to_code=payload.to_area,
            to_name=payload.to_name,
            note=payload.note,
        )
    )


@router.post("/handovers/{pk}/accept")
def handover_accept(request, pk: int, payload: RemoteAcceptIn):
    handover = _handover(request, pk)
    area = visible_area(request.user, payload.area) if payload.area else None
    return selectors.handover_out(
        handovers.handover_accept(actor=request.user, handover=handover, area=area, on=payload.on)
    )


@router.post("/handovers/{pk}/decline")
def handover_decline(request, pk: int, payload: RemoteDeclineIn):
    return selectors.handover_out(
        handovers.handover_decline(actor=request.user, handover=_handover(request, pk), reason=payload.reason)
    )
