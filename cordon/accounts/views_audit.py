"""/audit/: the audit trail of the commander's areas, as a page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.accounts.scope import has_role_anywhere
from cordon.accounts.selectors import audit_entries
from cordon.core import audit


@login_required
def audit_log(request):
    """The audit trail of the commander's areas, newest first, filterable by action, actor and date."""
    if not has_role_anywhere(request.user, Role.COMMANDER):
        raise PermissionDenied(_("Only the commander reads the audit log."))
    entries = audit_entries(request.user)
    filters = {
        "action": request.GET.get("action", "").strip()[:60],
        "actor": request.GET.get("actor", "").strip()[:150],
        "since": request.GET.get("since", "").strip()[:10],
        "until": request.GET.get("until", "").strip()[:10],
    }
    if filters["action"]:
        entries = entries.filter(action__startswith=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_label__icontains=filters["actor"])
    since, until = parse_date_or_none(filters["since"]), parse_date_or_none(filters["until"])
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "filters": filters, "actions": audit.ACTION_LABELS, "query_string": query.urlencode()},
    )


def parse_date_or_none(value: str):
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None
