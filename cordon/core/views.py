from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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


def too_large(request, limit: int):
    message = _("The request is too large: at most %(size)s MB can be sent at once.") % {
        "size": f"{limit / 1024 / 1024:g}"
    }
    return _error(request, 413, "too_large", _("Request too large"), message)


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
