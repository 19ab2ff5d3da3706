"""Exports of the forces' lists (.xlsx, .csv): phones and ID numbers always masked, the exporter and the
time in the file's first line, and every export written to the access log."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.core.access import log_access
from cordon.core.privacy import mask_document, mask_phone
from cordon.core.spreadsheet_writers import Column, SheetSpec, write_csv, write_xlsx
from cordon.forces.models import Personnel, Team

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _personnel_rows(rows):
    kinds = {k: str(v) for k, v in Personnel.Kind.choices}
    availability = {k: str(v) for k, v in Personnel.Availability.choices}
    fields = (
        "person__name",
        "person__document_number",
        "phone",
        "kind",
        "area__name",
        "unit",
        "skills",
        "availability",
        "active",
    )
    for number, (name, document, phone, kind, area, unit, skills, when, active) in enumerate(
        rows.values_list(*fields).iterator(chunk_size=2000), start=1
    ):
        yield (
            number,
            name,
            mask_document(document),
            mask_phone(phone),
            kinds.get(kind, kind),
            area,
            unit,
            skills,
            availability.get(when, when),
            _("yes") if active else _("no"),
        )


def _personnel_columns():
    return [
        Column(_("No."), 6),
        Column(_("Full name"), 10),
        Column(_("Document number"), 21, text=True),
        Column(_("Mobile phone"), 14, text=True),
        Column(_("Kind"), 12),
        Column(_("Serves in"), 12),
        Column(_("Unit"), 16),
        Column(_("Skills"), 20),
        Column(_("Availability"), 10),
        Column(_("Active"), 6),
    ]


def _team_rows(teams):
    kinds = {k: str(v) for k, v in Team.Kind.choices}
    for number, team in enumerate(teams, start=1):
        leader = team.leader.person.name if team.leader_id else ""
        phone = mask_phone(team.leader.phone) if team.leader_id else ""
        yield (
            number,
            team.name,
            kinds.get(team.kind, team.kind),
            team.area.name,
            leader,
            phone,
            team.members,
            team.note,
        )


def _team_columns():
    return [
        Column(_("No."), 6),
        Column(_("Team name"), 20),
        Column(_("Kind"), 12),
        Column(_("Area of work"), 12),
        Column(_("Leader"), 10),
        Column(_("Leader's phone"), 14, text=True),
        Column(_("Members"), 8),
        Column(_("Note"), 24),
    ]


def export_response(user, *, what: str, rows, fmt: str, area_code: str, described: str) -> HttpResponse:
    """The list ``rows`` (personnel or teams) as a file to download, masked, logged."""
    when = timezone.now()
    line = _("Exported by %(who)s at %(when)s · filter: %(filter)s · %(numbers)s") % {
        "who": user.display_name,
        "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
        "filter": described,
        "numbers": _("numbers masked"),
    }
    if what == "teams":
        columns, data, title = _team_columns(), _team_rows(rows), _("Teams")
    else:
        columns, data, title = _personnel_columns(), _personnel_rows(rows), _("Personnel")
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(buffer, [c.header for c in columns], data, header_lines=[line])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        write_xlsx(
            buffer,
            [SheetSpec(name=title, columns=columns, header_lines=[line], rows=data)],
            properties={"title": title, "author": user.display_name, "comments": line, "created": when},
        )
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime(when).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="forces-{what}-{stamp}.{"csv" if fmt == "csv" else "xlsx"}"'
    )
    log_access(
        actor=user,
        kind="export",
        target_type=f"forces.{what}",
        target_label=described,
        area=area_code,
        detail={"format": fmt, "unmasked": False, "filter": described},
    )
    return response
