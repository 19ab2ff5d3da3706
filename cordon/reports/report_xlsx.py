"""The daily report as an .xlsx in the layout towns send upward: a summary sheet with the text, then
one sheet per section (figure, the area's value — above a town one column per area below it and the
total — and the unit), and the unresolved items."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx


def column_value(column: dict, section: str, figure: str):
    """One area's value in a report's column; "—" for an area that has not sent (as sent)."""
    if column.get("not_sent"):
        return "—"
    return column.get("sections", {}).get(section, {}).get("figures", {}).get(figure, {}).get("value", "")


def _section_sheet(key: str, section: dict, report) -> SheetSpec:
    columns_data = report.columns
    headers = [Column(_("Figure"), width=36)]
    if columns_data:
        headers += [Column(c["area"]["name"], width=12) for c in columns_data]
        headers.append(Column(_("Total"), width=12))
    else:
        headers.append(Column(report.area.name, width=14))
    headers.append(Column(_("Unit"), width=8))
    rows = []
    for fkey, figure in section["figures"].items():
        row = [figure["label"]]
        for column in columns_data:
            row.append(column_value(column, key, fkey))
        row += [figure["value"], figure["unit"]]
        rows.append(row)
    return SheetSpec(name=section["label"], columns=headers, rows=rows, header_lines=[_header(report)])


def _header(report) -> str:
    version = f" · v{report.stored.version}" if report.stored else ""
    return (
        _("%(area)s daily report · as of 24:00 on %(day)s")
        % {
            "area": report.area.name,
            "day": report.day.isoformat(),
        }
        + version
    )


def report_xlsx(report) -> bytes:
    """The workbook's bytes, in Chinese whatever the reader's language (it goes upward)."""
    with translation.override("zh-hans"):
        sheets = [
            SheetSpec(
                name=_("Summary"),
                columns=[Column(_("Item"), width=16), Column(_("Content"), width=100)],
                rows=[
                    [_("Area"), report.area.name],
                    [_("Date"), report.day.isoformat()],
                    [
                        _("Status"),
                        report.stored.get_status_display() if report.stored else _("Not yet generated"),
                    ],
                    [_("Report text"), report.text],
                    [_("Remarks"), report.stored.remarks if report.stored else ""],
                ],
            )
        ]
        sheets += [
            _section_sheet(key, section, report) for key, section in report.figures["sections"].items()
        ]
        sheets.append(
            SheetSpec(
                name=_("Unresolved"),
                columns=[
                    Column(_("Kind"), width=20),
                    Column(_("Item"), width=50),
                    Column(_("Since"), width=14),
                ],
                rows=[[item["label"], item["text"], item["when"]] for item in report.unresolved],
            )
        )
        buffer = io.BytesIO()
        write_xlsx(
            buffer,
            sheets,
            properties={
                "title": _header(report),
                "created": timezone.now().replace(tzinfo=None),
                "company": report.area.name,
            },
        )
    return buffer.getvalue()
