"""The duty roster pages: a checkpoint's shifts (and adding one), and who is on duty now everywhere."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import ROSTER_KEEPERS
from cordon.accounts.scope import get_visible_or_404, has_role
from cordon.checkpoints import selectors, services_duty
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.core.forms import Form, act_and_return, add_service_errors
from cordon.forces.selectors import crews_at

DATETIME = {"type": "datetime-local"}


class ShiftForm(Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("From"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Until"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    people = forms.TypedMultipleChoiceField(
        label=gettext_lazy("On duty"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def roster(request, pk: int):
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    can_keep = has_role(request.user, checkpoint.area_id, *ROSTER_KEEPERS)
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=2)
    form = None
    if can_keep:
        guards = selectors.guards_for(checkpoint, request.user)
        plain = now.replace(minute=0, second=0, microsecond=0, tzinfo=None)
        form = ShiftForm(
            request.POST or None, initial={"starts_at": plain, "ends_at": plain + timedelta(hours=8)}
        )
        form.fields["people"].choices = [(u.pk, u.display_name or u.username) for u in guards]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services_duty.shift_save(
                    actor=request.user,
                    checkpoint=checkpoint,
                    starts_at=_aware(data["starts_at"]),
                    ends_at=_aware(data["ends_at"]),
                    people=[u for u in guards if u.pk in data["people"]],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The shift is on the roster."))
                return redirect("checkpoints:roster", checkpoint.pk)
    shifts = list(
        DutyShift.objects.visible_to(request.user)
        .filter(checkpoint=checkpoint, ends_at__gt=start, starts_at__lt=end)
        .prefetch_related("people")
    )
    return render(
        request,
        "checkpoints/roster.html",
        {
            "checkpoint": checkpoint,
            "crews": crews_at(request.user, [checkpoint.pk], now.date()).get(checkpoint.pk, []),
            "shifts": shifts,
            "now": now,
            "gaps": services_duty.gaps(checkpoint, max(start, now), end, shifts),
            "form": form,
        },
    )


@login_required
@require_POST
def shift_delete(request, pk: int):
    shift = get_visible_or_404(DutyShift.objects.select_related("checkpoint"), request.user, pk=pk)

    def action():
        services_duty.shift_delete(actor=request.user, shift=shift)
        return _("The shift was taken off the roster.")

    return act_and_return(request, action, reverse("checkpoints:roster", args=[shift.checkpoint_id]))


@login_required
def on_duty(request):
    """Every checkpoint of the viewer's areas: who is on duty now, and the next 24 hours' gaps."""
    now = timezone.now()
    checkpoints = list(selectors.checkpoints_for(request.user).exclude(status=Checkpoint.Status.CLOSED))
    shifts = (
        DutyShift.objects.visible_to(request.user)
        .filter(checkpoint__in=checkpoints, ends_at__gt=now, starts_at__lt=now + timedelta(hours=24))
        .prefetch_related("people")
    )
    by_checkpoint: dict[int, list] = {}
    for shift in shifts:
        by_checkpoint.setdefault(shift.checkpoint_id, []).append(shift)
    crews = crews_at(request.user, [c.pk for c in checkpoints], timezone.localdate())
    rows = []
    for checkpoint in checkpoints:
        mine = by_checkpoint.get(checkpoint.pk, [])
        rows.append(
            {
                "checkpoint": checkpoint,
                "crews": crews.get(checkpoint.pk, []),
                "now": [p for s in mine if s.starts_at <= now < s.ends_at for p in s.people.all()],
                "gaps": services_duty.gaps(checkpoint, now, now + timedelta(hours=24), mine),
            }
        )
    rows.sort(key=lambda r: (not r["gaps"], r["checkpoint"].area_id, r["checkpoint"].name))
    return render(
        request, "checkpoints/on_duty.html", {"rows": rows, "uncovered": sum(1 for r in rows if r["gaps"])}
    )
