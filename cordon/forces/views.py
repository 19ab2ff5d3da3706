"""Pages of the forces: the personnel list (search, filters, export), registering a member, a member's
page. Teams and assignments: views_teams; the contribution record: views_contribution."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts.models import User
from cordon.accounts.permissions import COMMAND, FORCES_MANAGERS
from cordon.accounts.scope import (
    get_visible_or_404,
    has_role,
    has_role_anywhere,
    visible_area,
    visible_prefixes,
)
from cordon.accounts.selectors import area_choices, audit_history
from cordon.core import codes
from cordon.core.forms import act_and_return, add_service_errors, cleaned_or_raise
from cordon.core.privacy import mask_document, mask_phone
from cordon.forces import exports, selectors, services, services_assign
from cordon.forces.forms import AssignForm, PersonnelEditForm, PersonnelForm
from cordon.forces.models import Assignment, Personnel, Team

PAGE = 50
_SUBMISSIONS = "cordon_forces_submissions"


def remember_submission(request, key: str, pk: int) -> None:
    """Remember which record a form made, so the same form sent again answers that record."""
    if key:
        done = request.session.get(_SUBMISSIONS, {})
        done[key] = pk
        request.session[_SUBMISSIONS] = dict(list(done.items())[-20:])


def submitted(request, key: str) -> int | None:
    return request.session.get(_SUBMISSIONS, {}).get(key) if key else None


def require_manager(request) -> None:
    if not has_role_anywhere(request.user, *FORCES_MANAGERS):
        raise PermissionDenied(_("Your role does not manage the forces."))


def manager_areas(user) -> list[tuple[str, str]]:
    return area_choices(user, FORCES_MANAGERS)


def _filters(request):
    choices = area_choices(request.user)
    area = request.GET.get("area", "")
    area = area if any(area == code for code, _label in choices) else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Personnel.Kind.values else ""
    team = request.GET.get("team", "")
    team = int(team) if team.isdigit() else None
    return {
        "query": request.GET.get("q", "").strip()[:40],
        "kind": kind,
        "area": area,
        "team": team,
        "area_choices": choices,
    }


def _describe(filters: dict) -> str:
    parts = [filters["query"], dict(Personnel.Kind.choices).get(filters["kind"], "")]
    parts.append(dict(filters["area_choices"]).get(filters["area"], "").strip("\u3000"))
    return " · ".join(str(p) for p in parts if p) or _("everything in your areas")


def _export_area(user, filters: dict) -> str:
    if filters["area"]:
        return filters["area"]
    prefixes = visible_prefixes(user)
    return (prefixes[0] if prefixes and prefixes[0] else "000000000000").ljust(12, "0")[:12]


@login_required
def index(request):
    """The personnel list: search by name, filter by kind, village and team; phones masked; paged."""
    filters = _filters(request)
    rows = selectors.personnel_list(
        request.user, query=filters["query"], kind=filters["kind"], area=filters["area"], team=filters["team"]
    )
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "csv"):
        return exports.export_response(
            request.user,
            what="personnel",
            rows=rows,
            fmt=fmt,
            area_code=_export_area(request.user, filters),
            described=_describe(filters),
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    teams = list(
        Team.objects.visible_to(request.user)
        .filter(active=True)
        .order_by("area_id", "name")
        .values_list("pk", "name")[:500]
    )
    return render(
        request,
        "forces/personnel_list.html",
        {
            **filters,
            "page": page,
            "rows": [(p, mask_phone(p.phone)) for p in page.object_list],
            "query_string": query.urlencode(),
            "kinds": Personnel.Kind.choices,
            "teams": teams,
            "can_manage": has_role_anywhere(request.user, *FORCES_MANAGERS),
            "can_command": has_role_anywhere(request.user, *COMMAND),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def personnel_new(request):
    require_manager(request)
    choices = manager_areas(request.user)
    initial = {"submission": uuid.uuid4().hex}
    if len(choices) == 1:
        initial["area"] = choices[0][0]
    form = PersonnelForm(request.POST or None, area_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submitted(request, form.cleaned_data["submission"])
        if done:
            messages.info(request, _("This form was already saved; here is the record."))
            return redirect("forces:personnel", pk=done)
        try:
            area = visible_area(request.user, form.cleaned_data["area"])
            personnel, created = services.personnel_register(
                actor=request.user, area=area, person_data=form.person_data(), data=form.personnel_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            remember_submission(request, form.cleaned_data["submission"], personnel.pk)
            if created:
                messages.success(request, _("%(name)s joined the forces.") % {"name": personnel.person.name})
            else:
                messages.info(
                    request,
                    _("%(name)s is already in the forces; here is the record.")
                    % {"name": personnel.person.name},
                )
            return redirect("forces:personnel", pk=personnel.pk)
    return render(request, "forces/personnel_form.html", {"form": form})


def assign_form(user, assignee_area: str, data=None) -> AssignForm:
    """The assignment form for a team or a person of ``assignee_area``: the villages, checkpoints and
    coming shifts where they may be sent."""
    from django.utils import timezone

    from cordon.checkpoints.models import Checkpoint, DutyShift

    prefix = codes.prefix_of(assignee_area)
    areas = [(c, label) for c, label in area_choices(user, FORCES_MANAGERS) if codes.covers(prefix, c)]
    checkpoints = (
        Checkpoint.objects.visible_to(user, FORCES_MANAGERS).within(assignee_area).order_by("area_id", "name")
    )
    shifts = (
        DutyShift.objects.visible_to(user, FORCES_MANAGERS)
        .within(assignee_area)
        .filter(ends_at__gt=timezone.now())
        .select_related("checkpoint")
        .order_by("starts_at")[:100]
    )
    return AssignForm(
        data,
        area_choices=areas,
        checkpoint_choices=[(c.pk, c.name) for c in checkpoints[:300]],
        shift_choices=[
            (
                s.pk,
                f"{s.checkpoint.name} {timezone.localtime(s.starts_at):%m-%d %H:%M}"
                f"–{timezone.localtime(s.ends_at):%H:%M}",
            )
            for s in shifts
        ],
    )


def assign_targets(user, data: dict) -> dict:
    """The area, checkpoint and shift an assignment form names, each through the scope."""
    from cordon.checkpoints.models import Checkpoint, DutyShift

    return {
        "area": visible_area(user, data["area"]) if data.get("area") else None,
        "checkpoint": get_visible_or_404(Checkpoint.objects, user, pk=int(data["checkpoint"]))
        if data.get("checkpoint")
        else None,
        "shift": get_visible_or_404(
            DutyShift.objects.select_related("checkpoint"), user, pk=int(data["shift"])
        )
        if data.get("shift")
        else None,
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on"),
        "note": data.get("note", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def personnel_detail(request, pk: int):
    personnel = get_visible_or_404(
        Personnel.objects.select_related("person", "area", "account", "created_by"), request.user, pk=pk
    )
    can_manage = has_role(request.user, personnel.area_id, *FORCES_MANAGERS)
    edit_form = None
    if can_manage:
        initial = {
            f: getattr(personnel, f)
            for f in ("kind", "phone", "unit", "skills", "availability", "note", "active")
        }
        initial["account"] = personnel.account_id or ""
        accounts = {
            str(u.pk): u
            for u in User.objects.visible_to(request.user)
            .within(personnel.area_id)
            .order_by("username")[:300]
        }
        if personnel.account is not None:
            # The account already linked stays a choice wherever it belongs, or saving the form for a
            # phone number would unlink it (and the person's contribution with it).
            accounts.setdefault(str(personnel.account_id), personnel.account)
        edit_form = PersonnelEditForm(
            request.POST or None,
            initial=initial,
            account_choices=[(pk, u.display_name) for pk, u in accounts.items()],
        )
        if request.method == "POST" and edit_form.is_valid():
            try:
                services.personnel_update(
                    actor=request.user,
                    personnel=personnel,
                    data=edit_form.cleaned_data,
                    account=accounts.get(edit_form.cleaned_data["account"]),
                )
            except ValidationError as exc:
                add_service_errors(edit_form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("forces:personnel", pk=personnel.pk)
    elif request.method == "POST":
        raise PermissionDenied
    memberships = personnel.memberships.select_related("team").filter(
        team__in=Team.objects.visible_to(request.user)
    )
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(personnel=personnel)
        .select_related("checkpoint", "shift", "area")[:50]
    )
    return render(
        request,
        "forces/personnel_detail.html",
        {
            "personnel": personnel,
            "phone": personnel.phone if can_manage else mask_phone(personnel.phone),
            "document": mask_document(personnel.person.document_number),
            "memberships": list(memberships),
            "assignments": list(assignments),
            "edit_form": edit_form,
            "assign_form": assign_form(request.user, personnel.area_id) if can_manage else None,
            "can_manage": can_manage,
            "can_command": has_role(request.user, personnel.area_id, *COMMAND),
            "history": audit_history(personnel, request.user)[:20],
        },
    )


@login_required
@require_POST
def personnel_assign(request, pk: int):
    personnel = get_visible_or_404(Personnel.objects.select_related("person"), request.user, pk=pk)

    def action():
        data = cleaned_or_raise(assign_form(request.user, personnel.area_id, request.POST))
        services_assign.assignment_create(
            actor=request.user, personnel=personnel, **assign_targets(request.user, data)
        )
        return _("Assigned.")

    return act_and_return(request, action, reverse("forces:personnel", args=[personnel.pk]))
