"""The daily report (日报): reading it for an area and a day, and the command centre's draft → send.

Who: the command centre (commander, command staff) generates, remarks and sends; they and the
viewers above the town (county, city), village heads for their village and health workers read.
A sent report is frozen; a correction is a new version of the same day, both kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import REPORT_READERS, REPORT_SENDERS
from cordon.accounts.scope import has_role, require_role, visible_area
from cordon.core import audit, codes
from cordon.enterprises.models import Finding
from cordon.lockdowns.models import ExitPass
from cordon.observation.models import Alert, LabTest
from cordon.operations.models import DisinfectionRound, DisinfectionTask
from cordon.reports import events, upward
from cordon.reports import figures as figs
from cordon.reports.models import DailyReport
from cordon.reports.report_text import report_text
from cordon.reports.report_xlsx import column_value

UNRESOLVED_LIMIT = 50  # rows per kind on the page; the figures give the full counts


def parse_day(value: str, *, today: dt.date | None = None) -> tuple[dt.date, dt.datetime]:
    """``"now"`` or ``YYYY-MM-DD`` → (the day reported, the moment). A past day is reported as of its
    24:00; today's day as of now. Refuses a malformed or future date with a message saying why."""
    now = timezone.localtime()
    today = today or now.date()
    text = (value or "").strip()
    if text in ("", "now", "today"):
        return today, now
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {"date": _("Give the date as YYYY-MM-DD (for example 2020-02-21), or now.")}
        ) from None
    if day > today:
        raise ValidationError({"date": _("A report cannot be made for a day that has not come yet.")})
    return day, (now if day == today else figs.end_of_day(day))


def report_area(viewer: User, code: str) -> Area:
    """The area whose report ``viewer`` may read: one they reach ("no such area" otherwise), and a role
    there that reads reports."""
    area = visible_area(viewer, code)
    if not has_role(viewer, area, *REPORT_READERS):
        raise PermissionDenied(_("Your role does not allow reading this report."))
    return area


def may_send(viewer: User, area: Area) -> bool:
    return has_role(viewer, area, *REPORT_SENDERS)


@dataclass
class Report:
    """A report as shown: stored (frozen) or live (computed now for that day)."""

    area: Area
    day: dt.date
    figures: dict
    text: str
    unresolved: list[dict]
    columns: list[dict] = field(default_factory=list)  # a county: one column of figures per town
    stored: DailyReport | None = None
    versions: list[DailyReport] = field(default_factory=list)
    # Which figures are shown: "stored" (a version of this area's own report), "sent" (above a town:
    # the areas below as they sent them) or "live" (counted from the records now).
    view: str = "live"
    status: dict | None = None  # above a town: who has reported the day (``upward.reporting_status``)

    def tables(self) -> list[dict]:
        """The sections as tables for the page: each row a figure with its value per column (above a
        town) and in all."""
        tables = []
        for key, section in self.figures["sections"].items():
            rows = []
            for fkey, figure in section["figures"].items():
                per_column = [column_value(c, key, fkey) for c in self.columns]
                rows.append({**figure, "key": fkey, "columns": per_column})
            tables.append({"key": key, "label": section["label"], "rows": rows})
        return tables

    def as_dict(self) -> dict:
        stored = self.stored
        return {
            "area": self.figures["area"],
            "date": self.day.isoformat(),
            "version": stored.version if stored else None,
            "status": stored.status if stored else "live",
            "view": self.view,
            "reporting_status": self.status,
            "generated_at": stored.generated_at.isoformat() if stored else None,
            "sent_at": stored.sent_at.isoformat() if stored and stored.sent_at else None,
            "remarks": stored.remarks if stored else "",
            "text": self.text,
            "zero_report": self.figures["zero_report"],
            "figures": self.figures,
            "columns": self.columns,
            "unresolved": self.unresolved,
            "versions": [version_dict(v) for v in self.versions],
        }


