"""Exports of the disinfection and notice lists (.xlsx or .csv), each written to the access log.

Counselling sessions are never exported: there is no function for them here, on purpose.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.selectors import top_areas
from cordon.core.access import log_access
from cordon.core.models import AccessLog
from cordon.core.spreadsheet_writers import Column, SheetSpec, csv_chunks, write_xlsx
from cordon.operations.models import DisinfectionTask, Notice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _disinfection_rows(tasks):
    kinds, methods = dict(DisinfectionTask.Kind.choices), dict(DisinfectionTask.Method.choices)
    for number, task in enumerate(tasks, start=1):
        yield (
            number,
            task.area.name,
            str(kinds[task.kind]),
            task.target,
            task.agent,
            task.concentration_label,
            str(methods[task.method]),
            task.area_m2,
            task.starts_on,
            task.every_days,
            task.rounds_total,
            task.rounds_done,
            task.rounds_overdue,
            task.team.name if task.team_id else "",
            task.note,
        )


def disinfection_columns() -> list[Column]:
    return [
        Column(_("No."), 6),
        Column(_("Area"), 12),
        Column(_("Target kind"), 10),
        Column(_("Target"), 24),
        Column(_("Agent"), 14),
        Column(_("Concentration"), 14),
        Column(_("Method"), 8),
        Column(_("Area covered (m²)"), 10),
        Column(_("First round"), 11),
        Column(_("Every how many days"), 8),
        Column(_("Rounds"), 6),
        Column(_("Done"), 6),
        Column(_("Overdue"), 6),
        Column(_("Team"), 14),
        Column(_("Note"), 24),
    ]


def _notice_rows(notices):
    statuses = dict(Notice.Status.choices)
    for number, notice in enumerate(notices, start=1):
        yield (
            number,
            notice.area.name,
            notice.title,
            "、".join(a.name for a in notice.audience.all()),
            "、".join(notice.channel_labels()),
            str(statuses[notice.status]),
            notice.published_at,
            notice.body,
        )


def notice_columns() -> list[Column]:
    return [
        Column(_("No."), 6),
        Column(_("Issued for"), 12),
        Column(_("Title"), 24),
        Column(_("Audience"), 20),
        Column(_("Channels"), 20),
        Column(_("Status"), 8),
        Column(_("Published at"), 16),
        Column(_("Text"), 40),
    ]


def export_response(
    *, user, fmt: str, title: str, columns, rows, count: int, filename: str, area_code: str = ""
):
    """The file as a download, its first line naming who made it and when; written to the access log."""
    when = timezone.now()
    line = _("Exported by %(who)s at %(when)s") % {
        "who": user.display_name,
        "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
    }
    if not area_code:
        tops = top_areas(user)
        area_code = tops[0].code if tops else ""
    if area_code:
        log_access(
            actor=user,
            kind=AccessLog.Kind.EXPORT,
            target_type="operations." + filename,
            target_label=title,
            area=area_code,
            detail={"format": fmt, "rows": count},
        )
    stamp = timezone.localtime(when).strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}.{fmt}"
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(title)}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks([c.header for c in columns], rows, header_lines=[line]),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type=XLSX)
        write_xlsx(
            response,
            [SheetSpec(name=title, columns=columns, rows=rows, header_lines=[line])],
            properties={"title": title, "author": user.display_name, "created": when},
        )
    response["Content-Disposition"] = disposition
    return response


def disinfection_export(user, tasks, fmt: str, area_code: str = ""):
    tasks = list(tasks)
    return export_response(
        user=user,
        fmt=fmt,
        title=_("Disinfection tasks"),
        columns=disinfection_columns(),
        rows=_disinfection_rows(tasks),
        count=len(tasks),
        filename="disinfection",
        area_code=area_code,
    )


def notice_export(user, notices, fmt: str, area_code: str = ""):
    notices = list(notices)
    return export_response(
        user=user,
        fmt=fmt,
        title=_("Notices"),
        columns=notice_columns(),
        rows=_notice_rows(notices),
        count=len(notices),
        filename="notices",
        area_code=area_code,
    )
