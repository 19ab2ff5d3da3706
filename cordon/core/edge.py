"""What no field of any form, search or API body may hold, refused at the edge in one place.

A NUL byte in any text was a 500 on PostgreSQL (its text type cannot store it) on about 15 endpoints
and the web search; a time-zone offset past ±14:00 (``+18:01``) was a 500 too. Rather than a check per
field, every query parameter and form value (``edge_middleware``) and every string of a JSON body
(``EdgeParser``, the API's parser) is looked at once: control characters other than tab and line
breaks, date-times whose offset no place on Earth uses, and dates in years no record of Cordon's
can fall in (year 1, year 9999) are refused — 422 with the field for the
API, a 400 page naming the field for the web.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _
from ninja.parser import Parser

from cordon.core.errors import ApiError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An ISO date-time with an offset: 2020-02-21T08:00:00+18:01 (or +1801).
_OFFSET = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.]+([+-])(\d\d):?(\d\d)")
MAX_OFFSET_MINUTES = 14 * 60
# The years any date of Cordon's can fall in (a birth, an arrival, a lockdown's end); the ledger
# reader (people/validation/dates.py) holds dates to the same years.
EARLIEST_YEAR, LATEST_YEAR = 1880, 2099
# A date as the API, the forms (2020/02/03, 2020年2月3日) and the searches take it, maybe with a time.
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[T ][\d:.+\-Z ]*)?")


def problem(value: str) -> str:
    """Why a text is refused at the edge, or ""."""
    if _CONTROL.search(value):
        return _("Holds invisible control characters (such as NUL): delete them and send again.")
    value = value.strip()
    if len(value) > 40 or not value[:1].isdigit():
        return ""  # not a date: most values stop here
    match = _OFFSET.fullmatch(value)
    if match and int(match.group(2)) * 60 + int(match.group(3)) > MAX_OFFSET_MINUTES:
        return _(
            "The time-zone offset %(offset)s is not used anywhere: offsets run from -14:00 to +14:00."
        ) % {"offset": f"{match.group(1)}{match.group(2)}:{match.group(3)}"}
    match = _DATE.fullmatch(value)
    if match and not EARLIEST_YEAR <= int(match.group(1)) <= LATEST_YEAR:
        return _("The date %(value)s is not plausible: years run from %(earliest)s to %(latest)s.") % {
            "value": value[:10],
            "earliest": EARLIEST_YEAR,
            "latest": LATEST_YEAR,
        }
    return ""


def problems_in(data, path: str = "") -> list[dict]:
    """(field, message) for every refused string in a parsed JSON value, keys included."""
    found = []
    if isinstance(data, str):
        if message := problem(data):
            found.append({"field": path, "message": message})
    elif isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (message := problem(key)):
                found.append({"field": where, "message": message})
            found.extend(problems_in(value, where))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(problems_in(value, f"{path}.{index}" if path else str(index)))
    return found


def problems_in_querydict(data) -> list[dict]:
    found = []
    for key, values in data.lists():
        if message := problem(key):
            found.append({"field": key[:50], "message": message})
            continue
        for value in values:
            if isinstance(value, str) and (message := problem(value)):
                found.append({"field": key[:50], "message": message})
                break
    return found


def _refused(errors: list[dict]) -> ApiError:
    return ApiError(422, "invalid_characters", errors[0]["message"], errors)


class EdgeParser(Parser):
    """The API's JSON parser: the body as parsed, refused when a string in it is refused at the edge.

    A body must be a JSON object, or a list where the operation takes a list (``list_bodies``, the
    URL names the API records as it builds its URLs): django-ninja reads ``true`` or ``[]`` as an
    object with every field left out, so ``PATCH /people/{id}`` with the body ``true`` answered 200.
    """

    def __init__(self):
        self.list_bodies: set[str] = set()

    def parse_body(self, request):
        data = json.loads(request.body)
        takes_list = getattr(getattr(request, "resolver_match", None), "url_name", None) in self.list_bodies
        if not isinstance(data, dict) and not (takes_list and isinstance(data, list)):
            message = _("The request body must be a list.") if takes_list else None
            raise ApiError(422, "invalid_input", message or _("The request body must be a JSON object."))
        if errors := problems_in(data):
            raise _refused(errors)
        return data


# At most this much of a refused body is read to its end; past it, the connection is given up.
DRAIN_LIMIT = 32 * 1024 * 1024


def body_limit_middleware(get_response):
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (file uploads aside) answered 413 with a message
    before anything reads it — and read to its end, so the kept-alive connection carries the client's
    next request. Django answered a bare 400 without reading it, and gunicorn discards at most 64 KB
    of an unread body before closing the connection it had just announced as kept alive: the
    client's next request on it failed."""
    from django.conf import settings

    from cordon.core.views import too_large

    def middleware(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit or request.content_type == "multipart/form-data":
            return get_response(request)
        stream, left = request.META["wsgi.input"], min(length, DRAIN_LIMIT)
        while left > 0 and (chunk := stream.read(min(left, 64 * 1024))):
            left -= len(chunk)
        return too_large(request, limit)

    return middleware


def edge_middleware(get_response):
    """Refuse query parameters and form values that hold what no field may hold (see the module).

    The API and a query string answer at once (422 JSON; a 400 page). A web form's values go on to
    the view with the refused characters taken out — nothing downstream may see them — and
    ``request.POST.edge_problems`` naming each refused field, which every form of Cordon's shows as an
    error on that field (``core/forms.py``), the form re-rendered with what the user typed.

    A view that reads a value without a form (a reason, a note) cannot show that error. So the view
    runs in a transaction, and when a refused field was not shown by any form, everything it wrote
    is rolled back and the answer is the 400 page naming the field: nothing is stored with the
    characters silently taken out.
    """

    def middleware(request):
        errors = problems_in_querydict(request.GET)
        if errors:
            return _refuse(request, errors)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            errors = problems_in_querydict(request.POST)
            if errors and request.path.startswith("/api/"):
                return _refuse(request, errors)
            if errors:
                request.POST = _without_refused(request.POST)
                return _shown_or_refused(request, get_response, errors)
        return get_response(request)

    return middleware


def _shown_or_refused(request, get_response, errors: list[dict]):
    """The view's answer when every refused field was shown as an error on a form; else nothing it
    did is kept and the 400 page names the first field no form showed."""
    from django.db import transaction

    with transaction.atomic():
        response = get_response(request)
        unshown = [e for e in errors if e["field"] not in request.POST.edge_shown]
        if unshown:
            transaction.set_rollback(True)
    return _refuse(request, unshown) if unshown else response


def _without_refused(data):
    """A copy of a form's values with control characters taken out and impossible dates emptied, and
    the message for each such field in ``edge_problems``."""
    clean = data.copy()
    clean.edge_problems = {}
    clean.edge_shown = set()  # the fields a form has shown its refusal on (core/forms.py)
    for key, values in data.lists():
        kept = []
        for value in values:
            message = problem(value) if isinstance(value, str) else ""
            if message:
                clean.edge_problems.setdefault(key, message)
                value = _CONTROL.sub("", value)
                value = value if not problem(value) else ""
            kept.append(value)
        clean.setlist(key, kept)
    clean._mutable = False
    return clean


def _refuse(request, errors: list[dict]):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        error = _refused(errors)
        return JsonResponse({"code": error.code, "message": str(error.message), "errors": errors}, status=422)
    from django.shortcuts import render

    return render(
        request,
        "error.html",
        {
            "title": _("Bad request"),
            "message": _("The field %(field)s: %(message)s")
            % {"field": errors[0]["field"], "message": errors[0]["message"]},
            # A refused form: back to it (the browser's back keeps what was typed; the link, without
            # script, opens the page the form was on, if it was one of ours).
            "back": _same_site_referer(request) if request.method == "POST" else "",
        },
        status=400,
    )


def _same_site_referer(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    ok = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    return referer if ok else ""
