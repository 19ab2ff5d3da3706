"""What the federation page and API show: the peers, the queue, what came in."""

from cordon.accounts.permissions import SERVER_LINKERS
from cordon.accounts.scope import has_role_anywhere
from cordon.federation import keys
from cordon.federation.models import Inbox, Outbox, Peer

SHOWN = 50


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
                "area_code": i.area_code,
                "day": i.day.isoformat() if i.day else None,
                "version": i.version,
                "received_at": i.received_at.isoformat(),
                "via": i.via,
            }
            for i in Inbox.objects.all()[:SHOWN]
        ],
    }
