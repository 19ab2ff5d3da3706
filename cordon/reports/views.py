from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cordon.accounts.selectors import roles_of
from cordon.reports.selectors import home_overview
from cordon.reports.work import day_work


@login_required
def home(request):
    roles = list(roles_of(request.user))
    return render(
        request,
        "reports/home.html",
        {"work": day_work(request.user, roles), "sections": home_overview(request.user), "roles": roles},
    )
