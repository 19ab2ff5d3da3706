"""Issue 15's property-based test of the importer (Hypothesis), over generated ledgers that mix every case a
town's file holds: new people, known people under their name and under another, residents of another
village and of another town, the same person again (a true duplicate, a second trip, a newer phone,
another name), people without a document, totals and signature rows, phone cells reading 无 / 本人 / two
numbers, dates without a year, numbers Excel turned into floats, bad dates, and cells merged down.

For every ledger:
- no stored name ever changes through an import (nor a name the same file stored a row earlier);
- every row read is counted once: created + updated + unchanged + rejected + skipped = rows read;
- rejected rows write nothing: the registry after importing the file is the registry after importing
  the file without its rejected rows, and the accepted rows are counted the same in both;
- the preview (dry run) says exactly what the import does.

CORDON_HYPOTHESIS_EXAMPLES sets the number of ledgers tried (default 25).
"""

import datetime
import os
from pathlib import Path

import xlsxwriter
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cordon.people import import_writer
from cordon.people.importer import run_import
from cordon.people.models import Arrival, Person
from cordon.people.testing import id_number

TODAY = datetime.date(2020, 2, 21)
HEADERS = ["序号", "姓名", "身份证号", "手机号", "村街", "现住址", "来源地", "返乡日期"]
NEW_PEOPLE = [
    ("张三", "13108119850203001"),
    ("李四", "42010219900715002"),
    ("王五", "13108119700101003"),
    ("赵六", "13108119850203010"),
    ("钱七", "13108119850203013"),
]
NO_DOCUMENT = ["王小二", "刘大", "陈二"]
ORIGINS = ["湖北省武汉市江汉区", "湖北省孝感市", "北京市朝阳区", "河北省石家庄市"]
DAYS = ["2020-01-21", "2020/1/25", "2月3日", "2020-02-05", "2020年2月10日"]
PHONES = [
    "",
    "13812345601",
    "13900000002",
    "无",
    "本人",
    "无手机",
    "13800000000（本人）",
    "13800000000/13900000000",
    "0316-1234567",
]
VILLAGES = ["四间房村", "小湾村", "四间房村第一网格"]
TOTALS = ["合计", "小计：3人", "填表人：孙丽", "审核人：李春生", "填表日期：2020年2月21日", "本页小计"]
OTHER_NAMES = ["尹某", "周某某", "东某某", "张三三"]


@st.composite
def ledgers(draw, world):
    known = {
        "yin": (world.yin.name, world.yin.document_number),
        "zhou": (world.zhou.name, world.zhou.document_number),
        "east": (world.east_person.name, world.east_person.document_number),
    }
    rows: list[dict] = []
    for seq in range(1, draw(st.integers(1, 14)) + 1):
        kind = draw(
            st.sampled_from(
                ["new", "new", "known", "repeat", "repeat", "no_document", "totals", "floated", "future"]
            )
        )
        person = {
            "kind": kind,
            "phone": draw(st.sampled_from(PHONES)),
            "village": draw(st.sampled_from(VILLAGES)),
            "address": draw(st.sampled_from(["", "东街1号", "西街2号"])),
            "origin": draw(st.sampled_from(ORIGINS)),
            "day": draw(st.sampled_from(DAYS)),
        }
        people_rows = [r for r in rows if r["kind"] in ("new", "known", "no_document", "repeat")]
        if kind == "repeat" and not people_rows:
            kind = person["kind"] = "new"
        if kind == "new":
            name, id17 = draw(st.sampled_from(NEW_PEOPLE))
            person.update(name=name, number=id_number(id17))
        elif kind == "known":
            name, number = known[draw(st.sampled_from(sorted(known)))]
            person.update(name=draw(st.sampled_from([name, name, *OTHER_NAMES])), number=number)
        elif kind == "no_document":
            person.update(name=draw(st.sampled_from(NO_DOCUMENT)), number="")
        elif kind == "repeat":
            earlier = dict(draw(st.sampled_from(people_rows)))
            change = draw(st.sampled_from(["none", "day", "phone", "name", "origin"]))
            if change == "day":
                earlier["day"] = draw(st.sampled_from(DAYS))
            elif change == "phone":
                earlier["phone"] = draw(st.sampled_from(PHONES))
            elif change == "name":
                earlier["name"] = draw(st.sampled_from(OTHER_NAMES))
            elif change == "origin":
                earlier["origin"] = draw(st.sampled_from(ORIGINS))
            person = {**earlier, "kind": "repeat"}
        elif kind == "totals":
            person = {"kind": kind, "label": draw(st.sampled_from(TOTALS))}
        elif kind == "floated":
            floated = draw(st.sampled_from(["id", "phone"]))
            name, id17 = draw(st.sampled_from(NEW_PEOPLE))
            person.update(
                name=name,
                number="1.30181E+17" if floated == "id" else id_number(id17),
                phone="1.38123E+10" if floated == "phone" else person["phone"],
            )
        elif kind == "future":
            name, id17 = draw(st.sampled_from(NEW_PEOPLE))
            person.update(name=name, number=id_number(id17), day="2020-03-01")
        person["seq"] = seq
        rows.append(person)
    return rows, draw(st.booleans())


