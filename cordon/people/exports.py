"""Ledger exports: one sheet per category as towns keep them, streamed in constant memory.

ID numbers and phones are masked unless the exporter's role allows whole numbers and they gave a
reason; every export is written to the access log, and the file itself says who made it, when, with
which filter, in its first line and its document properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.permissions import LEDGER_FULL_EXPORTERS
from cordon.core.access import log_access
from cordon.core.privacy import mask_document, mask_phone
from cordon.core.spreadsheet_writers import Column, SheetSpec, write_csv, write_xlsx
from cordon.people.models import Arrival, RiskCategory
from cordon.people.selectors import LedgerFilters, ledger_arrivals

# Above this many rows a web export runs as a background job instead of inside the request.
SYNC_LIMIT = 20_000

FIELDS = (
    "person__name",
    "person__sex",
    "person__document_type",
    "person__document_number",
    "person__phone",
    "area__name",
    "person__address",
    "person__registered_address",
    "origin_text",
    "origin_code",
    "arrival_date",
    "means",
    "plate",
    "transport_number",
    "status",
    "screening_team",
    "note",
)


def columns() -> list[Column]:
    return [
        Column(_("No."), 6),
        Column(_("Full name"), 10),
        Column(_("Sex"), 5),
        Column(_("Document"), 10),
        Column(_("Document number"), 21, text=True),
        Column(_("Mobile phone"), 14, text=True),
        Column(_("Village"), 12),
        Column(_("Current address"), 24),
        Column(_("Registered address"), 24),
        Column(_("Came from"), 20),
        Column(_("Origin code"), 14, text=True),
        Column(_("Arrival date"), 11),
        Column(_("Means of travel"), 8),
        Column(_("Plate or train/flight number"), 14),
        Column(_("Status"), 8),
        Column(_("Screened by"), 10),
        Column(_("Note"), 24),
    ]


@dataclass
class ExportRequest:
    filters: LedgerFilters
    format: str = "xlsx"  # or "csv"
    unmasked: bool = False
    reason: str = ""


def _rows(arrivals, unmasked: bool, labels: dict):
    sex, documents, means, statuses = labels["sex"], labels["document"], labels["means"], labels["status"]
    for number, row in enumerate(arrivals.values_list(*FIELDS).iterator(chunk_size=5000), start=1):
        (
            name,
            sx,
            doc_type,
            doc_number,
            phone,
            village,
            address,
            registered,
            origin,
            origin_code,
            day,
            how,
            plate,
            transport,
            status,
            team,
            note,
        ) = row
        if not unmasked:
            doc_number, phone = mask_document(doc_number), mask_phone(phone)
        yield (
            number,
            name,
            sex.get(sx, ""),
            documents.get(doc_type, ""),
            doc_number,
            phone,
            village,
            address,
            registered,
            origin,
            origin_code,
            day,
            means.get(how, ""),
            plate or transport,
            statuses.get(status, ""),
            team,
            note,
        )


def _labels() -> dict:
    from cordon.people.models import Person

    return {
        "sex": {k: str(v) for k, v in Person.Sex.choices},
        "document": {k: str(v) for k, v in Person.Document.choices},
        "means": {k: str(v) for k, v in Arrival.Means.choices},
        "status": {k: str(v) for k, v in Arrival.Status.choices},
    }


def describe(filters: LedgerFilters) -> str:
    from cordon.accounts.models import Area

    parts = []
    if filters.area_code:
        area = Area.objects.filter(code=filters.area_code).first()
        parts.append(area.name if area else filters.area_code)
    if filters.category:
        category = RiskCategory.objects.filter(code=filters.category).first()
        parts.append(category.name if category else filters.category)
    if filters.date_from or filters.date_to:
        parts.append(f"{filters.date_from or '…'} — {filters.date_to or '…'}")
    if filters.status:
        parts.append(dict(Arrival.Status.choices).get(filters.status, filters.status))
    return " · ".join(str(p) for p in parts) or _("everything in your areas")


def provenance(user, request: ExportRequest, when: datetime) -> str:
    numbers = (
        _("whole numbers, reason: %(reason)s") % {"reason": request.reason}
        if request.unmasked
        else _("numbers masked")
    )
    return _("Exported by %(who)s at %(when)s · filter: %(filter)s · %(numbers)s") % {
        "who": user.display_name,
        "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
        "filter": describe(request.filters),
        "numbers": numbers,
    }


def _arrivals(user, request: ExportRequest, filters: LedgerFilters):
    """Whole numbers only from the areas where the user's role may export them: a health worker of
    one town who is also a viewer of the next exports the next town's people masked, or not at all."""

    roles = LEDGER_FULL_EXPORTERS if request.unmasked else None
    return ledger_arrivals(user, filters, roles=roles)


def write_ledger(user, request: ExportRequest, output) -> int:
    """Write the ledger to ``output`` (a path or binary file); return the number of rows written."""
    when = timezone.now()
    line = provenance(user, request, when)
    labels = _labels()
    if request.format == "csv":
        arrivals = _arrivals(user, request, request.filters).order_by(
            "category__priority", "-arrival_date", "id"
        )
        counter = _Counted(_rows(arrivals, request.unmasked, labels))
        write_csv(output, [c.header for c in columns()], counter, header_lines=[line])
        return counter.count
    sheets = []
    wanted = [request.filters.category] if request.filters.category else None
    for category in RiskCategory.objects.order_by("priority", "code"):
        if wanted and category.code not in wanted:
            continue
        filters = LedgerFilters(**{**request.filters.__dict__, "category": category.code})
        arrivals = _arrivals(user, request, filters).order_by("-arrival_date", "id")
        sheets.append(
            SheetSpec(
                name=category.name,
                columns=columns(),
                header_lines=[line],
                rows=_rows(arrivals, request.unmasked, labels),
            )
        )
    counts = write_xlsx(
        output,
        sheets,
        properties={
            "title": _("Ledger"),
            "author": user.display_name,
            "comments": line,
            "created": when,
        },
    )
    return sum(counts)


class _Counted:
    """An iterable that counts what it hands out."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def record_export(user, request: ExportRequest, rows: int, area_code: str) -> None:
    log_access(
        actor=user,
        kind="export",
        target_type="people.ledger",
        target_label=describe(request.filters),
        area=area_code,
        detail={
            "rows": rows,
            "format": request.format,
            "unmasked": request.unmasked,
            "reason": request.reason,
            "filter": describe(request.filters),
        },
    )
