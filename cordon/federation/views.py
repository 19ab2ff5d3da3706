"""The federation page: this server's key, its parent and children, what waits to be sent, what
came in; the commander adds a peer and imports a package file carried on a USB stick. And the
hand-overs of people to and from towns on other servers (the towns' staff, not only commanders)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts import selectors as area_selectors
from cordon.accounts.permissions import HANDOVER_RECEIVERS
from cordon.accounts.scope import get_visible_or_404, has_role, visible_area
from cordon.core.forms import act_and_return
from cordon.federation import handovers, receiving, selectors, services
from cordon.federation.models import Peer
from cordon.people.models import Person

MAX_FILE = 5 * 1024 * 1024


def _manager(request):
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Only the command centre's commander sets up the other servers."))


def _own_area(request) -> str:
    tops = area_selectors.top_areas(request.user)
    return tops[0].code if tops else ""


@login_required
def index(request):
    _manager(request)
    return render(
        request,
        "federation/index.html",
        {"data": selectors.overview(), "own_area": _own_area(request), "kinds": services.Peer.Kind.choices},
    )


@login_required
@require_POST
def peer_add(request):
    _manager(request)

    def action():
        peer = services.peer_add(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            url=request.POST.get("url", ""),
            area_code=request.POST.get("area_code", "").strip(),
            public_key=request.POST.get("public_key", ""),
            own_area=_own_area(request),
        )
        return _("%(peer)s added.") % {"peer": peer}

    return act_and_return(request, action, reverse("federation:index"))


@login_required
@require_POST
def package_import(request):
    _manager(request)

    def action():
        upload = request.FILES.get("package")
        if upload is None or upload.size > MAX_FILE:
            raise ValidationError(_("Choose a package file (.json, at most 5 MB)."))
        return receiving.take(upload.read(), via="file")["message"]

    return act_and_return(request, action, reverse("federation:index"))


def _handover(request, pk: int):
    found = selectors.handovers_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def handover_list(request):
    rows = list(selectors.handovers_for(request.user)[:200])
    for row in rows:
        row.may_decide = (
            row.direction == "in"
            and row.status == "pending"
            and (request.user.is_superuser or has_role(request.user, row.to_code, *HANDOVER_RECEIVERS))
        )
        if row.may_decide:
            row.places = selectors.places_in(row.to_code)
    return render(request, "federation/handovers.html", {"handovers": rows})


@login_required
def handover_new(request):
    person = get_visible_or_404(
        Person.objects.select_related("area"),
        request.user,
        pk=request.GET.get("person") or request.POST.get("person") or 0,
    )
    if request.method == "POST":

        def action():
            sent = handovers.handover_send(
                actor=request.user,
                person=person,
                to_code=request.POST.get("to_area", ""),
                to_name=request.POST.get("to_name", ""),
                note=request.POST.get("note", ""),
            )
            return _("Hand-over sent to %(peer)s; the person stays here until %(town)s accepts.") % {
                "peer": sent.peer.name,
                "town": sent.to_name,
            }

        return act_and_return(request, action, reverse("federation:handovers"))
    return render(
        request,
        "federation/handover_new.html",
        {"person": person, "peers": Peer.objects.order_by("area_code")},
    )


@login_required
@require_POST
def handover_accept(request, pk: int):
    handover = _handover(request, pk)

    def action():
        area = visible_area(request.user, request.POST.get("area") or handover.to_code)
        handovers.handover_accept(actor=request.user, handover=handover, area=area)
        return _("%(name)s taken over; the observation continues here with its dates.") % {
            "name": handover.person_name
        }

    return act_and_return(request, action, reverse("federation:handovers"))


@login_required
@require_POST
def handover_decline(request, pk: int):
    handover = _handover(request, pk)

    def action():
        handovers.handover_decline(
            actor=request.user, handover=handover, reason=request.POST.get("reason", "")
        )
        return _("Hand-over declined.")

    return act_and_return(request, action, reverse("federation:handovers"))