def version_dict(report: DailyReport) -> dict:
    return {
        "id": report.pk,
        "version": report.version,
        "status": report.status,
        "generated_at": report.generated_at.isoformat(),
        "generated_by": report.generated_by.username,
        "sent_at": report.sent_at.isoformat() if report.sent_at else None,
        "sent_by": report.sent_by.username if report.sent_by else None,
        "correction_reason": report.correction_reason,
    }


def child_areas(area: Area) -> list[Area]:
    """The towns of a county (or the counties of a city): its columns side by side."""
    if codes.level_of(area.code) in (codes.TOWN, codes.VILLAGE, codes.GRID):
        return []
    return list(Area.objects.filter(parent=area).order_by("code"))


def compute(*, viewer: User, area: Area, day: dt.date, as_of: dt.datetime) -> tuple[dict, list[dict]]:
    """The figures of ``area`` and, above a town, one column per area below it (their sum is the area's
    own figures: each column is counted the same way over its own part), all in one pass of grouped
    queries however many areas there are below."""
    parts = [child for child in child_areas(area) if has_role(viewer, child, *REPORT_READERS)]
    return figs.figures_with_parts(viewer=viewer, area=area, as_of=as_of, parts=parts)


VIEWS = ("sent", "live", "stored")


def readable_children(viewer: User, area: Area) -> list[Area]:
    return [child for child in child_areas(area) if has_role(viewer, child, *REPORT_READERS)]


def report_for(
    *, viewer: User, area: Area, day: dt.date, as_of: dt.datetime, view: str | None = None
) -> Report:
    """The report of ``area`` for ``day`` in one of three views (``VIEWS``):

    - ``stored`` (a town's default): the latest stored version when there is one (its figures as
      frozen), else the figures computed now for that day;
    - ``sent`` (the default above a town): the areas below as they sent it, with the area's own rows
      and who has reported (``upward``); no stored version of the area's own is shown;
    - ``live``: computed now for that day, whatever is stored.

    Unresolved items are always as of the day asked."""
    children = readable_children(viewer, area)
    view = view if view in VIEWS else ("sent" if children else "stored")
    if view == "sent" and not children:
        view = "stored"
    versions = list(versions_of(viewer=viewer, area=area, day=day))
    stored = versions[0] if versions and view == "stored" else None
    status = None
    if children:
        status = upward.reporting_status(viewer=viewer, area=area, children=children, day=day)
    if stored:
        figures, columns, text = stored.figures["figures"], stored.figures.get("columns", []), stored.text
    elif view == "sent":
        figures, columns = upward.as_sent(viewer=viewer, area=area, children=children, day=day)
        text = report_text(figures, columns)
    else:
        figures, columns = compute(viewer=viewer, area=area, day=day, as_of=as_of)
        text = report_text(figures, columns)
        view = "live"
    if stored and "unresolved" in stored.figures:  # received from another server: as it sent them
        unresolved = stored.figures["unresolved"]
    else:
        unresolved = unresolved_items(viewer=viewer, area=area, day=day, as_of=as_of)
    return Report(
        area=area,
        day=day,
        figures=figures,
        text=text,
        unresolved=unresolved,
        columns=columns,
        stored=stored,
        versions=versions,
        view="stored" if stored else view,
        status=status,
    )


def versions_of(*, viewer: User, area: Area, day: dt.date):
    return (
        DailyReport.objects.visible_to(viewer)
        .filter(area=area, day=day)
        .select_related("generated_by", "sent_by")
        .order_by("-version")
    )


