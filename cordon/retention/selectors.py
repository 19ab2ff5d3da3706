"""What a town's command centre reads about retention: its periods by kind, what a run would remove
today (a dry run: nothing changes, nothing is recorded), and the history of settings and runs."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import RETENTION_SETTERS
from cordon.accounts.scope import require_role
from cordon.core import codes
from cordon.core.models import AuditEntry
from cordon.retention import services
from cordon.retention.models import RetentionPolicy


def require_setter(actor: User, area: Area) -> None:
    """Only a town, and only the roles that set its periods, read and run its retention: the page,
    the API and the run share this one rule with ``services.policy_set``."""
    require_role(actor, area, *RETENTION_SETTERS)
    if codes.level_of(area.code) != codes.TOWN:
        raise ValidationError(_("Retention periods are set by a town."))


def retention_overview(*, actor: User, area: Area, today: dt.date | None = None) -> dict:
    """Each kind of record with the town's period (``days`` None: not set, kept), and what a run
    today would remove: records dated before ``before``, ``count`` of them (a dry run)."""
    require_setter(actor, area)
    today = today or timezone.localdate()
    policies = {p.kind: p for p in RetentionPolicy.objects.filter(area=area).select_related("set_by")}
    due = {
        row["kind"]: row for row in services.retention_run(actor=actor, today=today, dry_run=True, area=area)
    }
    rows = []
    for kind, label in RetentionPolicy.Kind.choices:
        policy, preview = policies.get(kind), due.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": str(label),
                "days": policy.days if policy else None,
                "set_by": (policy.set_by.full_name or policy.set_by.username) if policy else "",
                "set_at": policy.set_at if policy else None,
                "before": dt.date.fromisoformat(preview["before"]) if preview else None,
                "count": preview["count"] if preview else None,
            }
        )
    return {
        "area": area,
        "as_of": today,
        "rows": rows,
        "due": sum(row["count"] or 0 for row in rows),
        "min_days": services.MIN_DAYS,
        "max_days": services.MAX_DAYS,
    }


def retention_history(*, actor: User, area: Area, limit: int = 50) -> list[AuditEntry]:
    """The town's retention trail, newest first: periods set, runs from the page or the API (with
    what each removed), and each kind removed by any run (the command line's included)."""
    require_setter(actor, area)
    return list(
        AuditEntry.objects.filter(area_id=area.code, action__startswith="retention.").order_by("-at", "-pk")[
            :limit
        ]
    )
