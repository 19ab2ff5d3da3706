"""Pages: the operations index, disinfection tasks (list with filters and counts, export, detail with
the round form, new task) and "every home of a case" from a case's page."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.models import Role
from cordon.accounts.permissions import (
    CASE_WORKERS,
    COUNSELLING_READERS,
    DISINFECTION_FROM_CASE,
    DISINFECTION_PLANNERS,
    DISINFECTION_RECORDERS,
    RUMOUR_REPORTERS,
)
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.cases.models import Case
from cordon.core.forms import add_service_errors, to_choose
from cordon.core.pictures import picture_type
from cordon.forces.models import Team
from cordon.operations import exports, services_disinfection
from cordon.operations.forms import RoundForm, ScheduleForm, TaskForm
from cordon.operations.models import DisinfectionRound, DisinfectionTask, Notice, Rumour

SCHEDULE_FIELDS = (
    "agent",
    "concentration",
    "concentration_unit",
    "method",
    "area_m2",
    "starts_on",
    "every_days",
    "rounds",
    "ends_on",
    "note",
)


@login_required
def index(request):
    """The field operations' start page: what is overdue, what is waiting."""
    today = timezone.localdate()
    tasks = DisinfectionTask.objects.visible_to(request.user)
    return render(
        request,
        "operations/index.html",
        {
            "overdue": services_disinfection.overdue_rounds(tasks, today).count(),
            "due_today": DisinfectionRound.objects.filter(
                task__in=tasks, planned_on=today, done_at__isnull=True
            ).count(),
            "drafts": Notice.objects.visible_to(request.user).filter(status=Notice.Status.DRAFT).count(),
            "open_rumours": Rumour.objects.visible_to(request.user).filter(status=Rumour.Status.OPEN).count(),
            "may_counsel": has_role_anywhere(request.user, *COUNSELLING_READERS),
            "may_plan": has_role_anywhere(request.user, *DISINFECTION_PLANNERS),
            "may_report": has_role_anywhere(request.user, *RUMOUR_REPORTERS),
        },
    )


def _team_choices(user) -> list[tuple[str, str]]:
    teams = Team.objects.visible_to(user).only("pk", "name").order_by("name")
    return [("", "—"), *((str(t.pk), t.name) for t in teams)]


def _team(user, value):
    if not value:
        return None
    return get_visible_or_404(Team.objects, user, pk=value)


@login_required
def task_list(request):
    """Tasks of the user's areas, filtered by area, kind and "overdue only"; counts of rounds per task
    and overall; exportable."""
    today = timezone.localdate()
    choices = area_choices(request.user)
    area = request.GET.get("area", "")
    area = area if any(area == code for code, _label in choices) else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in DisinfectionTask.Kind.values else ""
    overdue_only = request.GET.get("overdue") == "1"
    tasks = DisinfectionTask.objects.visible_to(request.user)
    if area:
        tasks = tasks.within(area)
    if kind:
        tasks = tasks.filter(kind=kind)
    case = request.GET.get("case", "")
    if case.isdigit() and has_role_anywhere(request.user, *CASE_WORKERS):  # a case's homes: clinical
        tasks = tasks.filter(case_id=int(case))
    overdue = services_disinfection.overdue_rounds(tasks, today).count()
    listed = tasks.with_counts(today).select_related("area", "team")
    if overdue_only:
        listed = listed.filter(rounds_overdue__gt=0)
    fmt = request.GET.get("export", "")
    if fmt in ("xlsx", "csv"):
        return exports.disinfection_export(request.user, listed[:20000], fmt, area_code=area)
    return render(
        request,
        "operations/task_list.html",
        {
            "tasks": list(listed[:200]),
            "total": tasks.count(),
            "overdue": overdue,
            "area": area,
            "area_choices": choices,
            "kind": kind,
            "kinds": DisinfectionTask.Kind.choices,
            "overdue_only": overdue_only,
            "may_plan": has_role_anywhere(request.user, *DISINFECTION_PLANNERS),
            "query": request.GET.urlencode(),
        },
    )


def _schedule_data(data: dict) -> dict:
    return {k: data.get(k) for k in SCHEDULE_FIELDS}


