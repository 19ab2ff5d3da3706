from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cordon.accounts.permissions import CHECKPOINT_MANAGERS, GUARDS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices, audit_history
from cordon.checkpoints import selectors, services
from cordon.checkpoints.forms import CheckpointFilterForm, CheckpointForm
from cordon.checkpoints.models import Checkpoint
from cordon.core.forms import add_service_errors


@login_required
def checkpoint_list(request):
    choices = area_choices(request.user)
    form = CheckpointFilterForm(request.GET or None, area_choices=choices)
    filters = form.cleaned_data if form.is_valid() else {}
    checkpoints = selectors.checkpoints_for(
        request.user,
        area_code=filters.get("area", ""),
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(checkpoints, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "counts": selectors.checkpoint_counts(checkpoints),
        "can_create": has_role_anywhere(request.user, *CHECKPOINT_MANAGERS),
        "query_string": _without_page(request),
    }
    template = "checkpoints/_checkpoint_rows.html" if request.htmx else "checkpoints/checkpoint_list.html"
    return render(request, template, context)


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def checkpoint_detail(request, pk: int):
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    can_edit = has_role(request.user, checkpoint.area_id, *CHECKPOINT_MANAGERS)
    return render(
        request,
        "checkpoints/checkpoint_detail.html",
        {
            "checkpoint": checkpoint,
            "can_edit": can_edit,
            "can_log": has_role(request.user, checkpoint.area_id, *GUARDS),
            "history": audit_history(checkpoint, request.user)[:30],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_create(request):
    if not has_role_anywhere(request.user, *CHECKPOINT_MANAGERS):
        raise PermissionDenied(_("Only the command centre sets up checkpoints."))
    choices = area_choices(request.user, roles=CHECKPOINT_MANAGERS)
    form = CheckpointForm(
        request.POST or None, area_choices=choices, initial={"area": request.GET.get("area", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["area"] = visible_area(request.user, data["area"])
            checkpoint = services.checkpoint_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was set up.") % {"name": checkpoint.name})
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return render(request, "checkpoints/checkpoint_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_edit(request, pk: int):
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    if not has_role(request.user, checkpoint.area_id, *CHECKPOINT_MANAGERS):
        raise PermissionDenied(_("Only the command centre changes checkpoints."))
    initial = {f: getattr(checkpoint, f) for f in ("name", "kind", "location", "hours", "status", "note")}
    form = CheckpointForm(request.POST or None, area_choices=[], editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkpoint_update(actor=request.user, checkpoint=checkpoint, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("checkpoints:detail", pk=checkpoint.pk)
    return render(
        request,
        "checkpoints/checkpoint_form.html",
        {"form": form, "creating": False, "checkpoint": checkpoint},
    )
