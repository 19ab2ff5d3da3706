"""Seals, exit passes and supplies in the daily report and the dashboard. ``counts`` says what to count at
a moment (``core.tallies`` runs it, for the whole area or each part below it, for one moment or
several); ``section`` makes one area's section of figures from the counts. ``cordon.reports.figures``
combines every app's sections (see its docstring for the rules and the shape)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.core.tallies import Listing, Tally, list_url, make_fig, make_section, number
from cordon.lockdowns.models import ExitPass, Lockdown, PassDecision, SupplyDelivery


def _fold_sealed(counts: dict, row: dict) -> None:
    counts.setdefault("sealed", []).append(
        {
            "code": row["area_id"],
            "name": row["area__name"],
            "since": timezone.localdate(row["starts_at"]).isoformat(),
        }
    )


def counts(viewer, code, m) -> list:
    pending_now = [ExitPass.Status.PENDING_VILLAGE, ExitPass.Status.PENDING_TOWN]
    decided_later = PassDecision.objects.filter(exit_pass=OuterRef("pk"), at__gte=m.as_of)
    return [
        # The areas sealed then, listed (a handful).
        Listing(
            Lockdown.objects.visible_to(viewer).within(code),
            where=Q(starts_at__lt=m.as_of) & (Q(ended_at__isnull=True) | Q(ended_at__gte=m.as_of)),
            fields=("area_id", "area__name", "starts_at"),
            fold=_fold_sealed,
        ),
        Tally(
            ExitPass.objects.visible_to(viewer).within(code),
            where=Q(created_at__lt=m.as_of),
            aggregates={
                # Still waiting then: still waiting now, or a decision on it came later.
                "passes_pending": Count("id", filter=Q(status__in=pending_now) | Q(Exists(decided_later))),
                "passes_applied_today": Count("id", filter=Q(created_at__gte=m.start)),
            },
        ),
        Tally(
            SupplyDelivery.objects.visible_to(viewer).within(code),
            where=Q(delivered_at__gte=m.start, delivered_at__lt=m.end),
            aggregates={"deliveries_today": Count("id")},
        ),
    ]


def section(raw, code, places) -> tuple[dict, list]:
    sealed = sorted(raw.get("sealed", []), key=lambda area: area["code"])  # as read: by code
    return (
        make_section(
            _("Sealed areas and exit passes"),
            {
                "sealed": make_fig(
                    _("Areas sealed"), len(sealed), places, list_url("lockdowns:list", area=code, sealed=1)
                ),
                "passes_pending": make_fig(
                    _("Exit passes awaiting approval"),
                    number(raw, "passes_pending"),
                    _("unit: passes"),
                    list_url("lockdowns:passes"),
                ),
                "passes_applied_today": make_fig(
                    _("Exit passes applied for that day"),
                    number(raw, "passes_applied_today"),
                    _("unit: passes"),
                ),
                "deliveries_today": make_fig(
                    _("Supply deliveries that day"), number(raw, "deliveries_today"), _("unit: deliveries")
                ),
            },
        ),
        sealed,
    )
