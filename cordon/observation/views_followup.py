"""Follow-up: assigning a period to a team member, a worker's own list, and who follows how many."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.scope import get_visible_or_404, has_role_anywhere
from cordon.observation import services_followup
from cordon.observation.models import Period


@login_required
@require_POST
def assign(request, pk: int):
    period = get_visible_or_404(Period.objects, request.user, pk=pk)
    raw = request.POST.get("worker", "")
    worker = None
    if raw.isdigit():
        worker = services_followup.followers_for(period.area_id).filter(pk=int(raw)).first()
        if worker is None:
            messages.error(request, _("Choose a member of this village's team."))
            return redirect("observation:period", pk=period.pk)
    try:
        services_followup.period_assign(actor=request.user, period=period, worker=worker)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Follow-up assigned.") if worker else _("Follow-up taken back."))
    return redirect("observation:period", pk=period.pk)


@login_required
def mine(request):
    return render(
        request, "observation/follow_up_mine.html", {"periods": services_followup.my_follow_ups(request.user)}
    )


@login_required
def load(request):
    can_see = has_role_anywhere(request.user, *services_followup.ASSIGNERS)
    rows = services_followup.follow_up_load(request.user) if can_see else []
    return render(request, "observation/follow_up_load.html", {"rows": rows, "can_see": can_see})
