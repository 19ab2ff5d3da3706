"""The hand-overs page: those sent and received, the receiver's accept / decline, and the form that
hands a person over (from the person's page, or from a contact's row on the case page: prefilled
with the town the contact's address names)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import HANDOVER_RECEIVERS, HANDOVER_SENDERS
from cordon.accounts.scope import get_visible_or_404, has_role, require_role, visible_area
from cordon.cases.models import ContactLink
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


def _contact(request, person):
    """The contact link the form was opened from (the case page's button), through the scope: another
    village's contact answers 404, as one that does not exist; a link of another person too."""
    pk = request.GET.get("contact") or request.POST.get("contact")
    if not pk:
        return None
    link = get_visible_or_404(ContactLink.objects.select_related("case__person"), request.user, pk=pk)
    if link.person_id != person.pk:
        raise Http404
    return link


@login_required
def new(request):
    person = get_visible_or_404(
        Person.objects.select_related("area"),
        request.user,
        pk=request.GET.get("person") or request.POST.get("person") or 0,
    )
    # Showing the form grants nothing, but it is not offered to a role that may not send it.
    require_role(request.user, person.area_id, *HANDOVER_SENDERS)
    contact = _contact(request, person)
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

        back = reverse("cases:detail", args=[contact.case_id]) + "#contacts" if contact else None
        return act_and_return(request, action, back or reverse("handovers:index"))
    home = selectors.home_towns([person]).get(person.pk)
    chosen = request.GET.get("to") or (home.code if home else "")
    note = ""
    if contact is not None:
        note = _("%(degree)s of %(case)s") % {
            "degree": contact.get_degree_display(),
            "case": contact.case.label,
        }
        if home is not None:
            note += _(", lives in %(town)s") % {"town": home.name}
    return render(
        request,
        "handovers/new.html",
        {
            "person": person,
            "towns": selectors.receiving_towns(person),
            "chosen": chosen,
            "home": home,
            "note": note[:200],
            "contact": contact,
            "pending": bool(selectors.pending_people([person.pk])),
        },
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
