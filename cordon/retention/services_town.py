"""A town's command centre runs its own retention (the page and the API): once per submission, audited
as one run with what each kind removed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.core import audit
from cordon.core.models import AuditEntry
from cordon.retention import services
from cordon.retention.selectors import require_setter

RUN = "retention.run"


@transaction.atomic
def retention_run_town(
    *, actor: User, area: Area, key: str, today: dt.date | None = None
) -> tuple[AuditEntry, bool]:
    """Remove what is past the town's periods, as of ``today``, and record the run. ``key`` names the
    submission: the same key again (a double tap, a retried request) runs nothing and answers the
    first run, with ``True``. The town's row is locked so two submissions wait for each other."""
    require_setter(actor, area)
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise ValidationError({"key": _("The run has no valid submission key; reload the page.")})
    Area.objects.select_for_update().filter(pk=area.pk).first()
    done = AuditEntry.objects.filter(action=RUN, area_id=area.code, changes__key=key).first()
    if done is not None:
        return done, True
    today = today or timezone.localdate()
    rows = services.retention_run(actor=actor, today=today, area=area)
    entry = audit.record(
        actor=actor,
        action=RUN,
        target=area,
        area=area,
        changes={
            "key": key,
            "as_of": today.isoformat(),
            "rows": [{k: row[k] for k in ("kind", "days", "before", "count")} for row in rows],
        },
    )
    return entry, False
