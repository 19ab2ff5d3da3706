from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cordon.accounts.selectors import roles_of
from cordon.reports.selectors import home_overview


@login_required
def home(request):
    roles = roles_of(request.user)
    return render(request, "reports/home.html", {"sections": home_overview(request.user), "roles": roles})
