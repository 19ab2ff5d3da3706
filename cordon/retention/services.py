"""Retention: a town sets how long closed records are kept, by kind; ``cordon retention run`` removes
what is past it, audited.

- passages: deleted (with their occupants). The report's passage figures read the daily roll-up
  (``PassageDayCount``), which stays, so no figure of any report changes.
- counselling notes: anonymised — the concerns and the note are erased; the date, the mode and the
  link to the person stay (the counts of sessions are unchanged).
- access logs: deleted.

Sent reports keep their frozen figures whatever is removed: they are read from their stored JSON.
Completed observation periods of people not otherwise needed are not handled yet.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import RETENTION_SETTERS
from cordon.accounts.scope import require_role
from cordon.checkpoints.models import Passage
from cordon.core import audit, codes
from cordon.core.models import AccessLog
from cordon.operations.models import CounsellingSession
from cordon.retention.models import RetentionPolicy

MIN_DAYS = 28  # two observation periods: nothing is removed while it may still be asked about
ERASED = "（已按保留期限匿名化）"


@transaction.atomic
def policy_set(*, actor: User, area: Area, kind: str, days: int) -> RetentionPolicy:
    """The town's command centre sets how long ``kind`` is kept in its area (at least ``MIN_DAYS``)."""
    require_role(actor, area, *RETENTION_SETTERS)
    if codes.level_of(area.code) != codes.TOWN:
        raise ValidationError(_("Retention periods are set by a town."))
    if kind not in RetentionPolicy.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of record: %(kind)s.") % {"kind": kind}})
    if days < MIN_DAYS:
        raise ValidationError({"days": _("Keep records at least %(n)s days.") % {"n": MIN_DAYS}})
    policy, _created = RetentionPolicy.objects.update_or_create(
        area=area, kind=kind, defaults={"days": days, "set_by": actor, "set_at": timezone.now()}
    )
    audit.record(actor=actor, action="retention.set", target=policy, area=area, changes={kind: days})
    return policy


def _targets(policy: RetentionPolicy, cutoff: dt.date):
    code = policy.area_id
    if policy.kind == RetentionPolicy.Kind.PASSAGES:
        return Passage.objects.within(code).filter(day__lt=cutoff)
    if policy.kind == RetentionPolicy.Kind.COUNSELLING:
        return CounsellingSession.objects.within(code).filter(held_on__lt=cutoff).exclude(concerns=ERASED)
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return AccessLog.objects.within(code).filter(at__lt=start)


def retention_run(*, actor: User, today: dt.date | None = None, dry_run: bool = False) -> list[dict]:
    """Apply every town's periods: per policy, what is (or, with ``dry_run``, would be) removed. Each
    policy is one transaction and one audit entry; a dry run changes and records nothing."""
    today = today or timezone.localdate()
    results = []
    for policy in RetentionPolicy.objects.select_related("area").order_by("area_id", "kind"):
        cutoff = today - dt.timedelta(days=policy.days)
        with transaction.atomic():
            targets = _targets(policy, cutoff)
            count = targets.count()
            if count and not dry_run:
                if policy.kind == RetentionPolicy.Kind.COUNSELLING:
                    targets.update(concerns=ERASED, note="")
                else:
                    targets.delete()
                audit.record(
                    actor=actor,
                    action=f"retention.{policy.kind}",
                    target=policy,
                    area=policy.area_id,
                    changes={"before": cutoff.isoformat(), "count": count},
                )
        results.append(
            {
                "area": policy.area_id,
                "kind": policy.kind,
                "days": policy.days,
                "before": cutoff.isoformat(),
                "count": count,
                "done": not dry_run,
            }
        )
    return results
