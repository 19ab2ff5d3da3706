"""Lab results in bulk: the lab's Excel list of a testing day, matched to people and their due tests.

Read with the ledger importer's machinery (``core.spreadsheets``: header row found under titles,
header aliases, every row numbered as in Excel). Each row is matched to a person of the importer's
area by ID number — an unknown number, a name that is not the registry's, a date or result that
cannot be read is a rejected row with its column and a Chinese message, written to a rejected-rows
file to fix and import again; the rest are kept. A matched result is the person's test of that
sample day: recorded on their observation period (the period page then shows the protocol's test
days as done, missed or pending), or updated when the day's test is already there. Importing the
same list again changes nothing. A positive result opens the period's alert (and a task for the
health worker to confirm a case); a person not under observation who tests positive gets the same
task. A pooled tube (混检) with a positive marks everyone in it for a single retest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, Role, User
from cordon.accounts.permissions import LAB_RESULT_IMPORTERS, OBSERVERS
from cordon.accounts.scope import require_role
from cordon.core import audit
from cordon.core.spreadsheets import SpreadsheetError, normalize_header, read_table
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind
from cordon.observation import services_checks
from cordon.observation.models import LabTest, Period
from cordon.people import validation
from cordon.people.models import Person

# Field -> the header names labs use for it.
HEADERS: dict[str, list[str]] = {
    "name": ["姓名", "受检者姓名", "被检者姓名", "受检人", "姓名(受检者)"],
    "document_number": ["身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码"],
    "sample_date": ["采样日期", "采样时间", "采集日期", "采集时间", "采样日"],
    "result": ["检测结果", "结果", "核酸结果", "核酸检测结果", "检验结果"],
    "result_date": ["报告日期", "报告时间", "检测日期", "结果日期", "出报告日期"],
    "lab": ["检测机构", "检测单位", "实验室", "检测实验室"],
    "tube": ["混管号", "管号", "混采管号", "混检管号", "试管编号", "采样管号"],
}
LABELS = {
    "name": "姓名",
    "document_number": "身份证号",
    "sample_date": "采样日期",
    "result": "检测结果",
    "result_date": "报告日期",
    "lab": "检测机构",
    "tube": "混管号",
}
_BY_HEADER = {normalize_header(alias): key for key, aliases in HEADERS.items() for alias in aliases}
RESULT_WORDS = {
    "阴性": LabTest.Result.NEGATIVE,
    "阴": LabTest.Result.NEGATIVE,
    "-": LabTest.Result.NEGATIVE,
    "negative": LabTest.Result.NEGATIVE,
    "阳性": LabTest.Result.POSITIVE,
    "阳": LabTest.Result.POSITIVE,
    "+": LabTest.Result.POSITIVE,
    "positive": LabTest.Result.POSITIVE,
    "混管阳性": LabTest.Result.RETEST,
    "混检阳性": LabTest.Result.RETEST,
    "混采阳性": LabTest.Result.RETEST,
    "待复核": LabTest.Result.RETEST,
    "无效": LabTest.Result.INVALID,
    "待检": LabTest.Result.PENDING,
    "检测中": LabTest.Result.PENDING,
}
IMPORTERS = LAB_RESULT_IMPORTERS
PROGRESS_EVERY = 200


@dataclass
class LabImport:
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    positives: int = 0
    retests: int = 0
    errors: list[dict] = field(default_factory=list)
    rejected_rows: list[list] = field(default_factory=list)  # the row's cells as read, then the message
    headers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "positives": self.positives,
            "retests": self.retests,
            "errors": self.errors,
        }


@dataclass
class _Row:
    number: int
    cells: list
    person: Person
    sample_date: date
    result: str
    result_date: date | None
    lab: str
    tube: str


def _fail(report: LabImport, number: int, cells: list, column: str, message: str) -> None:
    report.rejected += 1
    report.errors.append({"row": number, "column": LABELS.get(column, column), "message": message})
    report.rejected_rows.append([*cells, message])


def _read_result(value) -> str:
    text = validation.normalize(value or "").lower().replace(" ", "")
    if text in RESULT_WORDS:
        return RESULT_WORDS[text]
    raise ValidationError(
        _("“%(value)s” is not a result: write 阴性, 阳性, 混管阳性 or 待检.") % {"value": text[:20]}
    )


def import_lab_results(
    *,
    actor: User,
    area: Area,
    path_or_file,
    filename: str,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> LabImport:
    """Import a lab's result list for ``area`` (the importer's town or village). A preview
    (``dry_run``) reports the same without writing. Nothing is half-written: each row is kept whole
    or rejected whole. ``on_progress(done, total)`` is told how far it got (rows read, then stored:
    ``total`` is twice the sheet's rows), for the job's progress bar."""
    require_role(actor, area, *IMPORTERS)
    today = timezone.localdate()
    table = read_table(path_or_file, filename=filename, known_headers=_BY_HEADER.__contains__)
    report = LabImport(dry_run=dry_run)
    sheet = table.sheets[0]
    fields = [_BY_HEADER.get(normalize_header(h.text)) for h in sheet.headers]
    report.headers = [h.text for h in sheet.headers]
    for required in ("document_number", "sample_date", "result"):
        if required not in fields:
            raise SpreadsheetError(
                _("The list has no “%(column)s” column.") % {"column": LABELS[required]}, code="no_column"
            )
    rows: list[_Row] = []
    people = Person.objects.visible_to(actor).within(area)
    total = 2 * max(sheet.row_count_hint, 1)
    progress = on_progress or (lambda done, total: None)
    progress(0, total)
    for seen, (number, cells) in enumerate(sheet.rows(), start=1):
        if seen % PROGRESS_EVERY == 0:
            progress(min(seen, total // 2), total)
        values = {key: cells[i] for i, key in enumerate(fields) if key}
        try:
            document = validation.parse_document("mainland_id", values.get("document_number"), today=today)
        except ValidationError as exc:
            _fail(report, number, cells, "document_number", "；".join(exc.messages))
            continue
        person = people.filter(document_type="mainland_id", document_number=document.number).first()
        if person is None:
            _fail(
                report, number, cells, "document_number", _("No one with this ID number is registered here.")
            )
            continue
        name = validation.normalize(values.get("name") or "")
        if name and name != person.name:
            _fail(
                report,
                number,
                cells,
                "name",
                _("The name is %(name)s in the registry: check the row.") % {"name": person.name},
            )
            continue
        try:
            sample_date = validation.parse_date(values.get("sample_date"), today=today, allow_future=False)
        except ValidationError as exc:
            _fail(report, number, cells, "sample_date", "；".join(exc.messages))
            continue
        try:
            result = _read_result(values.get("result"))
        except ValidationError as exc:
            _fail(report, number, cells, "result", "；".join(exc.messages))
            continue
        result_date = None
        if values.get("result_date") not in (None, "") and result != LabTest.Result.PENDING:
            try:
                result_date = validation.parse_date(values["result_date"], today=today, allow_future=False)
            except ValidationError as exc:
                _fail(report, number, cells, "result_date", "；".join(exc.messages))
                continue
        rows.append(
            _Row(
                number=number,
                cells=cells,
                person=person,
                sample_date=sample_date,
                result=result,
                result_date=result_date,
                lab=validation.normalize(values.get("lab") or "")[:100],
                tube=validation.normalize(values.get("tube") or "")[:40],
            )
        )
    # A pooled tube with a positive in it: everyone in the tube is retested singly.
    flagged = {
        r.tube for r in rows if r.tube and r.result in (LabTest.Result.POSITIVE, LabTest.Result.RETEST)
    }
    for row in rows:
        if row.tube in flagged and row.result != LabTest.Result.POSITIVE:
            row.result = LabTest.Result.RETEST
    progress(total // 2, total)
    with transaction.atomic():
        for stored, row in enumerate(rows, start=1):
            if stored % PROGRESS_EVERY == 0:
                progress(total // 2 + min(stored, total // 2), total)
            try:
                with transaction.atomic():
                    outcome = _store(actor, row, today)
            except ValidationError as exc:
                _fail(report, row.number, row.cells, "sample_date", "；".join(exc.messages))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome != "unchanged":
                report.positives += row.result == LabTest.Result.POSITIVE
                report.retests += row.result == LabTest.Result.RETEST
        if dry_run:
            transaction.set_rollback(True)
    progress(total, total)
    return report


def _store(actor: User, row: _Row, today: date) -> str:
    """Record one row; returns "created", "updated" or "unchanged"."""
    person = row.person
    existing = LabTest.objects.filter(person=person, sample_date=row.sample_date).order_by("id").first()
    if existing is not None:
        if existing.result == row.result and (existing.tube or "") == row.tube:
            return "unchanged"
        if row.tube and existing.tube != row.tube:
            LabTest.objects.filter(pk=existing.pk).update(tube=row.tube)
        if existing.result != row.result:
            services_checks.lab_test_set_result(
                actor=actor, test=existing, result=row.result, result_date=row.result_date or today
            )
            if row.result == LabTest.Result.POSITIVE and existing.period_id is None:
                _propose_case(person)
        return "updated"
    period = Period.objects.filter(
        person=person, status=Period.Status.ACTIVE, exposure_date__lte=row.sample_date
    ).first()
    if period is not None:
        test = services_checks.lab_test_record(
            actor=actor,
            period=period,
            sample_date=row.sample_date,
            lab=row.lab,
            result=row.result,
            result_date=(row.result_date or today) if row.result != LabTest.Result.PENDING else None,
        )
        if row.tube:
            LabTest.objects.filter(pk=test.pk).update(tube=row.tube)
        return "created"
    # Not under observation: the result is kept on the person (mass testing reaches everyone).
    require_role(actor, person.area_id, *OBSERVERS)
    test = LabTest.objects.create(
        person=person,
        area_id=person.area_id,
        sample_date=row.sample_date,
        lab=row.lab,
        result=row.result,
        result_date=(row.result_date or today) if row.result != LabTest.Result.PENDING else None,
        tube=row.tube,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="observation.test",
        target=person,
        area=person.area_id,
        changes={"test": [None, f"{row.sample_date:%Y-%m-%d} {test.get_result_display()}"]},
    )
    if row.result == LabTest.Result.POSITIVE:
        _propose_case(person)
    return "created"


def _propose_case(person: Person) -> None:
    """A positive outside observation: the health worker is asked to confirm (or exclude) a case."""
    notifications.notify(
        kind=Kind.LAB_POSITIVE,
        key=f"{Kind.LAB_POSITIVE}:person:{person.pk}",
        area=person.area_id,
        roles=(Role.HEALTH_WORKER,),
        subject=_("Positive test: {name}"),
        text=_("{name} tested positive in mass testing. Confirm the case and open observation of contacts."),
        link=reverse("people:detail", args=[person.pk]),
        person_name=person.name,
    )