def _cells(person: dict) -> list:
    if person["kind"] == "totals":
        return [person["label"], "", "", "", "", "", "", ""]
    return [
        person["seq"],
        person["name"],
        person["number"],
        person["phone"],
        person["village"],
        person["address"],
        person["origin"],
        person["day"],
    ]


def write_ledger(path: Path, rows: list[dict], merge: bool) -> Path:
    """An .xlsx with a title line; with ``merge``, runs of one origin merged down as families are."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    text = book.add_format({"num_format": "@"})
    sheet.write(0, 0, "堂二里镇返乡人员台账")
    sheet.write_row(1, 0, HEADERS)
    cells = [_cells(r) for r in rows]
    for index, values in enumerate(cells):
        for column, value in enumerate(values):
            if value in ("", None):
                continue
            if isinstance(value, int):
                sheet.write_number(index + 2, column, value)
            else:
                sheet.write_string(index + 2, column, value, text)
    if merge:
        origin = HEADERS.index("来源地")
        start = 0
        while start < len(cells):
            end = start
            while (
                end + 1 < len(cells)
                and rows[start]["kind"] != "totals"
                and rows[end + 1]["kind"] != "totals"
                and cells[end + 1][origin] == cells[start][origin]
            ):
                end += 1
            if end > start:
                sheet.merge_range(start + 2, origin, end + 2, origin, cells[start][origin], text)
            start = end + 1
    book.close()
    return path


def _import(world, path: Path, dry_run=False):
    return run_import(
        actor=world.commander,
        area=world.town,
        source=str(path),
        filename=path.name,
        dry_run=dry_run,
        today=TODAY,
    )


def _registry() -> tuple:
    people = sorted(
        Person.objects.values_list(
            "name",
            "document_type",
            "document_number",
            "sex",
            "phone",
            "phone_other",
            "area_id",
            "address",
            "registered_address",
        )
    )
    arrivals = sorted(
        Arrival.objects.values_list(
            "person__name",
            "person__document_number",
            "area_id",
            "origin_text",
            "origin_code",
            "arrival_date",
            "means",
            "category_id",
            "status",
        )
    )
    return people, arrivals


def _counts(report) -> dict:
    return {k: getattr(report, k) for k in ("created", "updated", "unchanged", "rejected", "skipped")}


class _RolledBack(Exception):
    pass


def _in_a_rollback(function):
    """Run ``function`` and undo every change it made to the database, returning its result."""
    result = []
    try:
        with transaction.atomic():
            result.append(function())
            raise _RolledBack
    except _RolledBack:
        pass
    return result[0]


@settings(
    max_examples=int(os.environ.get("CORDON_HYPOTHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_an_import_renames_nobody_accounts_for_every_row_and_a_rejected_row_writes_nothing(
    world, tmp_path, monkeypatch, data
):
    rows, merge = data.draw(ledgers(world))
    # Rows of one person in different chunks (written apart, or remembered apart in a preview).
    monkeypatch.setattr(import_writer, "chunk_size", lambda: data.draw(st.sampled_from([2, 3, 5000])))
    path = write_ledger(tmp_path / "ledger.xlsx", rows, merge)
    names_before = dict(Person.objects.values_list("pk", "name"))
    numbers_before = set(Person.objects.exclude(document_number="").values_list("document_number", flat=True))

    def import_everything():
        report = _import(world, path)
        names = dict(Person.objects.values_list("pk", "name"))
        numbers = dict(Person.objects.exclude(document_number="").values_list("document_number", "name"))
        return report, names, numbers, _registry()

    preview = _import(world, path, dry_run=True)
    report, names_after, numbers_after, registry = _in_a_rollback(import_everything)

    # No stored name ever changes.
    assert {pk: names_after.get(pk) for pk in names_before} == names_before
    # …nor a name the file itself stored a row earlier: a person made by this import bears the name of
    # the first accepted row that carries their number.
    rejected_rows = {e.row for e in report.errors}
    first_name = {}
    for index, person in enumerate(rows):
        excel_row = index + 3
        if person["kind"] == "totals" or excel_row in rejected_rows or not person.get("number"):
            continue
        first_name.setdefault(person["number"], person["name"])
    for number, name in first_name.items():
        if number not in numbers_before:
            assert numbers_after[number] == name

    # Every row read is counted once.
    assert sum(_counts(report).values()) == len(rows), (_counts(report), report.errors, report.notes)
    assert report.skipped == sum(1 for r in rows if r["kind"] == "totals")
    # The preview says what the import does.
    assert _counts(preview) == _counts(report)
    assert [(e.row, e.message) for e in preview.errors] == [(e.row, e.message) for e in report.errors]

    # Rejected rows write nothing.
    kept = [person for index, person in enumerate(rows) if index + 3 not in rejected_rows]
    clean = write_ledger(tmp_path / "accepted.xlsx", kept, merge=False)

    def import_the_accepted_rows():
        return _import(world, clean), _registry()

    again, registry_again = _in_a_rollback(import_the_accepted_rows)
    assert registry_again == registry
    assert again.rejected == 0, again.errors
    assert {**_counts(again), "rejected": report.rejected} == _counts(report)
