"""/api/v1/reports/: the daily report (日报) and the figures behind it — the pages' services, the
same scope: an area the caller does not reach is 404, a role that may not read it 403."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from cordon.accounts.scope import get_visible_or_404
from cordon.federation import services as federation
from cordon.reports import services, upward
from cordon.reports.models import DailyReport
from cordon.reports.views_report import area_or_404

router = Router(tags=["reports"])


class GenerateIn(Schema):
    area: str = Field(..., max_length=15)
    date: str = Field(..., max_length=10)


class RemarksIn(Schema):
    remarks: str = Field("", max_length=2000)


class CorrectIn(Schema):
    reason: str = Field(..., max_length=200)


def _report(request, area: str, date: str, view: str | None = None) -> services.Report:
    found = area_or_404(request.user, area)
    day, as_of = services.parse_day(date)
    return services.report_for(viewer=request.user, area=found, day=day, as_of=as_of, view=view)


def _stored(request, report_id: int) -> DailyReport:
    return get_visible_or_404(
        DailyReport.objects.select_related("generated_by", "sent_by"), request.user, pk=report_id
    )


def _stored_dict(request, report: DailyReport) -> dict:
    area = area_or_404(request.user, report.area_id)  # the read roles apply to stored versions too
    return {
        **services.version_dict(report),
        "area": area.code,
        "date": report.day.isoformat(),
        "text": report.text,
        "remarks": report.remarks,
        "figures": report.figures,
    }


@router.get("/daily")
def daily(request, area: str, date: str = "now", view: str | None = None):
    """The report of ``area`` for ``date`` (YYYY-MM-DD or now). ``view``: ``stored`` (a town's
    default: the latest stored version when there is one, else the figures computed for that day),
    ``sent`` (above a town, the default: the areas below as they sent it, with who has reported) or
    ``live``; with its versions and the unresolved items."""
    return _report(request, area, date, view).as_dict()


@router.get("/status")
def reporting_status(request, area: str, date: str = "now"):
    """Who below ``area`` has reported ``date``: per area ``sent`` (已报送), ``not_sent`` (未报送),
    ``late`` (逾期) or ``corrected`` (已更正, with the versions); the deadline; the counts."""
    found = area_or_404(request.user, area)
    day, _as_of = services.parse_day(date)
    children = services.readable_children(request.user, found)
    return upward.reporting_status(viewer=request.user, area=found, children=children, day=day)


class DeadlineIn(Schema):
    area: str = Field(..., max_length=15)
    days_after: int = 1
    at: str = Field("10:00", max_length=5)


@router.post("/deadline")
def deadline(request, payload: DeadlineIn):
    """The command centre above a town sets when the areas below must have reported a day."""
    found = area_or_404(request.user, payload.area)
    try:
        at = dt.time.fromisoformat(payload.at)
    except ValueError:
        raise ValidationError({"at": _("Give the time as HH:MM, for example 10:00.")}) from None
    rule = upward.deadline_set(actor=request.user, area=found, days_after=payload.days_after, at=at)
    return {"area": rule.area_id, "days_after": rule.days_after, "at": rule.at.strftime("%H:%M")}


@router.get("/daily/versions")
def daily_versions(request, area: str, date: str):
    return [services.version_dict(v) for v in _report(request, area, date).versions]


@router.get("/figures")
def figures(request, area: str, date: str = "now"):
    """Only the figures (for dashboards): the same as the report's, computed for that day."""
    report = _report(request, area, date)
    return {"figures": report.figures, "columns": report.columns}


@router.post("/daily/generate")
def daily_generate(request, payload: GenerateIn):
    found = area_or_404(request.user, payload.area)
    day, _as_of = services.parse_day(payload.date)
    return _stored_dict(request, services.report_generate(actor=request.user, area=found, day=day))


@router.get("/daily/{report_id}")
def daily_version(request, report_id: int):
    return _stored_dict(request, _stored(request, report_id))


@router.post("/daily/{report_id}/remarks")
def daily_remarks(request, report_id: int, payload: RemarksIn):
    report = services.report_set_remarks(
        actor=request.user, report=_stored(request, report_id), remarks=payload.remarks
    )
    return _stored_dict(request, report)


@router.post("/daily/{report_id}/send")
def daily_send(request, report_id: int):
    return _stored_dict(
        request, federation.report_send(actor=request.user, report=_stored(request, report_id))
    )


@router.post("/daily/{report_id}/correct")
def daily_correct(request, report_id: int, payload: CorrectIn):
    report = services.report_correct(
        actor=request.user, report=_stored(request, report_id), reason=payload.reason
    )
    return _stored_dict(request, report)