@login_required
def task_new(request):
    if not has_role_anywhere(request.user, *DISINFECTION_PLANNERS):
        raise PermissionDenied
    form = TaskForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate(), "client_id": uuid.uuid4().hex, "rounds": 7},
    )
    form.fields["area"].choices = to_choose(area_choices(request.user, DISINFECTION_PLANNERS))
    form.fields["team"].choices = _team_choices(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = visible_area(request.user, data["area"])
            task, _created = services_disinfection.task_create(
                actor=request.user,
                area=area,
                data={**_schedule_data(data), "kind": data["kind"], "target": data["target"]},
                team=_team(request.user, data["team"]),
                client_id=data["client_id"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Task planned: %(n)s rounds.") % {"n": task.rounds})
            return redirect("operations:task", task.pk)
    return render(request, "operations/task_form.html", {"form": form})


def _task(request, pk: int) -> DisinfectionTask:
    return get_visible_or_404(
        DisinfectionTask.objects.select_related("area", "team", "household", "case", "created_by"),
        request.user,
        pk=pk,
    )


def _round_form(rounds, today, data=None, files=None) -> RoundForm:
    """The round form offering the open rounds planned up to today (overdue ones marked), else the next."""
    open_rounds = [r for r in rounds if r.done_at is None]
    # Today's round first in mind: the crew records the round it just did; overdue ones stay offered.
    today_open = any(r.planned_on == today for r in open_rounds)
    form = RoundForm(data, files, initial={"planned_on": today.isoformat()} if today_open else None)
    form.fields["planned_on"].choices = [
        (r.planned_on.isoformat(), r.planned_on.strftime("%m-%d") + (" ⚠" if r.is_overdue(today) else ""))
        for r in open_rounds
        if r.planned_on <= today
    ] or [(r.planned_on.isoformat(), r.planned_on.strftime("%m-%d")) for r in open_rounds[:1]]
    return form


@login_required
def task_detail(request, pk: int):
    task = _task(request, pk)
    today = timezone.localdate()
    rounds = list(task.round_set.select_related("done_by"))
    may_record = has_role(request.user, task.area_id, *DISINFECTION_RECORDERS)
    form = None
    if may_record and any(r.done_at is None for r in rounds):
        form = _round_form(rounds, today)
    return render(
        request,
        "operations/task_detail.html",
        {
            "task": task,
            "rounds": rounds,
            "today": today,
            "done": sum(1 for r in rounds if r.done_at),
            "overdue": sum(1 for r in rounds if r.is_overdue(today)),
            # Whose home it is and which case: for the case's clinical readers only.
            "clinical": services_disinfection.may_see_case(request.user, task),
            "people": list(task.people.all())
            if services_disinfection.may_see_case(request.user, task)
            else [],
            "form": form,
        },
    )


@login_required
@require_POST
def round_record(request, pk: int):
    task = _task(request, pk)
    form = _round_form(list(task.round_set.all()), timezone.localdate(), request.POST, request.FILES)
    if not form.is_valid():
        problems = [
            f"{form.fields[f].label}：{e}" if f in form.fields else e
            for f, es in form.errors.items()
            for e in es
        ]
        messages.error(request, " ".join(problems))
        return redirect("operations:task", task.pk)
    data = form.cleaned_data
    try:
        round_, recorded = services_disinfection.round_record(
            actor=request.user,
            task=task,
            planned_on=data["planned_on"],
            done_at=data["done_at"],
            note=data["note"],
            photo=data["photo"],
        )
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages.error(request, " ".join(m for ms in problems.values() for m in ms))
    else:
        if recorded:
            messages.success(
                request, _("Round of %(day)s recorded.") % {"day": round_.planned_on.strftime("%m-%d")}
            )
        else:
            messages.info(request, _("This round was already recorded."))
    return redirect("operations:task", task.pk)


@login_required
def round_photo(request, pk: int, round_pk: int):
    """A round's photo, served only to those who see its task."""
    from django.http import FileResponse, Http404

    task = _task(request, pk)
    round_ = task.round_set.filter(pk=round_pk).exclude(photo="").first()
    if round_ is None:
        raise Http404
    try:
        photo = round_.photo.open("rb")
    except OSError as exc:
        raise Http404 from exc
    kind = picture_type(photo.read(12))
    photo.seek(0)
    if kind is None:
        raise Http404
    # The type from the bytes, never from the stored name; and the browser is told not to guess.
    response = FileResponse(photo, content_type=kind[0])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def from_case(request, case_pk: int):
    """Disinfection of every home of a case's person and of its contacts, in one action."""
    case = get_visible_or_404(
        Case.objects.select_related("person"), request.user, roles=DISINFECTION_FROM_CASE, pk=case_pk
    )
    homes, homeless = services_disinfection.homes_of_case(case, request.user)
    form = ScheduleForm(
        request.POST or None, initial={"starts_on": timezone.localdate(), "rounds": 1, "area_m2": 100}
    )
    form.fields["team"].choices = _team_choices(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services_disinfection.disinfection_for_homes(
                actor=request.user,
                case=case,
                data=_schedule_data(data),
                team=_team(request.user, data["team"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s homes to disinfect planned; %(m)s already had a task.")
                % {"n": len(result["created"]), "m": result["existing"]},
            )
            return redirect(f"{_list_url()}?case={case.pk}")
    return render(
        request,
        "operations/from_case.html",
        {
            "case": case,
            "homes": homes,
            "homeless": homeless,
            "form": form,
            "is_commander": has_role(request.user, case.area_id, Role.COMMANDER),
        },
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("operations:tasks")
