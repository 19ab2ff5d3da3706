"""The hand-overs page: those sent and received, the receiver's accept / decline, and the form that
hands a person over (from the person's page, a contact's included)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import HANDOVER_RECEIVERS
from cordon.accounts.scope import get_visible_or_404, has_role, visible_area
from cordon.core.forms import act_and_return
from cordon.handovers import selectors, services
from cordon.people.models import Person


def _handover(request, pk: int):
    found = (
        selectors.handovers_for(request.user)
        .select_related("person", "area", "to_area")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def index(request):
    rows = list(selectors.handovers_for(request.user).select_related("person", "area", "to_area")[:200])
    for row in rows:
        row.may_decide = row.status == "pending" and has_role(
            request.user, row.to_area_id, *HANDOVER_RECEIVERS
        )
    return render(request, "handovers/index.html", {"handovers": rows})


@login_required
def new(request):
    person = get_visible_or_404(
        Person.objects.select_related("area"),
        request.user,
        pk=request.GET.get("person") or request.POST.get("person") or 0,
    )
    if request.method == "POST":

        def action():
            to_area = selectors.receiving_town(request.POST.get("to_area", ""))
            if to_area is None:
                raise ValidationError(_("Choose the town that takes the person."))
            services.handover_request(
                actor=request.user, person=person, to_area=to_area, note=request.POST.get("note", "")
            )
            return _("Hand-over asked; the person stays here until %(town)s accepts.") % {
                "town": to_area.name
            }

        return act_and_return(request, action, reverse("handovers:index"))
    return render(
        request, "handovers/new.html", {"person": person, "towns": selectors.receiving_towns(person)}
    )


@login_required
@require_POST
def accept(request, pk: int):
    handover = _handover(request, pk)

    def action():
        area = visible_area(request.user, request.POST.get("area") or handover.to_area_id)
        services.handover_accept(actor=request.user, handover=handover, area=area)
        return _("%(name)s taken over; the observation continues here with its dates.") % {
            "name": handover.person.name
        }

    return act_and_return(request, action, reverse("handovers:index"))


@login_required
@require_POST
def decline(request, pk: int):
    handover = _handover(request, pk)

    def action():
        services.handover_decline(
            actor=request.user, handover=handover, reason=request.POST.get("reason", "")
        )
        return _("Hand-over declined.")

    return act_and_return(request, action, reverse("handovers:index"))
