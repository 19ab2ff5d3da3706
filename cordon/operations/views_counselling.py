"""Pages: counselling sessions — for counsellors and the commander only, a 404 to everyone else; every
list and every session shown is written to the access log; no export."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.permissions import COUNSELLING_READERS, COUNSELLORS
from cordon.accounts.scope import get_visible_or_404, has_role_anywhere
from cordon.accounts.selectors import top_areas
from cordon.core.forms import add_service_errors
from cordon.operations import services_counselling
from cordon.operations.forms import CounsellingForm
from cordon.operations.models import CounsellingSession
from cordon.people.models import Household, Person
from cordon.people.validation import parse_id_number


def _require_reader(request) -> None:
    # Not a 403: to anyone else the counselling pages do not exist.
    if not has_role_anywhere(request.user, *COUNSELLING_READERS):
        raise Http404


@login_required
def session_list(request):
    _require_reader(request)
    sessions = list(
        services_counselling.readable(request.user)
        .select_related("person", "household", "counsellor", "area")
        .order_by("-held_on", "-id")[:200]
    )
    tops = top_areas(request.user)
    if tops:
        services_counselling.log_read(actor=request.user, area=tops[0], count=len(sessions))
    today = timezone.localdate()
    return render(
        request,
        "operations/counselling_list.html",
        {
            "sessions": sessions,
            "follow_ups": [
                s for s in sessions if s.follow_up_needed and s.follow_up_on and s.follow_up_on >= today
            ],
            "today": today,
            "may_write": has_role_anywhere(request.user, *COUNSELLORS),
        },
    )


@login_required
def session_detail(request, pk: int):
    session = get_visible_or_404(
        CounsellingSession.objects.select_related("person", "household", "counsellor", "area"),
        request.user,
        roles=COUNSELLING_READERS,
        pk=pk,
    )
    services_counselling.log_read(actor=request.user, session=session)
    return render(request, "operations/counselling_detail.html", {"session": session})


def _subject(user, data: dict):
    """The person (by ID number) or household (by address) of the user's areas the session is with."""
    number = (data.get("id_number") or "").strip()
    address = (data.get("household_address") or "").strip()
    if number:
        try:
            number = parse_id_number(number, today=timezone.localdate()).number
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        person = Person.objects.visible_to(user).filter(document_number=number).first()
        if person is None:
            raise ValidationError({"id_number": [_("Not registered in your areas.")]})
        return person, None
    if address:
        # An address is unique in its village only: a town's counsellor may reach two "东街1号".
        found = list(Household.objects.visible_to(user).filter(address=address).select_related("area")[:2])
        if not found:
            raise ValidationError({"household_address": [_("No household with this address in your areas.")]})
        if len(found) > 1:
            raise ValidationError(
                {
                    "household_address": [
                        _("Households in %(villages)s have this address: give a member's ID number instead.")
                        % {"villages": "、".join(h.area.name for h in found)}
                    ]
                }
            )
        return None, found[0]
    raise ValidationError({"id_number": [_("Give the person's ID number or the household's address.")]})


@login_required
def session_new(request):
    _require_reader(request)
    if not has_role_anywhere(request.user, *COUNSELLORS):
        raise Http404
    initial = {"held_on": timezone.localdate(), "mode": "visit", "client_id": uuid.uuid4().hex}
    form = CounsellingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, household = _subject(request.user, data)
            session, _created = services_counselling.session_create(
                actor=request.user, data=data, person=person, household=household, client_id=data["client_id"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("operations:session", session.pk)
    return render(request, "operations/counselling_form.html", {"form": form})
