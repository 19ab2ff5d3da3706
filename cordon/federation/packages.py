"""Signed packages: the exchange format between Cordon servers (documented in docs/federation.md).

A package is JSON ``{"format": "cordon-package/1", "body": {...}, "signature": "<base64>"}``. The
signature is Ed25519 over the body's canonical form: UTF-8 JSON with sorted keys and no spaces
(``canonical``). The body names its kind, the signing key's id, the sender's area (a national
division code) and the moment it was made; the rest depends on the kind:

- ``daily_report``: ``report`` — the area, the day, the version, when it was sent, the figures
  and the columns exactly as the report's JSON has them, the text, the remarks, the reason of a
  correction, and the unresolved items (without links: they point into the sender's server).
- ``handover``: a person handed to a town on another server (``handovers``): the person's identity
  and contact, the period's dates and rules, the reason, the towns; ``handover_answer``: the
  receiver's accepted (with the day) or declined (with the reason).
"""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from cordon.federation import keys

FORMAT = "cordon-package/1"


def canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(body: dict) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def seal(*, kind: str, sender_area: str, content: dict) -> dict:
    """A package of ``kind`` from ``sender_area``, signed with this server's key."""
    body = {
        "kind": kind,
        "key_id": keys.key_id(),
        "sender": {"area": sender_area},
        "created_at": timezone.now().isoformat(),
        **content,
    }
    return {"format": FORMAT, "body": body, "signature": keys.sign(canonical(body))}


def report_content(report, unresolved: list[dict]) -> dict:
    """The ``report`` of a ``daily_report`` package from a sent ``DailyReport``."""
    return {
        "report": {
            "area": report.figures["figures"]["area"],
            "day": report.day.isoformat(),
            "version": report.version,
            "sent_at": report.sent_at.isoformat(),
            "figures": report.figures["figures"],
            "columns": report.figures.get("columns", []),
            "text": report.text,
            "remarks": report.remarks,
            "correction_reason": report.correction_reason,
            "unresolved": [{k: v for k, v in item.items() if k != "url"} for item in unresolved],
        }
    }
