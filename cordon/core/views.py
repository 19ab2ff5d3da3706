from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.accounts.scope import has_role_anywhere
from cordon.core import audit


@login_required
def audit_log(request):
    """The audit trail of the commander's areas, newest first, filterable by action, actor and date."""
    if not has_role_anywhere(request.user, Role.COMMANDER):
        raise PermissionDenied(_("Only the commander reads the audit log."))
    entries = audit.readable_entries(request.user)
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


def healthz(request):
    """For a load balancer or a monitoring script: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _error(request, status: int, code: str, title: str, message: str):
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message, "errors": []}, status=status)
    response = render(request, "error.html", {"title": title, "message": message}, status=status)
    response.cordon_page = True  # the app's own page (debug_not_found_middleware leaves it be)
    return response


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _("Your role does not allow this here.")
    return _error(request, 403, "forbidden", _("Not allowed"), message)


def page_not_found(request, exception=None):
    return _error(request, 404, "not_found", _("Not found"), _("No such page or record."))


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "message": _("Something went wrong on the server."), "errors": []},
            status=500,
        )
    # Rendered without the request's context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
