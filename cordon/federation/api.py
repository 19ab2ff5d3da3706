"""/api/v1/federation/: packages from child servers (no account: the signature is the authority),
this server's public key, its peers and its queue (for the command centre)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router

from cordon.core.errors import ApiError
from cordon.federation import keys, selectors, services

router = Router(tags=["federation"])


@router.post("/packages", auth=None)
def receive(request):
    """Take a signed package (JSON as in docs/federation.md). 200 with what was stored; 409 when it
    was received before (a replay); 422 with the reason when refused (nothing stored)."""
    try:
        stored = services.receive(request.body, via="api")
    except services.AlreadyReceived as exc:
        raise ApiError(409, "already_received", exc.messages[0]) from None
    return {"area": stored.area_id, "date": stored.day.isoformat(), "version": stored.version}


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
