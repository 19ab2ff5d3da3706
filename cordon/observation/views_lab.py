"""The lab results page: upload the lab's list, preview it, import it, download the rejected rows."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from cordon.accounts.scope import has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx
from cordon.core.spreadsheets import SpreadsheetError
from cordon.observation import lab_import

MAX_UPLOAD = 20 * 1024 * 1024
_SESSION_KEY = "lab_rejected"


def rejected_file(report: lab_import.LabImport, actor) -> str:
    """Write the rejected rows (as read, plus the message) to var/uploads; returns the file's name."""
    directory = Path(settings.VAR_DIR) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    name = f"lab-rejected-{uuid.uuid4().hex}.xlsx"
    columns = [Column(h, text=True) for h in report.headers] + [Column("错误说明", width=40, error=True)]
    write_xlsx(
        directory / name,
        [SheetSpec(name="未导入的行", columns=columns, rows=report.rejected_rows)],
        properties={"title": "核酸检测结果未导入的行", "author": actor.username},
    )
    return name


@login_required
def lab_results(request):
    if not has_role_anywhere(request.user, *lab_import.IMPORTERS):
        raise PermissionDenied(_("Only the health worker or the command centre imports lab results."))
    report, error = None, ""
    choices = area_choices(request.user, lab_import.IMPORTERS)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose the lab's file."))
            if upload.size > MAX_UPLOAD:
                raise ValidationError(_("The file is larger than 20 MB: split it."))
            area = visible_area(request.user, request.POST.get("area", ""))
            report = lab_import.import_lab_results(
                actor=request.user,
                area=area,
                path_or_file=upload,
                filename=upload.name,
                dry_run="preview" in request.POST,
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except SpreadsheetError as exc:
            error = exc.message
        if report is not None and report.rejected_rows:
            request.session[_SESSION_KEY] = rejected_file(report, request.user)
    return render(
        request,
        "observation/lab_results.html",
        {"report": report, "error": error, "areas": choices, "chosen": request.POST.get("area", "")},
    )


@login_required
def lab_rejected(request):
    """The rejected rows of this user's last lab import (kept in their session only)."""
    name = request.session.get(_SESSION_KEY)
    path = Path(settings.VAR_DIR) / "uploads" / name if name else None
    if path is None or not path.exists():
        raise Http404()
    return FileResponse(path.open("rb"), as_attachment=True, filename="核酸结果-未导入的行.xlsx")
