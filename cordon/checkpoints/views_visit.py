"""Self-registration at the gate (扫码登记): the QR code the guard shows, and the visitor's form.

The visitor's page needs no account: the signed link in the QR code is its key
(``services_visit``). It answers a forged or expired link as a closed checkpoint's, and after an
entry says only that it was received — nothing about anyone.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cordon.checkpoints import services_visit
from cordon.checkpoints.views_gate import _checkpoint
from cordon.core.qr import qr_svg

DEVICE_COOKIE = "cordon_visitor"
FIELDS = (
    "name",
    "document_number",
    "phone",
    "origin",
    "purpose",
    "visited_name",
    "visited_phone",
    "temperature",
)


@login_required
def visit_qr(request, pk: int):
    """The gate's self-registration QR code, for the guard to show (or print) at the start of a shift."""
    checkpoint = _checkpoint(request, pk)
    token = services_visit.visit_link_token(actor=request.user, checkpoint=checkpoint)
    url = request.build_absolute_uri(reverse("visit", args=[token]))
    return render(
        request,
        "checkpoints/visit_qr.html",
        {
            "checkpoint": checkpoint,
            "url": url,
            "qr": qr_svg(url, scale=6),
            "expires": services_visit.visit_link_expires(token),
        },
    )


def _network(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@never_cache
def visit(request, token: str):
    """The visitor's own entry: no login; the signed link is the key."""
    checkpoint = services_visit.checkpoint_for_link(token)
    if checkpoint is None:
        return render(request, "checkpoints/visit_gone.html", status=404)
    # The device: the form's cookie, set when the form was opened; a post without it (a script's) is
    # counted by its address instead.
    cookie = request.COOKIES.get(DEVICE_COOKIE, "")[:64]
    device = cookie or f"address:{_network(request)}"
    values = {field: request.POST.get(field, "") for field in FIELDS} if request.method == "POST" else {}
    errors, done, status = {}, False, 200
    if request.method == "POST":
        try:
            services_visit.visit_register(checkpoint=checkpoint, data=values, device=device)
        except services_visit.TooMany:
            errors, status = {"__all__": [_("Too many entries from here just now: ask the guard.")]}, 429
        except services_visit.ValidationError as exc:
            errors, status = exc.message_dict, 422
        else:
            done, values = True, {}
    response = render(
        request,
        "checkpoints/visit.html",
        {"checkpoint_name": checkpoint.name, "values": values, "errors": errors, "done": done},
        status=status,
    )
    response.set_cookie(
        DEVICE_COOKIE,
        cookie or secrets.token_hex(16),
        max_age=60 * 60 * 24 * 30,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@login_required
@require_POST
def visit_dismiss(request, pk: int, visit: int):
    """The guard dismisses a waiting self-registration (asked once on the page): it leaves the queue
    and what it held is erased."""
    checkpoint = _checkpoint(request, pk)
    try:
        services_visit.visit_dismiss(actor=request.user, checkpoint=checkpoint, pk=visit)
        messages.success(request, _("Self-registration dismissed; what it held is erased."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("checkpoints:gate", pk=checkpoint.pk)
