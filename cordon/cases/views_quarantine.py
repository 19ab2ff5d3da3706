"""Pages for quarantine sites (occupancy per day) and the stays at them: placing a contact, releasing,
moving to hospital or elsewhere."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import CASE_WORKERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.cases import selectors, services_quarantine
from cordon.cases.forms import EndStayForm, PlaceForm, ReleaseForm, SiteForm
from cordon.cases.models import Placement, QuarantineSite
from cordon.cases.views import _link
from cordon.core.forms import act_and_return, add_service_errors, cleaned_or_raise


def _site(request, pk: int) -> QuarantineSite:
    return get_visible_or_404(QuarantineSite.objects, request.user, roles=CASE_WORKERS, pk=pk)


@login_required
def site_list(request):
    if not has_role_anywhere(request.user, *CASE_WORKERS):
        raise PermissionDenied
    today = timezone.localdate()
    sites = list(selectors.sites_visible(request.user).select_related("area"))
    rows = []
    for site in sites:
        days = services_quarantine.occupancy(site, today - timedelta(days=13), today)
        rows.append({"site": site, "today": days[today], "peak": max(days.values())})
    return render(request, "cases/site_list.html", {"rows": rows, "today": today})


@login_required
def site_form(request, pk: int | None = None):
    site = _site(request, pk) if pk else None
    if not has_role_anywhere(request.user, *CASE_WORKERS):
        raise PermissionDenied
    choices = area_choices(request.user, CASE_WORKERS)
    initial = {"is_active": True}  # the area starts unchosen (``to_choose``) unless there is only one
    if site is not None:
        initial = {field: getattr(site, field) for field in services_quarantine.SITE_FIELDS} | {
            "area": site.area_id
        }
    form = SiteForm(request.POST or None, area_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = visible_area(request.user, data.pop("area"))
            site = services_quarantine.site_save(actor=request.user, area=area, data=data, site=site)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:site", site.pk)
    return render(request, "cases/site_form.html", {"form": form, "site": site})


@login_required
def site_detail(request, pk: int):
    site = _site(request, pk)
    today = timezone.localdate()
    stays = list(site.placements.select_related("person", "period").order_by("left_on", "-placed_on")[:500])
    days = services_quarantine.occupancy(site, today - timedelta(days=27), today)
    return render(
        request,
        "cases/site_detail.html",
        {
            "site": site,
            "open": [s for s in stays if s.left_on is None],
            "ended": [s for s in stays if s.left_on is not None],
            "days": [(day, n, site.capacity - n) for day, n in sorted(days.items(), reverse=True)],
            "today": today,
            "held": days[today],
            "release_form": ReleaseForm(initial={"released_on": today}),
            "end_form": EndStayForm(initial={"ended_on": today}),
            "can_edit": has_role(request.user, site.area_id, *CASE_WORKERS),
        },
    )


@login_required
@require_POST
def contact_place(request, pk: int):
    link = _link(request, pk)

    def action():
        form = PlaceForm(request.POST, site_choices=selectors.site_choices(request.user))
        data = cleaned_or_raise(form)
        site = _site(request, data.pop("site"))
        services_quarantine.placement_create(
            actor=request.user, person=link.person, contact=link, site=site, **data
        )
        return _("%(name)s is placed at %(site)s.") % {"name": link.person.name, "site": site.name}

    return act_and_return(request, action, reverse("cases:detail", args=[link.case_id]) + "#contacts")


def _placement(request, pk: int) -> Placement:
    return get_visible_or_404(
        Placement.objects.select_related("site", "person"), request.user, roles=CASE_WORKERS, pk=pk
    )


@login_required
@require_POST
def placement_release(request, pk: int):
    placement = _placement(request, pk)

    def action():
        services_quarantine.placement_release(
            actor=request.user, placement=placement, **cleaned_or_raise(ReleaseForm(request.POST))
        )
        return _("%(name)s is released from quarantine.") % {"name": placement.person.name}

    return act_and_return(request, action, reverse("cases:site", args=[placement.site_id]))


@login_required
@require_POST
def placement_end(request, pk: int):
    placement = _placement(request, pk)

    def action():
        services_quarantine.placement_end(
            actor=request.user, placement=placement, **cleaned_or_raise(EndStayForm(request.POST))
        )
        return _("The stay has ended.")

    return act_and_return(request, action, reverse("cases:site", args=[placement.site_id]))
