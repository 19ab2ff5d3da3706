"""The command centre's dashboard: today's figures with the change since yesterday, the charts and the
grid of villages, for one area the viewer picks."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form
from cordon.reports import dashboard, services, upward
from cordon.reports.figures import figures_at


class DashboardForm(Form):
    area = forms.CharField(required=False, max_length=15)
    date = forms.DateField(label=_("As of"), required=False)
    days = forms.TypedChoiceField(
        label=_("Chart period"),
        coerce=int,
        required=False,
        empty_value=30,
        choices=[(d, _("%(n)s days") % {"n": d}) for d in dashboard.WINDOWS],
    )


def _moments(day, today):
    """The moment the figures are counted at and the one they are compared with: now and yesterday
    24:00 for today; that day's 24:00 and the day before's for a past day."""
    zone = timezone.get_current_timezone()
    midnight = timezone.make_aware(datetime.combine(day, time.min), zone)
    if day >= today:
        return timezone.now(), midnight
    return midnight + timedelta(days=1), midnight


@login_required
def index(request):
    """The dashboard of one area: a county (its towns side by side), a town (its villages), a village.

    Who may read it: the command centre (commander, command-centre staff), health workers and viewers,
    at the areas their roles reach. Village heads, clerks and guards may not, not even for their own
    village: every figure here links to the list it counts, and those lists (cases, contacts, passes
    at town level) are the command centre's — a clerk would see counts whose lists refuse them. Their
    village's figures are on their home page. Such a user gets a 403 (the page exists for everyone);
    an area outside the viewer's reach, or another town's, gets a 404 like a code that does not exist.
    """
    if not dashboard.reaches_dashboard(request.user):
        raise PermissionDenied(_("The dashboard is for the command centre, health workers and viewers."))
    form = DashboardForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else False
    params = form.cleaned_data if valid else {}
    areas = dashboard.dashboard_areas(request.user)
    area = dashboard.dashboard_area(request.user, (request.GET.get("area") or "").strip(), areas)
    today = timezone.localdate()
    day = min(params.get("date") or today, today)
    days = params.get("days") or 30
    as_of, before = _moments(day, today)
    # Above a town the default is what the areas below sent (their last sent version of the day and
    # of the day before); ?view=live counts the records now.
    children = services.readable_children(request.user, area)
    view = "live" if not children or request.GET.get("view") == "live" else "sent"
    status = None
    if view == "sent":
        now_figures, columns = upward.as_sent(viewer=request.user, area=area, children=children, day=day)
        # The change since the day before compares the same areas: those that have sent for the day.
        sent = {c["area"]["code"] for c in columns if not c.get("not_sent")}
        before_figures = upward.as_sent(
            viewer=request.user, area=area, children=children, day=day - timedelta(days=1), only=sent
        )[0]
        status = upward.reporting_status(viewer=request.user, area=area, children=children, day=day)
    else:
        # Now and yesterday 24:00 from the same queries.
        now_figures, before_figures = figures_at(viewer=request.user, area=area, moments=[as_of, before])
    groups = dashboard.figures_with_change(now_figures, before_figures)
    releases = now_figures.get("release_dates", [])[:7]
    context = {
        "form": form,
        "areas": areas,
        "area": area,
        "day": day,
        "today": today,
        "is_today": day == today,
        "days": days,
        "windows": dashboard.WINDOWS,
        "as_of": as_of,
        "groups": groups,
        "releases": releases,
        "charts": dashboard.charts(request.user, area, end=day, days=days, today=today),
        "grid": dashboard.area_grid(request.user, area),
        "status_labels": dashboard.status_labels(),
        "view": view,
        "has_children": bool(children),
        "reporting": status,
        "not_sent": now_figures.get("not_sent", []),
    }
    return render(request, "reports/dashboard.html", context)
