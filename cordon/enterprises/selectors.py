"""Reads of enterprises that are more than one scoped filter: the filtered list with its counts per
status and overdue findings, and the export's rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.core.privacy import mask_phone
from cordon.core.spreadsheet_writers import Column
from cordon.enterprises.models import Enterprise


@dataclass
class Filters:
    status: str = ""
    sector: str = ""
    area: str = ""
    overdue: bool = False
    query: str = ""

    @classmethod
    def from_query(cls, params, area_codes) -> Filters:
        status = params.get("status", "")
        sector = params.get("sector", "")
        area = params.get("area", "")
        return cls(
            status=status if status in Enterprise.Status.values else "",
            sector=sector if sector in Enterprise.Sector.values else "",
            area=area if area in area_codes else "",
            overdue=params.get("overdue") == "1",
            query=params.get("q", "").strip()[:40],
        )

    def as_query(self) -> str:
        from urllib.parse import urlencode

        pairs = {"status": self.status, "sector": self.sector, "area": self.area, "q": self.query}
        if self.overdue:
            pairs["overdue"] = "1"
        return urlencode({k: v for k, v in pairs.items() if v})


def enterprises(user, filters: Filters, *, with_status: bool = True):
    """The enterprises a user sees, filtered, each with its count of overdue findings."""
    today = timezone.localdate()
    rows = Enterprise.objects.visible_to(user)
    if filters.area:
        rows = rows.within(filters.area)
    if filters.sector:
        rows = rows.filter(sector=filters.sector)
    if filters.query:
        rows = rows.filter(Q(name__contains=filters.query) | Q(uscc__startswith=filters.query.upper()))
    if with_status and filters.status:
        rows = rows.filter(status=filters.status)
    rows = rows.annotate(
        overdue_count=Count(
            "inspections__findings",
            filter=Q(
                inspections__findings__rectified_at__isnull=True,
                inspections__findings__deadline__lt=today,
            ),
        )
    )
    if filters.overdue:
        rows = rows.filter(overdue_count__gt=0)
    return rows.select_related("area")


def status_counts(user, filters: Filters) -> list[tuple[str, str, int]]:
    """(status, label, count) of the filtered enterprises, every status listed, in one query."""
    base = Enterprise.objects.visible_to(user)
    if filters.area:
        base = base.within(filters.area)
    if filters.sector:
        base = base.filter(sector=filters.sector)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Enterprise.Status.choices]


def overdue_count(user, filters: Filters) -> int:
    """How many of the filtered enterprises have a finding past its deadline (the list's alert tile)."""
    return enterprises(user, Filters(area=filters.area, sector=filters.sector, overdue=True)).count()


def export_columns() -> list[Column]:
    return [
        Column(_("Name"), 30),
        Column(_("Unified social credit code"), 22, text=True),
        Column(_("Village"), 12),
        Column(_("Address"), 28),
        Column(_("Sector"), 10),
        Column(_("Employees"), 8),
        Column(_("From outside the town"), 10),
        Column(_("From Hubei"), 8),
        Column(_("Contact"), 10),
        Column(_("Contact phone"), 14, text=True),
        Column(_("Status"), 10),
        Column(_("Overdue findings"), 8),
    ]


def export_rows(rows):
    """The export's rows: the contact phone always masked (an export leaves the system)."""
    sectors, statuses = dict(Enterprise.Sector.choices), dict(Enterprise.Status.choices)
    for e in rows.iterator(chunk_size=1000):
        yield [
            e.name,
            e.uscc,
            e.area.name,
            e.address,
            str(sectors.get(e.sector, e.sector)),
            e.employees,
            e.from_outside,
            e.from_hubei,
            e.contact_name,
            mask_phone(e.contact_phone),
            str(statuses.get(e.status, e.status)),
            e.overdue_count,
        ]
