"""Issue 15, "data silently rewritten": an import never renames anyone, never moves anyone without being
told to, says what happened to every stored record, and reads the same person twice in one file as
what it is (a second trip, a newer phone, a name conflict, or a true duplicate row).

The same rules hold on the registration form and the API, which write people too.
"""

import json

import pytest

from cordon.cli import main
from cordon.core import jobs
from cordon.core.models import AuditEntry, Job
from cordon.core.privacy import mask_document
from cordon.people import services
from cordon.people.importer import run_import
from cordon.people.models import Arrival, Person
from cordon.people.testing import id_number
from cordon.people.tests.conftest import row

NUMBER = "13108119850203001"


def importing(world, path, *, actor=None, area=None, dry_run=False, **kw):
    return run_import(
        actor=actor or world.commander,
        area=area or world.town,
        source=str(path),
        filename=path.name,
        dry_run=dry_run,
        **kw,
    )


def counts(report):
    return {k: getattr(report, k) for k in ("created", "updated", "unchanged", "rejected", "skipped")}


# --- a known number under another name -----------------------------------------------------------------


def test_a_known_number_under_another_name_is_refused_naming_both_spellings(world, ledger_file):
    yin = world.yin
    renamed = row("尹某", phone="13900000000", day="2020-02-05")
    renamed[1] = yin.document_number
    report = importing(world, ledger_file([renamed]), actor=world.clerk, area=world.sjf)
    assert counts(report) == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 1, "skipped": 0}
    (error,) = report.errors
    assert error.column == "身份证号"
    assert "尹某某" in error.message and "“尹某”" in error.message
    assert mask_document(yin.document_number) in error.message
    assert yin.document_number not in error.message, "the whole number never goes into a message"
    assert "合并" in error.message and "改正" in error.message, "the message offers the fix"
    yin.refresh_from_db()
    assert (yin.name, yin.phone) == ("尹某某", "13812345678")
    assert Arrival.objects.filter(person=yin).count() == 1, "a refused row writes nothing"


def test_a_name_conflict_in_a_preview_and_on_the_web_page_is_the_same_refusal(world, client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cordon.people.tests.conftest import ledger_xlsx

    renamed = row("尹某")
    renamed[1] = world.yin.document_number
    login(world.clerk)
    client.post(
        "/people/imports/",
        {"file": SimpleUploadedFile("台账.xlsx", ledger_xlsx([renamed])), "area": world.sjf.code},
    )
    jobs.run_pending()
    job = Job.objects.get(kind="people.import")
    assert job.result["rejected"] == 1 and job.result["created"] == 0
    page = client.get(f"/people/imports/{job.pk}/").content.decode()
    assert "尹某某" in page and "“尹某”" in page


def test_the_same_name_written_with_padding_or_another_case_is_not_a_conflict(world, ledger_file):
    padded = row("尹 某 某", day="2020-02-05")
    padded[1] = world.yin.document_number
    report = importing(world, ledger_file([padded]))
    assert report.rejected == 0, report.errors
    world.yin.refresh_from_db()
    assert world.yin.name == "尹某某"


def test_the_summary_says_updated_when_a_stored_persons_field_changed_with_a_new_arrival(world, ledger_file):
    again = row("尹某某", phone="13900000000", day="2020-02-05")
    again[1] = world.yin.document_number
    report = importing(world, ledger_file([again]))
    assert counts(report) == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0, "skipped": 0}
    assert report.updates[0]["fields"] == ["phone"]
    assert Arrival.objects.filter(person=world.yin).count() == 2


# --- the same person twice in one file -----------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_second_trip_of_the_same_person_is_a_second_arrival(world, ledger_file, dry_run):
    rows = [
        row("张三", NUMBER, "13812345601", day="2020-01-21"),
        row("张三", NUMBER, "13812345601", day="2020-02-03"),
    ]
    report = importing(world, ledger_file(rows), dry_run=dry_run)
    assert counts(report) == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 0}
    if not dry_run:
        person = Person.objects.get(document_number=id_number(NUMBER))
        assert sorted(str(d) for d in person.arrivals.values_list("arrival_date", flat=True)) == [
            "2020-01-21",
            "2020-02-03",
        ]


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("second_day", ["2020-01-21", "2020-02-03"])
def test_a_later_row_with_a_newer_phone_updates_the_person(world, ledger_file, dry_run, second_day):
    rows = [
        row("张三", NUMBER, "13812345601", day="2020-01-21"),
        row("张三", NUMBER, "13999999999", day=second_day),
    ]
    report = importing(world, ledger_file(rows), dry_run=dry_run)
    assert counts(report) == {"created": 1, "updated": 1, "unchanged": 0, "rejected": 0, "skipped": 0}
    assert report.updates[-1]["row"] == 4 and "phone" in report.updates[-1]["fields"]
    if not dry_run:
        assert Person.objects.get(document_number=id_number(NUMBER)).phone == "13999999999"


