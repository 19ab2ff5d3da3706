"""Reports upward: what the areas below sent, as they sent it, and who has sent.

A county works from what its towns sent, not from the records as they are now: the town's sent
report is the figure the town answered for (堂二里镇 sent 59 Hubei arrivals on the 21st; the live
count, with later registrations back-dated, says 63). So above a town the report has two views:

- **as sent** (the default above a town): each area below by its last *sent* version for the day,
  frozen, with that version and its time; an area that has not sent is shown as not sent (no figures
  filled in from the records); plus the area's own rows (a county's own road station), counted live;
  the total is their sum.
- **live**: everything counted from the records now (``services.compute``).

Reporting status of a day, per area below: ``sent`` (已报送), ``not_sent`` (未报送, before the
deadline), ``late`` (逾期: not sent by the deadline, or first sent after it), ``corrected`` (已更正:
more than one version sent; the versions listed). The deadline is set by the area above
(``ReportingDeadline``; 10:00 of the next day when not set).

Reports received from another server (federation) are stored as the same ``DailyReport`` rows, so
they show here exactly as the ones sent on this server.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import REPORT_DEADLINE_SETTERS
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.reports import figures as figs
from cordon.reports.models import DailyReport, ReportingDeadline

SENT, NOT_SENT, LATE, CORRECTED = "sent", "not_sent", "late", "corrected"
STATUS_LABELS = {
    SENT: pgettext_lazy("reporting status", "Reported"),
    NOT_SENT: pgettext_lazy("reporting status", "Not reported"),
    LATE: pgettext_lazy("reporting status", "Overdue"),
    CORRECTED: pgettext_lazy("reporting status", "Corrected"),
}
DEFAULT_DAYS_AFTER, DEFAULT_AT = 1, dt.time(10, 0)
OWN_LEVEL = "own"  # the column of an area's own rows beside its parts' sent reports


def deadline_of(area: Area, day: dt.date) -> dt.datetime:
    """The moment the areas below ``area`` must have sent their report of ``day``."""
    rule = ReportingDeadline.objects.filter(area=area).first()
    days, at = (rule.days_after, rule.at) if rule else (DEFAULT_DAYS_AFTER, DEFAULT_AT)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=days), at))


@transaction.atomic
def deadline_set(*, actor: User, area: Area, days_after: int, at: dt.time) -> ReportingDeadline:
    """The command centre of ``area`` (a county, a city) sets when the areas below it must report.

    Refuses a deadline before the end of the day reported or more than a week after it."""
    require_role(actor, area, *REPORT_DEADLINE_SETTERS)
    if codes.level_of(area.code) not in (codes.COUNTY, codes.CITY, codes.PROVINCE):
        raise ValidationError(_("A reporting deadline is set above the town."))
    if not 1 <= days_after <= 7:  # 1 day after at 00:00 is 24:00 of the day reported
        raise ValidationError(
            {"days_after": _("The deadline must fall between 24:00 of the day and a week after it.")}
        )
    rule, _created = ReportingDeadline.objects.update_or_create(
        area=area, defaults={"days_after": days_after, "at": at, "set_by": actor, "set_at": timezone.now()}
    )
    audit.record(
        actor=actor,
        action="report.deadline",
        target=rule,
        area=area,
        changes={"days_after": days_after, "at": at.strftime("%H:%M")},
    )
    return rule


def sent_versions(*, viewer: User, areas: list[Area], day: dt.date) -> dict[str, list[DailyReport]]:
    """Each area's sent versions of ``day``, oldest first (one query)."""
    found: dict[str, list[DailyReport]] = defaultdict(list)
    rows = (
        DailyReport.objects.visible_to(viewer)
        .filter(area__in=[a.code for a in areas], day=day, status=DailyReport.Status.SENT)
        .order_by("area_id", "version")
    )
    for report in rows:
        found[report.area_id].append(report)
    return found


def reporting_status(*, viewer: User, area: Area, children: list[Area], day: dt.date, now=None) -> dict:
    """Who below ``area`` has reported ``day``: one row per area below, and the counts per status."""
    now = now or timezone.now()
    deadline = deadline_of(area, day)
    versions = sent_versions(viewer=viewer, areas=children, day=day)
    rows = []
    for child in children:
        sent = versions.get(child.code, [])
        if len(sent) > 1:
            status = CORRECTED
        elif sent:
            status = LATE if sent[0].sent_at > deadline else SENT
        else:
            status = LATE if now > deadline else NOT_SENT
        rows.append(
            {
                "area": {"code": child.code, "name": child.name},
                "status": status,
                "label": str(STATUS_LABELS[status]),
                "first_sent_at": sent[0].sent_at.isoformat() if sent else None,
                "version": sent[-1].version if sent else None,
                "versions": [
                    {
                        "version": r.version,
                        "sent_at": r.sent_at.isoformat(),
                        "correction_reason": r.correction_reason,
                        "received": bool(r.received_from),
                    }
                    for r in sent
                ],
            }
        )
    counts = {key: sum(1 for r in rows if r["status"] == key) for key in STATUS_LABELS}
    return {
        "area": area.code,
        "date": day.isoformat(),
        "deadline": timezone.localtime(deadline).isoformat(),
        "counts": counts,
        "rows": rows,
    }


def as_sent(
    *, viewer: User, area: Area, children: list[Area], day: dt.date, only: set[str] | None = None
) -> tuple[dict, list[dict]]:
    """``area``'s figures for ``day`` as its areas below sent them: (total, columns). Each column is
    one area's last sent version (``sent`` says which version and when) or ``not_sent``; the last
    column is ``area``'s own rows, counted from the records (``own``). The total is their sum: a
    not-sent area adds nothing, and is not filled in from the records (``total["not_sent"]`` names
    it). ``only``: the codes of the areas below to sum, the others left out (the dashboard compares
    the day before over the areas that sent today)."""
    versions = sent_versions(viewer=viewer, areas=children, day=day)
    columns = []
    for child in children:
        if only is not None and child.code not in only:
            continue
        sent = versions.get(child.code)
        if sent:
            latest = sent[-1]
            column = dict(latest.figures["figures"])
            column["sent"] = {
                "version": latest.version,
                "sent_at": latest.sent_at.isoformat(),
                "received": bool(latest.received_from),
            }
        else:
            column = {
                "area": {"code": child.code, "name": child.name, "level": child.level},
                "not_sent": True,
            }
        columns.append(column)
    if children:
        as_of = figs.end_of_day(day) if day < timezone.localdate() else timezone.now()
        own = figs.own_level_figures(
            viewer=viewer, area=area, as_of=as_of, below=codes.level_of(children[0].code)
        )
        own = {
            **own,
            OWN_LEVEL: True,
            "area": {**own["area"], "name": _("%(area)s (own level)") % {"area": area.name}},
        }
        columns.append(own)
    total = figs.summed(area, day, [c for c in columns if not c.get("not_sent")])
    missing = [c["area"]["name"] for c in columns if c.get("not_sent")]
    if missing:
        # A sum that lacks an area cannot say "nothing new that day" (零报告): it says who is missing.
        total["not_sent"] = missing
        total["zero_report"] = False
    return total, columns
