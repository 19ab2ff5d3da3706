"""The daily report's pages: the A4 page with its versions and the command centre's actions, and
the downloads (.xlsx, .json, .txt)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts import selectors as area_selectors
from cordon.accounts.permissions import REPORT_READERS
from cordon.accounts.scope import get_visible_or_404
from cordon.core.forms import act_and_return
from cordon.federation import services as federation
from cordon.reports import services, upward
from cordon.reports.models import DailyReport
from cordon.reports.report_xlsx import report_xlsx


def area_or_404(viewer, code: str):
    """The report's area, or 404 for an area the viewer does not reach (the same answer as for none)."""
    try:
        return services.report_area(viewer, code)
    except ValidationError:
        raise Http404 from None


def _requested(request):
    """(area, day, as_of, error) from ?area=&date=; the default is the viewer's own area, today."""
    code = request.GET.get("area", "")
    if not code:
        tops = area_selectors.top_areas(request.user)
        if not tops:
            raise PermissionDenied(_("Your role does not allow reading this report."))
        code = tops[0].code
    area = area_or_404(request.user, code)
    try:
        day, as_of = services.parse_day(request.GET.get("date", ""))
        error = ""
    except ValidationError as exc:
        day, as_of = services.parse_day("now")
        error = " ".join(exc.messages)
    return area, day, as_of, error


def _page_url(area_code: str, day) -> str:
    return reverse("reports:daily") + "?" + urlencode({"area": area_code, "date": day.isoformat()})


@login_required
def daily(request):
    area, day, as_of, error = _requested(request)
    report = services.report_for(
        viewer=request.user, area=area, day=day, as_of=as_of, view=request.GET.get("view")
    )
    version = request.GET.get("version", "")
    if version.isdigit():
        chosen = next((v for v in report.versions if v.version == int(version)), None)
        if chosen is None:
            raise Http404
        report.stored = chosen
        report.figures, report.columns = chosen.figures["figures"], chosen.figures.get("columns", [])
        report.text = chosen.text
        report.view = "stored"
    query = urlencode({"area": area.code, "date": day.isoformat()})
    return render(
        request,
        "reports/daily.html",
        {
            "report": report,
            "area": area,
            "day": day,
            "error": error,
            "query": query,
            "may_send": services.may_send(request.user, area),
            "is_latest": not report.versions or report.stored == report.versions[0],
            "areas": area_selectors.area_choices(request.user, REPORT_READERS),
        },
    )


@login_required
def daily_download(request, fmt: str):
    area, day, as_of, error = _requested(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = services.report_for(
        viewer=request.user, area=area, day=day, as_of=as_of, view=request.GET.get("view")
    )
    name = f"daily-{area.code}-{day.isoformat()}"
    if fmt == "json":
        response = JsonResponse(report.as_dict(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    elif fmt == "txt":
        response = HttpResponse(report.text + "\n", content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(
            report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def daily_generate(request):
    area = area_or_404(request.user, request.POST.get("area", ""))
    raw = request.POST.get("date", "")
    day = services.parse_day(raw)[0] if _is_date(raw) else None

    def action():
        report = services.report_generate(
            actor=request.user, area=area, day=day or services.parse_day(raw)[0]
        )
        return _("Draft version %(n)s made from the records.") % {"n": report.version}

    back = _page_url(area.code, day) if day else reverse("reports:daily") + f"?area={area.code}"
    return act_and_return(request, action, back)


def _is_date(raw: str) -> bool:
    try:
        services.parse_day(raw)
    except ValidationError:
        return False
    return True


def _stored(request, pk: int) -> DailyReport:
    return get_visible_or_404(DailyReport.objects, request.user, pk=pk)


@login_required
@require_POST
def daily_remarks(request, pk: int):
    report = _stored(request, pk)

    def action():
        services.report_set_remarks(
            actor=request.user, report=report, remarks=request.POST.get("remarks", "")
        )
        return _("Remarks saved.")

    return act_and_return(request, action, _page_url(report.area_id, report.day))


@login_required
@require_POST
def daily_send(request, pk: int):
    report = _stored(request, pk)

    def action():
        federation.report_send(actor=request.user, report=report)
        return _("Report sent. It can no longer change; a correction makes a new version.")

    return act_and_return(request, action, _page_url(report.area_id, report.day))


@login_required
@require_POST
def daily_correct(request, pk: int):
    report = _stored(request, pk)

    def action():
        correction = services.report_correct(
            actor=request.user, report=report, reason=request.POST.get("reason", "")
        )
        return _("Version %(n)s made as a correction; check it and send it.") % {"n": correction.version}

    return act_and_return(request, action, _page_url(report.area_id, report.day))


def json_text(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


@login_required
def reporting_status(request):
    """Who below the area has reported the day (已报送 / 未报送 / 逾期 / 已更正), and the deadline."""
    area, day, _as_of, error = _requested(request)
    children = services.readable_children(request.user, area)
    status = upward.reporting_status(viewer=request.user, area=area, children=children, day=day)
    return render(
        request,
        "reports/status.html",
        {
            "area": area,
            "day": day,
            "error": error,
            "status": status,
            "has_children": bool(children),
            "may_set": services.may_send(request.user, area) and bool(children),
            "deadline": upward.deadline_of(area, day),
            "areas": area_selectors.area_choices(request.user, REPORT_READERS),
        },
    )


@login_required
@require_POST
def deadline_set(request):
    area = area_or_404(request.user, request.POST.get("area", ""))

    def action():
        try:
            days = int(request.POST.get("days_after", ""))
            at = dt.time.fromisoformat(request.POST.get("at", ""))
        except ValueError:
            raise ValidationError(
                _("Give the deadline as a number of days and a time such as 10:00.")
            ) from None
        upward.deadline_set(actor=request.user, area=area, days_after=days, at=at)
        return _("Reporting deadline saved.")

    return act_and_return(request, action, reverse("reports:status") + f"?area={area.code}")
