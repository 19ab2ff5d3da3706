"""The federation page: this server's key, its parent and children, what waits to be sent, what
came in; the commander adds a peer and imports a package file carried on a USB stick."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts import selectors as area_selectors
from cordon.core.forms import act_and_return
from cordon.federation import selectors, services

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
        stored = services.receive(upload.read(), via="file")
        return _("Version %(v)s of %(area)s's report of %(day)s received.") % {
            "v": stored.version,
            "area": stored.area.name,
            "day": stored.day,
        }

    return act_and_return(request, action, reverse("federation:index"))
