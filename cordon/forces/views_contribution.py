"""The contribution record (发现干部、重用人才): for the command centre only — a ranking (town-wide or
per team, sortable by each measure) and a per-person summary with commendations and notes. Anyone
else gets a 404, as for a record that does not exist."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import COMMAND
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere
from cordon.core.forms import act_and_return, cleaned_or_raise
from cordon.forces import selectors, services_assign
from cordon.forces.forms import CommendationForm
from cordon.forces.models import Commendation, Personnel, Team

MEASURE_LABELS = {
    "shifts": gettext_lazy("Shifts"),
    "passages": gettext_lazy("Passages logged"),
    "screenings": gettext_lazy("Screenings"),
    "checks": gettext_lazy("Health checks"),
    "rounds": gettext_lazy("Disinfection rounds"),
    "streak": gettext_lazy("Days without going home"),
    "commendations": gettext_lazy("Commendations"),
}


def _require_command(request) -> None:
    if not has_role_anywhere(request.user, *COMMAND):
        raise Http404(_("No such record."))


@login_required
def ranking(request):
    """The ranking: every member (or one team's), by a measure; 100 a page."""
    _require_command(request)
    by = request.GET.get("by", "shifts")
    by = by if by in MEASURE_LABELS else "shifts"
    team = None
    if request.GET.get("team", "").isdigit():
        team = get_visible_or_404(Team.objects, request.user, roles=COMMAND, pk=int(request.GET["team"]))
    people = Personnel.objects.visible_to(request.user, COMMAND).select_related("person", "area")
    if team is not None:
        people = people.filter(memberships__team=team, memberships__left_on__isnull=True)
    rows = selectors.ranking(request.user, list(people.order_by("id")[:5000]), by=by)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "forces/contribution.html",
        {
            "page": page,
            "by": by,
            "measures": MEASURE_LABELS.items(),
            "team": team,
            "teams": Team.objects.visible_to(request.user, COMMAND)
            .order_by("area_id", "name")
            .values_list("pk", "name")[:500],
            "query_string": f"by={by}" + (f"&team={team.pk}" if team else ""),
        },
    )


def _personnel(request, pk: int) -> Personnel:
    return get_visible_or_404(
        Personnel.objects.select_related("person", "area"), request.user, roles=COMMAND, pk=pk
    )


@login_required
def person(request, pk: int):
    """One member's figures, teams, commendations and notes."""
    personnel = _personnel(request, pk)
    figures = selectors.contribution(request.user, [personnel])[personnel.pk]
    return render(
        request,
        "forces/contribution_person.html",
        {
            "personnel": personnel,
            "figures": [(label, getattr(figures, key)) for key, label in MEASURE_LABELS.items()],
            "notes": list(
                Commendation.objects.visible_to(request.user, COMMAND)
                .filter(personnel=personnel)
                .select_related("written_by")[:100]
            ),
            "teams": list(personnel.memberships.filter(left_on__isnull=True).select_related("team")),
            "form": CommendationForm(initial={"kind": Commendation.Kind.COMMENDATION}),
        },
    )


@login_required
@require_POST
def commend(request, pk: int):
    personnel = _personnel(request, pk)

    def action():
        data = cleaned_or_raise(CommendationForm(request.POST))
        services_assign.commendation_write(
            actor=request.user, personnel=personnel, kind=data["kind"], text=data["text"]
        )
        return _("Written.")

    return act_and_return(request, action, reverse("forces:contribution_person", args=[personnel.pk]))
