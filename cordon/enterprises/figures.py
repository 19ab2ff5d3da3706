"""Enterprises reopening in the daily report and the dashboard. ``counts`` says what to count at a moment
(``core.tallies`` runs it, for the whole area or each part below it, for one moment or several);
``section`` makes one area's section of figures from the counts. ``cordon.reports.figures`` combines
every app's sections (see its docstring for the rules and the shape)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from cordon.core.tallies import Tally, list_url, make_fig, make_section, number
from cordon.enterprises.models import Enterprise, Finding, StatusChange


def counts(viewer, code, m) -> list:
    latest = StatusChange.objects.filter(enterprise=OuterRef("pk"), at__lt=m.as_of).order_by("-at", "-id")
    status = Enterprise.Status
    return [
        Tally(
            Enterprise.objects.visible_to(viewer).within(code),
            annotations={"then": Subquery(latest.values("to_status")[:1])},  # a query per moment
            aggregates={
                "registered": Count("id", filter=Q(then__isnull=False)),
                "open": Count("id", filter=Q(then__in=[status.APPROVED, status.FINDINGS])),
                "open_findings": Count("id", filter=Q(then=status.FINDINGS)),
                "applied": Count("id", filter=Q(then=status.APPLIED)),
                "closed": Count("id", filter=Q(then=status.CLOSED)),
                "suspended": Count("id", filter=Q(then=status.SUSPENDED)),
            },
        ),
        Tally(
            Finding.objects.visible_to(viewer).within(code),
            where=Q(inspection__inspected_on__lte=m.day, deadline__lt=m.day)
            & (Q(rectified_at__isnull=True) | Q(rectified_at__gte=m.as_of)),
            aggregates={"findings_overdue": Count("id")},
        ),
    ]


def section(raw, code) -> dict:
    index = "enterprises:index"
    units = _("unit: enterprises")
    return make_section(
        _("Enterprises reopening"),
        {
            "registered": make_fig(
                _("Enterprises registered"), number(raw, "registered"), units, list_url(index, area=code)
            ),
            "open": make_fig(_("Open (reopened)"), number(raw, "open"), units),
            "open_findings": make_fig(
                _("Open with findings"),
                number(raw, "open_findings"),
                units,
                list_url(index, status="findings", area=code),
            ),
            "applied": make_fig(
                _("Applied to reopen"),
                number(raw, "applied"),
                units,
                list_url(index, status="applied", area=code),
            ),
            "closed": make_fig(_("Still closed"), number(raw, "closed"), units),
            "suspended": make_fig(_("Suspended"), number(raw, "suspended"), units),
            "findings_overdue": make_fig(
                _("Findings past their deadline"),
                number(raw, "findings_overdue"),
                _("unit: findings"),
                list_url(index, overdue=1, area=code),
            ),
        },
    )