def unresolved_items(*, viewer: User, area: Area, day: dt.date, as_of: dt.datetime) -> list[dict]:
    """What was still open at the moment reported, each with a link to its record: open alerts,
    overdue test results, passes awaiting approval, overdue disinfection rounds, findings past their
    deadline. At most ``UNRESOLVED_LIMIT`` of each kind (the figures hold the full counts)."""
    code, n = area.code, UNRESOLVED_LIMIT
    items: list[dict] = []
    alerts = (
        Alert.objects.visible_to(viewer)
        .within(code)
        .filter(Q(opened_at__lt=as_of) & (Q(closed_at__isnull=True) | Q(closed_at__gte=as_of)))
        .select_related("period__person", "area")
        # Not the period's wide rows (its rules and plan): a county's list took 60 ms more with them.
        .only("opened_at", "kind", "area__name", "period__person__name")
        .order_by("opened_at")[:n]
    )
    for alert in alerts:
        items.append(
            _item(
                "alert",
                _("Open alert"),
                f"{alert.area.name} {alert.period.person.name} {alert.get_kind_display()}",
                timezone.localtime(alert.opened_at).strftime("%m-%d %H:%M"),
                reverse("observation:period", args=[alert.period_id]),
            )
        )
    tests = (
        LabTest.objects.visible_to(viewer)
        .within(code)
        .filter(sample_date__lte=day - dt.timedelta(days=figs.TEST_RESULT_DAYS))
        .filter(Q(result_date__isnull=True, result=LabTest.Result.PENDING) | Q(result_date__gt=day))
        .select_related("person", "area")
        .only("sample_date", "period_id", "area__name", "person__name")
        .order_by("sample_date")[:n]
    )
    for test in tests:
        url = reverse("observation:period", args=[test.period_id]) if test.period_id else ""
        items.append(
            _item(
                "test",
                _("Test result overdue"),
                f"{test.area.name} {test.person.name}",
                test.sample_date.isoformat(),
                url,
            )
        )
    passes = (
        ExitPass.objects.visible_to(viewer)
        .within(code)
        .filter(created_at__lt=as_of)
        .annotate(decided_at=Max("decisions__at"))
        .filter(
            Q(status__in=[ExitPass.Status.PENDING_VILLAGE, ExitPass.Status.PENDING_TOWN])
            | Q(decided_at__gte=as_of)
        )
        .select_related("area")
        .order_by("created_at")[:n]
    )
    for exit_pass in passes:
        items.append(
            _item(
                "pass",
                _("Exit pass awaiting approval"),
                f"{exit_pass.area.name} {exit_pass.destination}",
                timezone.localtime(exit_pass.created_at).strftime("%m-%d %H:%M"),
                reverse("lockdowns:pass", args=[exit_pass.pk]),
            )
        )
    rounds = (
        DisinfectionRound.objects.filter(
            task__in=DisinfectionTask.objects.visible_to(viewer).within(code).values("pk")
        )
        .filter(Q(planned_on__lt=day) & (Q(done_at__isnull=True) | Q(done_at__gte=as_of)))
        .select_related("task__area")
        .order_by("planned_on")[:n]
    )
    for round_ in rounds:
        items.append(
            _item(
                "disinfection",
                _("Disinfection round overdue"),
                f"{round_.task.area.name} {round_.task.target}",
                round_.planned_on.isoformat(),
                reverse("operations:task", args=[round_.task_id]),
            )
        )
    findings = (
        Finding.objects.visible_to(viewer)
        .within(code)
        .filter(inspection__inspected_on__lte=day, deadline__lt=day)
        .filter(Q(rectified_at__isnull=True) | Q(rectified_at__gte=as_of))
        .select_related("inspection__enterprise")
        .order_by("deadline")[:n]
    )
    for finding in findings:
        enterprise = finding.inspection.enterprise
        items.append(
            _item(
                "finding",
                _("Finding past its deadline"),
                f"{enterprise.name} {finding.description[:40]}",
                finding.deadline.isoformat(),
                reverse("enterprises:detail", args=[enterprise.pk]),
            )
        )
    return items


def _item(kind: str, label: str, text: str, when: str, url: str) -> dict:
    return {"kind": kind, "label": str(label), "text": text, "when": when, "url": url}


