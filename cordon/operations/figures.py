"""Disinfection in the daily report and the dashboard. ``counts`` says what to count at a moment
(``core.tallies`` runs it, for the whole area or each part below it, for one moment or several);
``section`` makes one area's section of figures from the counts. ``cordon.reports.figures`` combines
every app's sections (see its docstring for the rules and the shape)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from cordon.core.tallies import Tally, list_url, make_fig, make_section, number
from cordon.operations.models import DisinfectionRound, DisinfectionTask


def counts(viewer, code, m) -> list:
    tasks = DisinfectionTask.objects.visible_to(viewer).within(code)
    done_today = Q(done_at__gte=m.start, done_at__lt=m.end)
    late = Q(planned_on__lt=m.day) & (Q(done_at__isnull=True) | Q(done_at__gte=m.as_of))
    return [
        Tally(
            DisinfectionRound.objects.filter(task__in=tasks.values("pk")),
            area_field="task__area_id",  # a task is in one area: its rounds, and it, count in one part
            aggregates={
                "done": Count("id", filter=done_today),
                "area": Sum("task__area_m2", filter=done_today),
                "overdue": Count("id", filter=late),
                "tasks_overdue": Count("task", filter=late, distinct=True),
            },
        )
    ]


def section(raw, teams: dict, code) -> dict:
    tasks_url = list_url("operations:tasks", area=code)
    return make_section(
        _("Disinfection"),
        {
            "teams": make_fig(
                _("Disinfection teams"),
                number(teams, "disinfection"),
                _("unit: teams"),
                list_url("forces:teams", kind="disinfection", area=code),
            ),
            "rounds_done": make_fig(
                _("Rounds done that day"), number(raw, "done"), _("unit: rounds"), tasks_url
            ),
            "area_m2": make_fig(_("Area disinfected that day"), float(number(raw, "area")), "m²"),
            "rounds_overdue": make_fig(_("Rounds overdue"), number(raw, "overdue"), _("unit: rounds")),
            "tasks_overdue": make_fig(
                _("Tasks with rounds overdue"),
                number(raw, "tasks_overdue"),
                _("unit: tasks"),
                list_url("operations:tasks", area=code, overdue=1),
            ),
        },
    )
