"""Taking any package from another server (the API, the page's file, ``cordon federation import``):
verified once, then handed to what its kind needs — a report from a child, a hand-over of a person,
or the answer to a hand-over sent from here. A refused package stores nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cordon.federation import handovers, services


def take(package, *, via: str = "api") -> dict:
    """What was stored, as a dict with ``kind`` and a Chinese ``message`` (and the report's area, day
    and version for a report). Raises ``ValidationError`` (``AlreadyReceived`` for a replay)."""
    body, peer = services.verified(package)
    kind = body.get("kind")
    if kind == "daily_report":
        stored = services.receive(package, via=via)
        return {
            "kind": kind,
            "area": stored.area_id,
            "date": stored.day.isoformat(),
            "version": stored.version,
            "message": _("Version %(v)s of %(area)s's report of %(day)s received.")
            % {"v": stored.version, "area": stored.area.name, "day": stored.day},
        }
    if kind == "handover":
        found = handovers.handover_receive(body=body, peer=peer, package=package, via=via)
        return {
            "kind": kind,
            "id": found.pk,
            "uid": found.uid,
            "to": found.to_code,
            "message": _("%(from)s asks %(to)s to take %(name)s: awaiting the decision.")
            % {"from": found.from_name, "to": found.to_name, "name": found.person_name},
        }
    if kind == "handover_answer":
        found = handovers.answer_receive(body=body, peer=peer, package=package, via=via)
        return {
            "kind": kind,
            "id": found.pk,
            "uid": found.uid,
            "status": found.status,
            "message": _("%(to)s answered the hand-over of %(name)s: %(status)s.")
            % {"to": found.to_name, "name": found.person_name, "status": found.get_status_display()},
        }
    services._refuse(_("This server does not take packages of kind %(kind)s.") % {"kind": kind})
    return {}