def test_one_number_with_two_names_in_one_file_is_a_conflict_that_says_so(world, ledger_file):
    rows = [row("张三", NUMBER, day="2020-01-21"), row("张三三", NUMBER, day="2020-02-03")]
    report = importing(world, ledger_file(rows))
    assert (report.created, report.rejected) == (1, 1)
    (error,) = report.errors
    assert error.row == 4 and "第 3 行" in error.message
    assert "“张三”" in error.message and "“张三三”" in error.message
    assert Person.objects.get(document_number=id_number(NUMBER)).name == "张三"


@pytest.mark.parametrize("dry_run", [False, True])
def test_only_a_true_duplicate_row_is_a_duplicate_and_it_is_said(world, ledger_file, dry_run):
    same = row("张三", NUMBER, "13812345601", day="2020-01-21")
    report = importing(world, ledger_file([same, list(same)]), dry_run=dry_run)
    assert counts(report) == {"created": 1, "updated": 0, "unchanged": 1, "rejected": 0, "skipped": 0}
    assert any(n.row == 4 and "第 3 行" in n.message for n in report.notes), report.notes


@pytest.mark.parametrize("dry_run", [False, True])
def test_rows_of_one_person_in_different_chunks_are_read_as_in_one(world, ledger_file, monkeypatch, dry_run):
    from cordon.people import import_writer

    monkeypatch.setattr(import_writer, "chunk_size", lambda: 2)
    rows = [
        row("张三", NUMBER, "13812345601", day="2020-01-21"),
        row("李四", "42010219900715002", day="2020-01-22"),
        row("王五", "13108119700101003", day="2020-01-23"),
        row("张三", NUMBER, "13999999999", day="2020-02-03"),
        row("赵六", "13108119850203010", day="2020-01-24"),
        row("张三", NUMBER, "13999999999", day="2020-02-03"),
    ]
    report = importing(world, ledger_file(rows), dry_run=dry_run)
    assert counts(report) == {"created": 4, "updated": 1, "unchanged": 1, "rejected": 0, "skipped": 0}
    assert [n.row for n in report.notes] == [8]


def test_the_same_person_without_a_document_twice_is_read_the_same_way(world, ledger_file):
    rows = [
        row("王小二", phone="13812345609", day="2020-01-21"),
        row("王小二", phone="13812345609", day="2020-02-03"),
        row("王小二", phone="13812345609", day="2020-02-03"),
    ]
    report = importing(world, ledger_file(rows))
    assert counts(report) == {"created": 2, "updated": 0, "unchanged": 1, "rejected": 0, "skipped": 0}
    assert Person.objects.filter(name="王小二").count() == 1
    assert Arrival.objects.filter(person__name="王小二").count() == 2


# --- another village's resident ------------------------------------------------------------------------


def _zhou_row(world):
    zhou = row("周某", phone="13900000002", day="2020-02-10", village="四间房村")
    zhou[1] = world.zhou.document_number
    return zhou