def _frozen(*, actor: User, area: Area, day: dt.date) -> tuple[dict, str]:
    """The figures a report freezes. A town's: counted from its records. Above a town: the sum of
    the areas below as they sent it (an area that has not sent adds nothing) and the area's own rows,
    each area's column saying which version it sent (``basis``: "sent")."""
    children = child_areas(area)
    if children:
        figures, columns = upward.as_sent(viewer=actor, area=area, children=children, day=day)
        return {"figures": figures, "columns": columns, "basis": "sent"}, report_text(figures, columns)
    as_of = figs.end_of_day(day) if day < timezone.localdate() else timezone.now()
    figures, columns = compute(viewer=actor, area=area, day=day, as_of=as_of)
    return {"figures": figures, "columns": columns}, report_text(figures, columns)


@transaction.atomic
def report_generate(*, actor: User, area: Area, day: dt.date) -> DailyReport:
    """Make (or refresh) the draft of ``area``'s report for ``day`` from the records.

    Refuses when the latest version is sent: a sent report is changed only by a correction.
    """
    require_role(actor, area, *REPORT_SENDERS)
    latest = DailyReport.objects.select_for_update().filter(area=area, day=day).order_by("-version").first()
    if latest and latest.is_sent:
        raise ValidationError(_("This report has been sent and cannot change; make a correction instead."))
    frozen, text = _frozen(actor=actor, area=area, day=day)
    if latest:
        latest.figures, latest.text = frozen, text
        latest.generated_by, latest.generated_at = actor, timezone.now()
        report = latest
    else:
        report = DailyReport(area=area, day=day, version=1, figures=frozen, text=text, generated_by=actor)
    report.full_clean()
    report.save()
    audit.record(
        actor=actor, action="report.generate", target=report, area=area, changes={"version": report.version}
    )
    return report


def _locked(report: DailyReport) -> DailyReport:
    return DailyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_set_remarks(*, actor: User, report: DailyReport, remarks: str) -> DailyReport:
    """The command centre's remarks on a draft. A sent report keeps the remarks it was sent with."""
    require_role(actor, report.area_id, *REPORT_SENDERS)
    report = _locked(report)
    if report.is_sent:
        raise ValidationError(_("This report has been sent and cannot change; make a correction instead."))
    report.remarks = remarks.strip()
    report.full_clean()
    report.save(update_fields=["remarks"])
    audit.record(actor=actor, action="report.remarks", target=report, area=report.area_id)
    return report


@transaction.atomic
def report_send(*, actor: User, report: DailyReport) -> DailyReport:
    """Send a draft upward: from now on it is frozen."""
    require_role(actor, report.area_id, *REPORT_SENDERS)
    report = _locked(report)
    if report.is_sent:
        raise ValidationError(_("This report has already been sent."))
    report.status, report.sent_by, report.sent_at = DailyReport.Status.SENT, actor, timezone.now()
    report.save(update_fields=["status", "sent_by", "sent_at"])
    audit.record(
        actor=actor,
        action="report.send",
        target=report,
        area=report.area_id,
        changes={"version": report.version},
    )
    events.report_received(report=report)
    return report


@transaction.atomic
def report_correct(*, actor: User, report: DailyReport, reason: str) -> DailyReport:
    """A correction of a sent report: a new draft version from the records as they are now, the
    remarks carried over. The sent version stays as it was."""
    require_role(actor, report.area_id, *REPORT_SENDERS)
    report = _locked(report)
    if not report.is_sent:
        raise ValidationError(_("A draft is corrected by generating it again, not by a new version."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the sent report is corrected.")})
    latest = DailyReport.objects.filter(area_id=report.area_id, day=report.day).order_by("-version").first()
    if latest.pk != report.pk:
        raise ValidationError(_("A newer version of this report exists; correct that one."))
    area = Area.objects.get(code=report.area_id)
    frozen, text = _frozen(actor=actor, area=area, day=report.day)
    correction = DailyReport(
        area=area,
        day=report.day,
        version=report.version + 1,
        figures=frozen,
        text=text,
        remarks=report.remarks,
        generated_by=actor,
        correction_reason=reason.strip()[:200],
    )
    correction.full_clean()
    correction.save()
    audit.record(
        actor=actor,
        action="report.correct",
        target=correction,
        area=area,
        changes={"version": correction.version},
        reason=reason,
    )
    return correction
