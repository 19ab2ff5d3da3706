"""Issue 15's round trip: a village's exported ledger imported into an empty town and exported again gives
the same file row for row; imported again into the town it came from, it changes nothing."""

import io

import python_calamine
from django.db.models import ProtectedError, RestrictedError

from cordon.people import exports, services
from cordon.people.importer import run_import
from cordon.people.models import Arrival, Person
from cordon.people.selectors import LedgerFilters
from cordon.people.testing import id_number

PEOPLE = [
    # name, document type, number, phone, address, registered, origin, day, means, plate, train, team, note
    ("张三", "mainland_id", id_number("13108119850203001"), "13812345601", "四间房村东街8号", "河北省霸州市",
     "湖北省武汉市江汉区", "2020-01-21", "car", "冀R12345", "", "第一排查小组", ""),
    ("李四", "mainland_id", id_number("42010219900715002"), "13812345602", "四间房村西街2号", "",
     "湖北省孝感市", "2020-01-23", "train", "", "G66", "第二排查小组", "与张三同户"),
    ("John Smith", "passport", "E12345678", "", "四间房村北街1号", "", "北京市朝阳区", "2020-02-03",
     "flight", "", "CA1234", "", ""),
    ("王小二", "none", "", "13812345604", "", "", "天津市和平区", "2020-02-03", "bus", "", "", "", ""),
    ("赵六", "mainland_id", id_number("13108119660606017"), "0316-1234567", "", "",
     "河北省石家庄市", "2020-02-05", "", "", "", "", "从石家庄返回"),
]  # fmt: skip


def _register(world):
    for (
        name,
        kind,
        number,
        phone,
        address,
        registered,
        origin,
        day,
        means,
        plate,
        train,
        team,
        note,
    ) in PEOPLE:
        services.register(
            actor=world.clerk,
            area=world.sjf,
            person_data={
                "name": name,
                "document_type": kind,
                "document_number": number,
                "phone": phone,
                "address": address,
                "registered_address": registered,
                "sex": "M" if kind == "passport" else "",
            },
            arrival_data={
                "origin_text": origin,
                "arrival_date": day,
                "means": means,
                "plate": plate,
                "transport_number": train,
                "screening_team": team,
                "note": note,
            },
        )
    # A second trip of 张三, and one arrival who has left again.
    zhang = Person.objects.get(name="张三")
    services.arrival_save(
        actor=world.clerk,
        person=zhang,
        data={
            "origin_text": "湖北省武汉市江汉区",
            "arrival_date": "2020-02-10",
            "means": "car",
            "plate": "冀R12345",
        },
    )
    Arrival.objects.filter(person__name="李四").update(status=Arrival.Status.LEFT)


def _export(world) -> list:
    buffer = io.BytesIO()
    wanted = exports.ExportRequest(
        filters=LedgerFilters(area_code=world.sjf.code), unmasked=True, reason="往返测试"
    )
    exports.write_ledger(world.commander, wanted, buffer)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    sheets = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        sheets.append((name, rows[1:]))  # the first line says who exported it and when
    return sheets, buffer.getvalue()


def _import(world, data: bytes, tmp_path, name="四间房村台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return run_import(actor=world.commander, area=world.town, source=str(path), filename=name, dry_run=False)


def _stored(world):
    people = Person.objects.filter(area=world.sjf).order_by("name").values_list(
        "name", "sex", "document_type", "document_number", "phone", "phone_other", "address",
        "registered_address", "note", "updated_at",
    )  # fmt: skip
    arrivals = Arrival.objects.filter(area=world.sjf).order_by("person__name", "arrival_date").values_list(
        "person__name", "origin_text", "origin_code", "arrival_date", "means", "plate", "transport_number",
        "category_id", "status", "screening_team", "note", "updated_at",
    )  # fmt: skip
    return list(people), list(arrivals)


def _wipe(queryset) -> None:
    """Delete records and whatever protects them (observation periods, checks…): an empty town."""
    while True:
        try:
            queryset.delete()
            return
        except (ProtectedError, RestrictedError) as exc:
            blocking = getattr(exc, "protected_objects", None) or exc.restricted_objects
            for obj in blocking:
                _wipe(type(obj)._base_manager.filter(pk=obj.pk))


def test_reimporting_a_villages_export_into_its_own_town_changes_nothing(world, tmp_path):
    _register(world)
    _sheets, data = _export(world)
    before = _stored(world)
    report = _import(world, data, tmp_path)
    rows = sum(1 for _name, rows in _sheets for _row in rows[1:])
    assert (report.created, report.updated, report.rejected, report.skipped) == (0, 0, 0, 0), report.errors
    assert report.unchanged == rows
    assert _stored(world) == before


def test_a_villages_export_imported_into_an_empty_town_exports_the_same_rows(world, tmp_path):
    _register(world)
    first, data = _export(world)
    _wipe(Person.objects.filter(area__in=[world.sjf, world.grid]))
    assert not Arrival.objects.filter(area=world.sjf).exists()
    report = _import(world, data, tmp_path)
    assert report.rejected == 0 and report.updated == 0, report.errors
    second, _data = _export(world)
    assert [name for name, _rows in second] == [name for name, _rows in first]
    for (name, rows), (_name, again) in zip(first, second, strict=True):
        assert again == rows, name
