"""Pages of teams: the list (export), forming a team, a team's page with its members and assignments,
adding and removing members, choosing the leader, sending the team somewhere, calling it off."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts.permissions import COMMAND, FORCES_MANAGERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices, audit_history
from cordon.core.forms import act_and_return, add_service_errors, cleaned_or_raise
from cordon.core.privacy import mask_phone
from cordon.forces import exports, selectors, services, services_assign
from cordon.forces.forms import MemberForm, TeamForm
from cordon.forces.models import Assignment, Personnel, Team, TeamMember
from cordon.forces.views import (
    _export_area,
    assign_form,
    assign_targets,
    manager_areas,
    remember_submission,
    require_manager,
    submitted,
)
from cordon.people import validation


@login_required
def team_list(request):
    choices = area_choices(request.user)
    area = request.GET.get("area", "")
    area = area if any(area == code for code, _label in choices) else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Team.Kind.values else ""
    teams = selectors.team_list(request.user, kind=kind, area=area)
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "csv"):
        described = " · ".join(
            str(p)
            for p in (dict(Team.Kind.choices).get(kind, ""), dict(choices).get(area, "").strip("\u3000"))
            if p
        )
        return exports.export_response(
            request.user,
            what="teams",
            rows=teams,
            fmt=fmt,
            area_code=_export_area(request.user, {"area": area}),
            described=described or _("everything in your areas"),
        )
    teams = list(teams[:500])
    return render(
        request,
        "forces/team_list.html",
        {
            "teams": teams,
            "kind": kind,
            "kinds": Team.Kind.choices,
            "area": area,
            "area_choices": choices,
            "query_string": request.GET.urlencode(),
            "can_manage": has_role_anywhere(request.user, *FORCES_MANAGERS),
            "can_command": has_role_anywhere(request.user, *COMMAND),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request):
    require_manager(request)
    choices = manager_areas(request.user)
    initial = {"submission": uuid.uuid4().hex}
    if len(choices) == 1:
        initial["area"] = choices[0][0]
    form = TeamForm(request.POST or None, area_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submitted(request, form.cleaned_data["submission"])
        if done:
            messages.info(request, _("This form was already saved; here is the record."))
            return redirect("forces:team", pk=done)
        try:
            area = visible_area(request.user, form.cleaned_data["area"])
            team = services.team_create(actor=request.user, area=area, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            remember_submission(request, form.cleaned_data["submission"], team.pk)
            messages.success(request, _("The team %(name)s was formed.") % {"name": team.name})
            return redirect("forces:team", pk=team.pk)
    return render(request, "forces/team_form.html", {"form": form})


def _team(request, pk: int) -> Team:
    return get_visible_or_404(Team.objects.select_related("area", "leader__person"), request.user, pk=pk)


@login_required
def team_detail(request, pk: int):
    team = _team(request, pk)
    can_manage = has_role(request.user, team.area_id, *FORCES_MANAGERS)
    members = list(selectors.active_members(team))
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(team=team)
        .select_related("area", "checkpoint", "shift")[:50]
    )
    return render(
        request,
        "forces/team_detail.html",
        {
            "team": team,
            "members": [(m, mask_phone(m.personnel.phone)) for m in members],
            "former": list(
                TeamMember.objects.filter(team=team, left_on__isnull=False).select_related(
                    "personnel__person"
                )[:50]
            ),
            "assignments": list(assignments),
            "can_manage": can_manage,
            "can_command": has_role(request.user, team.area_id, *COMMAND),
            "member_form": MemberForm() if can_manage else None,
            "assign_form": assign_form(request.user, team.area_id) if can_manage else None,
            "history": audit_history(team, request.user)[:20],
        },
    )


def _find_personnel(user, team: Team, who: str) -> Personnel:
    """The member of the forces a typed ID number or name names, among those the user sees."""
    who = validation.normalize(who or "")
    visible = Personnel.objects.visible_to(user).select_related("person")
    compact = validation.compact(who).upper()
    if len(compact) == 18 and compact[:17].isdigit():
        found = list(visible.filter(person__document_number=compact)[:2])
    else:
        found = list(visible.filter(Q(person__name=who))[:6])
    if not found:
        raise ValidationError({"who": [_("No member of the forces found: register them first.")]})
    if len(found) > 1:
        raise ValidationError({"who": [_("Several members have this name: enter the ID number.")]})
    return found[0]


@login_required
@require_POST
def member_add(request, pk: int):
    team = _team(request, pk)

    def action():
        data = cleaned_or_raise(MemberForm(request.POST))
        personnel = _find_personnel(request.user, team, data["who"])
        services.team_member_add(actor=request.user, team=team, personnel=personnel, role=data["role"])
        return _("%(name)s joined the team.") % {"name": personnel.person.name}

    return act_and_return(request, action, reverse("forces:team", args=[team.pk]))


@login_required
@require_POST
def member_remove(request, pk: int):
    membership = _membership(request, pk)

    def action():
        services.team_member_remove(actor=request.user, membership=membership)
        return _("%(name)s left the team.") % {"name": membership.personnel.person.name}

    return act_and_return(request, action, reverse("forces:team", args=[membership.team_id]))


def _membership(request, pk: int) -> TeamMember:
    """A membership, reached through its team's scope."""
    teams = Team.objects.visible_to(request.user)
    membership = (
        TeamMember.objects.select_related("team", "personnel__person").filter(pk=pk, team__in=teams).first()
    )
    if membership is None:
        raise Http404(_("No such record."))
    return membership


@login_required
@require_POST
def team_leader(request, pk: int):
    membership = _membership(request, pk)

    def action():
        services.team_update(actor=request.user, team=membership.team, data={}, leader=membership.personnel)
        return _("%(name)s leads the team.") % {"name": membership.personnel.person.name}

    return act_and_return(request, action, reverse("forces:team", args=[membership.team_id]))


@login_required
@require_POST
def team_active(request, pk: int):
    team = _team(request, pk)
    active = request.POST.get("active") == "1"

    def action():
        services.team_update(actor=request.user, team=team, data={}, active=active)
        return _("The team is active again.") if active else _("The team was stood down.")

    return act_and_return(request, action, reverse("forces:team", args=[team.pk]))


@login_required
@require_POST
def team_assign(request, pk: int):
    team = _team(request, pk)

    def action():
        data = cleaned_or_raise(assign_form(request.user, team.area_id, request.POST))
        services_assign.assignment_create(actor=request.user, team=team, **assign_targets(request.user, data))
        return _("Assigned.")

    return act_and_return(request, action, reverse("forces:team", args=[team.pk]))


@login_required
@require_POST
def assignment_cancel(request, pk: int):
    assignment = get_visible_or_404(Assignment.objects, request.user, pk=pk)

    def action():
        services_assign.assignment_cancel(
            actor=request.user, assignment=assignment, reason=request.POST.get("reason", "")
        )
        return _("The assignment was called off.")

    back = (
        reverse("forces:team", args=[assignment.team_id])
        if assignment.team_id
        else reverse("forces:personnel", args=[assignment.personnel_id])
    )
    return act_and_return(request, action, back)
