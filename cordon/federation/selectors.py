"""What the federation page and API show: the peers, the queue, what came in, the hand-overs."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cordon.accounts.models import Area, visible_prefixes
from cordon.accounts.permissions import SERVER_LINKERS
from cordon.accounts.scope import has_role_anywhere
from cordon.core import codes
from cordon.core.scope import prefixes_q
from cordon.federation import keys
from cordon.federation.models import Inbox, Outbox, Peer, RemoteHandover

SHOWN = 50
KIND_LABELS = {
    "daily_report": _("Daily report"),
    "handover": _("Hand-over"),
    "handover_answer": _("Hand-over answer"),
}


def may_manage(user) -> bool:
    return user.is_superuser or has_role_anywhere(user, *SERVER_LINKERS)


def overview() -> dict:
    """Peers, outgoing packages (queued first) and the last packages received, as plain dicts."""
    return {
        "key_id": keys.key_id(),
        "public_key": keys.public_key_text(),
        "peers": [
            {"kind": p.kind, "name": p.name, "url": p.url, "area_code": p.area_code, "key_id": p.key_id}
            for p in Peer.objects.order_by("kind", "area_code")
        ],
        "outbox": [
            {
                "id": o.pk,
                "kind": o.kind,
                "kind_label": KIND_LABELS.get(o.kind, o.kind),
                "area_code": o.area_code,
                "day": o.day.isoformat() if o.day else None,
                "version": o.version,
                "status": o.status,
                "status_label": str(o.get_status_display()),
                "attempts": o.attempts,
                "next_attempt_at": o.next_attempt_at.isoformat() if o.next_attempt_at else None,
                "last_error": o.last_error,
                "peer": o.peer.name,
            }
            for o in Outbox.objects.select_related("peer").order_by("-status", "-id")[:SHOWN]
        ],
        "queued": Outbox.objects.filter(status=Outbox.Status.QUEUED).count(),
        "inbox": [
            {
                "kind": i.kind,
                "kind_label": KIND_LABELS.get(i.kind, i.kind),
                "area_code": i.area_code,
                "day": i.day.isoformat() if i.day else None,
                "version": i.version,
                "received_at": i.received_at.isoformat(),
                "via": i.via,
            }
            for i in Inbox.objects.all()[:SHOWN]
        ],
    }


def handovers_for(user):
    """Hand-overs across servers a user may see: those sent from their areas and those addressed to
    them (404 for anything else, as on one server)."""
    rows = RemoteHandover.objects.select_related("peer")
    if user.is_superuser:
        return rows
    prefixes = visible_prefixes(user)
    sent, received = prefixes_q("from_code", prefixes), prefixes_q("to_code", prefixes)
    if sent is None:
        return rows.none()
    return rows.filter(
        (sent & Q(direction=RemoteHandover.Direction.OUT))
        | (received & Q(direction=RemoteHandover.Direction.IN))
    )


def handover_out(h: RemoteHandover) -> dict:
    return {
        "id": h.pk,
        "uid": h.uid,
        "direction": h.direction,
        "status": h.status,
        "status_label": str(h.get_status_display()),
        "from": {"code": h.from_code, "name": h.from_name},
        "to": {"code": h.to_code, "name": h.to_name},
        "peer": h.peer.name,
        "person_name": h.person_name,
        "person": h.person_id,
        "period": h.period_id,
        "note": h.note,
        "requested_at": h.requested_at.isoformat(),
        "handed_on": h.handed_on.isoformat() if h.handed_on else None,
        "decline_reason": h.decline_reason,
    }


def places_in(town_code: str) -> list:
    """The receiving town and its villages: where an accepted person may be taken in."""
    prefix = codes.prefix_of(town_code)
    return list(Area.objects.filter(code__startswith=prefix).order_by("code").only("code", "name")[:100])


def handover_pending(person_ids) -> set:
    """Of ``person_ids``, those with a hand-over awaiting its receiver, on this server or sent to
    another: a person is handed over once at a time."""
    from cordon.handovers import selectors as handovers

    ids = list(person_ids)
    remote = RemoteHandover.objects.filter(
        person_id__in=ids, direction=RemoteHandover.Direction.OUT, status=RemoteHandover.Status.PENDING
    )
    return handovers.pending_people(ids) | set(remote.values_list("person_id", flat=True))
