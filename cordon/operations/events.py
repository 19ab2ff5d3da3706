"""What field operations tell people: a disinfection round not done on its planned day.

``raise_overdue_rounds`` is time's event, run hourly by the job worker (``operations.jobs``): each
overdue round is raised once (its key) to the village head and the field team over the task's area,
with a task that closes when the round is recorded (``round_done``).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind
from cordon.operations.models import DisinfectionRound

# Who does the rounds, and who answers for the village's.
TOLD = (Role.VILLAGE_HEAD, Role.FIELD_TEAM)
# Rounds planned longer ago than this are not raised any more (a new server is not flooded with a
# campaign's history; the task page still shows them overdue).
WINDOW_DAYS = 7


def round_key(round_: DisinfectionRound) -> str:
    return f"{Kind.DISINFECTION_OVERDUE}:{round_.task_id}:{round_.planned_on.isoformat()}"


def raise_overdue_rounds(*, now: dt.datetime | None = None) -> int:
    """Every round planned before today (in the last week) and not done; returns how many."""
    today = timezone.localtime(now or timezone.now()).date()
    rounds = DisinfectionRound.objects.filter(
        done_at__isnull=True,
        planned_on__lt=today,
        planned_on__gte=today - dt.timedelta(days=WINDOW_DAYS),
    ).select_related("task")
    raised = 0
    for round_ in rounds.iterator(chunk_size=500):
        task = round_.task
        notifications.notify(
            kind=Kind.DISINFECTION_OVERDUE,
            key=round_key(round_),
            area=task.area_id,
            roles=TOLD,
            subject=_("Disinfection overdue: %(target)s") % {"target": task.target[:60]},
            text=_("The round of %(day)s (%(target)s, %(agent)s) has not been recorded.")
            % {"day": round_.planned_on.strftime("%m-%d"), "target": task.target[:80], "agent": task.agent},
            link=reverse("operations:task", args=[task.pk]),
        )
        raised += 1
    return raised


def round_done(*, round_: DisinfectionRound) -> None:
    """The round was recorded: its overdue task closes."""
    notifications.tasks_close(key=round_key(round_))
