"""What enterprise supervision tells people: an inspection finding past its rectification deadline.

``raise_overdue_findings`` is time's event, run hourly by the job worker (``enterprises.jobs``): each
finding is raised once (its key) to the command staff, the field teams and the village head over the
enterprise's area, with a task that closes when the finding is confirmed rectified.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.enterprises.models import Finding
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind

# Who re-inspects (the town's supervision staff, the field teams) and who answers for the village.
TOLD = (Role.COMMAND_STAFF, Role.FIELD_TEAM, Role.VILLAGE_HEAD)
# Deadlines that passed longer ago than this are not raised any more (the list still shows them).
WINDOW_DAYS = 7


def finding_key(finding: Finding) -> str:
    return f"{Kind.FINDING_OVERDUE}:{finding.pk}"


def raise_overdue_findings(*, now: dt.datetime | None = None) -> int:
    """Every open finding whose deadline passed (in the last week); returns how many."""
    today = timezone.localtime(now or timezone.now()).date()
    findings = (
        Finding.objects.overdue(today)
        .filter(deadline__gte=today - dt.timedelta(days=WINDOW_DAYS))
        .select_related("inspection__enterprise")
    )
    raised = 0
    for finding in findings.iterator(chunk_size=500):
        enterprise = finding.inspection.enterprise
        notifications.notify(
            kind=Kind.FINDING_OVERDUE,
            key=finding_key(finding),
            area=enterprise.area_id,
            roles=TOLD,
            subject=_("Finding past its deadline: %(enterprise)s") % {"enterprise": enterprise.name[:60]},
            text=_("“%(finding)s” was to be rectified by %(day)s. Re-inspect or confirm the rectification.")
            % {"finding": finding.description[:120], "day": finding.deadline.strftime("%m-%d")},
            link=reverse("enterprises:detail", args=[enterprise.pk]),
        )
        raised += 1
    return raised


def finding_rectified(*, finding: Finding) -> None:
    notifications.tasks_close(key=finding_key(finding))
