"""What reporting upward tells people: a town's report received (the county's command centre), and a
town's report not sent by the deadline (the town, whose task it is, and the county waiting for it).

``report_received`` is called by the service that stores a sent report (``report_send``, and the
federation's receiving of a child server's package). ``raise_late_reports`` is time's event: the job
worker runs it hourly (``reports.jobs``); each late report is raised once (its key), and its task
closes when the report is sent.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, Role
from cordon.accounts.permissions import REPORT_SENDERS
from cordon.core import codes
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind
from cordon.reports import upward
from cordon.reports.models import DailyReport

# Who above a town reads what it sent: the county's command centre and its viewers.
RECEIVERS = (Role.COMMANDER, Role.COMMAND_STAFF, Role.VIEWER)
# How far back a deadline may have passed and still be raised (a new server does not raise a week
# of "late" for days before it ran; the worker runs hourly, so a day's margin is plenty).
LATE_WINDOW = dt.timedelta(days=1)


def late_key(area_code: str, day: dt.date) -> str:
    return f"{Kind.REPORT_LATE}:{area_code}:{day.isoformat()}"


def _status_link(parent: str | None, day: dt.date) -> str:
    query = f"?area={parent}&date={day.isoformat()}" if parent else f"?date={day.isoformat()}"
    return reverse("reports:status") + query


def report_received(*, report: DailyReport) -> None:
    """A town sent (or a child server delivered) its report of a day: the area above is told. The
    town's own late task, if any, closes."""
    notifications.tasks_close(key=late_key(report.area_id, report.day))
    parent_code = codes.parent_of(report.area_id)
    parent = Area.objects.filter(code=parent_code).first() if parent_code else None
    if parent is None:
        return
    name = Area.objects.filter(code=report.area_id).values_list("name", flat=True).first() or report.area_id
    late = report.sent_at and report.sent_at > upward.deadline_of(parent, report.day)
    text = _("%(area)s sent its report of %(day)s (version %(version)s).") % {
        "area": name,
        "day": report.day.strftime("%m-%d"),
        "version": report.version,
    }
    if late:
        text += _(" It came after the deadline.")
    notifications.notify(
        kind=Kind.REPORT_RECEIVED,
        key=f"{Kind.REPORT_RECEIVED}:{report.pk}",
        area=parent.code,
        roles=RECEIVERS,
        subject=_("Report received: %(area)s") % {"area": name},
        text=text,
        link=_status_link(parent.code, report.day),
        task=False,
    )


def raise_late_reports(*, now: dt.datetime | None = None) -> int:
    """Every town whose report of a day was due in the last day and is not sent: the town's command
    centre gets a task (closed when it sends), the county's is told. Safe to run any number of times."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    towns = list(Area.objects.filter(level=codes.TOWN).only("code", "name"))
    parents = {a.code: a for a in Area.objects.filter(code__in={codes.parent_of(t.code) for t in towns})}
    raised = 0
    deadlines: dict[str, dict[dt.date, dt.datetime]] = {}
    for town in towns:
        parent = parents.get(codes.parent_of(town.code))
        if parent is None:
            continue
        per_day = deadlines.setdefault(parent.code, {})
        for back in range(1, 9):
            day = today - dt.timedelta(days=back)
            if day not in per_day:
                per_day[day] = upward.deadline_of(parent, day)
            deadline = per_day[day]
            if not (now - LATE_WINDOW < deadline <= now):
                continue
            if DailyReport.objects.filter(
                area_id=town.code, day=day, status=DailyReport.Status.SENT
            ).exists():
                continue
            notifications.notify(
                kind=Kind.REPORT_LATE,
                key=late_key(town.code, day),
                area=town.code,
                roles=(*REPORT_SENDERS, Role.VIEWER),
                subject=_("Report not sent: %(area)s, %(day)s")
                % {"area": town.name, "day": day.strftime("%m-%d")},
                text=_("The daily report of %(day)s was due at %(deadline)s and has not been sent.")
                % {
                    "day": day.strftime("%m-%d"),
                    "deadline": timezone.localtime(deadline).strftime("%m-%d %H:%M"),
                },
                link=reverse("reports:daily") + f"?area={town.code}&date={day.isoformat()}",
            )
            raised += 1
    return raised