def test_the_cli_operator_is_refused_another_villages_resident_like_a_clerk(world, ledger_file, capsys):
    path = ledger_file([_zhou_row(world)])
    code = main(["import", "people", str(path), "--area", world.sjf.code, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["rejected"] == 1 and out["created"] == out["updated"] == 0
    assert "小湾村" in out["errors"][0]["message"] and "四间房村" in out["errors"][0]["message"]
    world.zhou.refresh_from_db()
    assert (world.zhou.area_id, world.zhou.phone) == (world.xw.code, "")
    assert not Arrival.objects.filter(person=world.zhou, area=world.sjf).exists()
    # As the village's clerk: refused too, and without saying where the person lives.
    assert main(["import", "people", str(path), "--area", world.sjf.code, "--as", "clerk", "--json"]) == 1
    clerk_out = json.loads(capsys.readouterr().out)
    assert (
        "其他村街" in clerk_out["errors"][0]["message"] and "小湾村" not in clerk_out["errors"][0]["message"]
    )


def test_the_cli_says_how_to_move_when_it_refuses_a_resident_of_another_village(world, ledger_file, capsys):
    assert main(["import", "people", str(ledger_file([_zhou_row(world)])), "--area", world.sjf.code]) == 1
    assert "--move" in capsys.readouterr().err


def test_a_town_ledger_does_not_move_a_resident_to_the_village_its_row_names(world, ledger_file):
    report = importing(world, ledger_file([_zhou_row(world)]))
    assert report.rejected == 1 and "小湾村" in report.errors[0].message
    world.zhou.refresh_from_db()
    assert world.zhou.area_id == world.xw.code


def test_move_transfers_the_resident_and_audits_it_as_a_transfer(world, ledger_file, capsys):
    path = ledger_file([_zhou_row(world)])
    code = main(["import", "people", str(path), "--area", world.sjf.code, "--move", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["updated"] == 1, out
    world.zhou.refresh_from_db()
    assert (world.zhou.area_id, world.zhou.phone) == (world.sjf.code, "13900000002")
    assert Arrival.objects.filter(person=world.zhou, area=world.sjf, arrival_date="2020-02-10").exists()
    entry = AuditEntry.objects.get(action="person.transfer", target_id=str(world.zhou.pk))
    assert entry.changes["area"] == [world.xw.code, world.sjf.code]
    assert entry.changes["phone"][1] == "139****0002", "phones are masked in the audit trail"


def test_move_does_not_reach_a_village_the_importer_has_no_role_in(world, ledger_file, capsys):
    path = ledger_file([_zhou_row(world)])
    assert main(["import", "people", str(path), "--area", world.sjf.code, "--as", "clerk", "--move"]) == 1
    world.zhou.refresh_from_db()
    assert world.zhou.area_id == world.xw.code


# --- the siblings: the registration form and the API ---------------------------------------------------


REGISTRATION = {
    "document_type": "mainland_id",
    "phone": "",
    "phone_other": "",
    "address": "",
    "registered_address": "",
    "origin_text": "湖北省武汉市江岸区",
    "arrival_date": "2020-02-10",
    "means": "",
    "plate": "",
    "transport_number": "",
    "route": "",
    "note": "",
}


def test_the_registration_form_does_not_rename_a_known_number(world, client, login):
    login(world.clerk)
    data = {
        **REGISTRATION,
        "document_number": world.yin.document_number,
        "name": "尹某",
        "area": world.sjf.code,
    }
    response = client.post("/people/register/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "尹某某" in body and "“尹某”" in body
    world.yin.refresh_from_db()
    assert world.yin.name == "尹某某"
    assert Arrival.objects.filter(person=world.yin).count() == 1


def test_the_registration_form_does_not_move_a_known_resident_to_another_village(world, client, login):
    login(world.commander)
    data = {
        **REGISTRATION,
        "document_number": world.zhou.document_number,
        "name": "周某",
        "area": world.sjf.code,
    }
    response = client.post("/people/register/", data)
    assert response.status_code == 200 and "小湾村" in response.content.decode()
    world.zhou.refresh_from_db()
    assert world.zhou.area_id == world.xw.code


def test_the_api_register_refuses_a_rename_and_a_move(world, api_client):
    api = api_client(world.commander)

    def register(name, area, number):
        body = {
            "person": {"name": name, "document_number": number, "area": area},
            "arrival": {"origin_text": "湖北省武汉市", "arrival_date": "2020-02-10"},
        }
        return api.post("/api/v1/people/register", body, content_type="application/json")

    renamed = register("尹某", world.sjf.code, world.yin.document_number)
    assert renamed.status_code == 422 and "尹某某" in json.dumps(renamed.json(), ensure_ascii=False)
    moved = register("周某", world.sjf.code, world.zhou.document_number)
    assert moved.status_code == 422 and "小湾村" in json.dumps(moved.json(), ensure_ascii=False)
    world.yin.refresh_from_db()
    world.zhou.refresh_from_db()
    assert (world.yin.name, world.zhou.area_id) == ("尹某某", world.xw.code)


def test_the_edit_page_still_renames_and_moves_on_purpose_and_a_move_is_audited_as_a_transfer(world):
    services.person_save(
        actor=world.commander,
        area=world.sjf,
        data={"name": "周某某", "document_number": world.zhou.document_number},
        person=world.zhou,
        partial=True,
    )
    world.zhou.refresh_from_db()
    assert (world.zhou.name, world.zhou.area_id) == ("周某某", world.sjf.code)
    entry = AuditEntry.objects.get(action="person.transfer", target_id=str(world.zhou.pk))
    assert entry.changes["area"] == [world.xw.code, world.sjf.code]


def test_the_shared_rule_is_one_function_the_contact_tracing_can_call(world):
    from django.core.exceptions import ValidationError

    from cordon.people import identity

    assert identity.same_name("刘玲", "刘 玲") and not identity.same_name("刘玲", "刘玲某")
    with pytest.raises(ValidationError) as refused:
        identity.refuse_name_conflict(holder=world.yin, given_name="尹某", viewer=world.clerk)
    assert "尹某某" in str(refused.value.message_dict["name"])
    identity.refuse_name_conflict(holder=world.yin, given_name="尹某某", viewer=world.clerk)  # no conflict
