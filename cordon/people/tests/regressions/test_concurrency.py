"""Races and crashes in the importer."""

import io

from cordon.core import jobs
from cordon.core.models import AuditEntry, Job
from cordon.people import import_writer, services
from cordon.people.models import Person
from cordon.people.tests.regressions.helpers import id_number, imp, put, xlsx

HEADERS = ["姓名", "身份证号", "村街", "来源地", "到达日期"]


def _race_form_registration(monkeypatch, world, number):
    """A clerk registers ``number`` through the form between the importer's lookup and its insert."""
    real = import_writer.Writer._known_people

    def known_then_someone_registers(self, rows):
        found = real(self, rows)
        if (
            any(r.key[2:] == (number,) for r in rows)
            and not Person.objects.filter(document_number=number).exists()
        ):
            services.register(
                actor=world.clerk,
                area=world.sjf,
                person_data={"name": "张三", "document_number": number},
                arrival_data={"origin_text": "湖北省武汉市", "arrival_date": "2020-01-20"},
            )
        return found

    monkeypatch.setattr(import_writer.Writer, "_known_people", known_then_someone_registers)


def test_import_racing_a_form_registration_does_not_crash(world, tmp_path, monkeypatch):
    monkeypatch.setattr(import_writer, "chunk_size", lambda: 1)
    first, raced = id_number("13108119850203011"), id_number("13108119850203001")
    rows = [
        ["李四", first, "四间房村", "湖北省武汉市", "2020-01-25"],
        ["张三", raced, "四间房村", "湖北省武汉市", "2020-01-25"],
    ]
    _race_form_registration(monkeypatch, world, raced)
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)))  # should reject/merge the row, not raise
    assert report.total == 2


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name, self.size = name, len(data)

    def chunks(self):
        yield self.getvalue()


def test_a_crash_mid_import_leaves_audited_chunks(world, tmp_path, settings, monkeypatch):
    from cordon.people.views_imports import queue_import

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(import_writer, "chunk_size", lambda: 1)
    first, raced = id_number("13108119850203011"), id_number("13108119850203001")
    rows = [
        ["李四", first, "四间房村", "湖北省武汉市", "2020-01-25"],
        ["张三", raced, "四间房村", "湖北省武汉市", "2020-01-25"],
    ]
    _race_form_registration(monkeypatch, world, raced)
    job = queue_import(
        actor=world.clerk, area=world.sjf, upload=Upload(xlsx(rows, HEADERS), "a.xlsx"), dry_run=False
    )
    jobs.run_pending()
    job.refresh_from_db()
    print(job.status, job.message, job.result)
    li = Person.objects.get(name="李四")  # the first chunk is committed
    assert li.import_batch_id == job.pk
    assert job.status == Job.Status.DONE, "the import failed after storing rows"
    assert AuditEntry.objects.filter(action="people.import").exists(), "stored rows without an audit entry"


def test_double_commit_queues_one_import(world, tmp_path, settings, login):
    from cordon.people.views_imports import queue_import

    settings.VAR_DIR = tmp_path
    rows = [["王小二", "", "四间房村", "湖北省武汉市", "2020-01-25"]]
    preview = queue_import(
        actor=world.clerk, area=world.sjf, upload=Upload(xlsx(rows, HEADERS), "a.xlsx"), dry_run=True
    )
    jobs.run_pending()
    client = login(world.clerk)
    client.post(f"/people/imports/{preview.pk}/commit/")
    client.post(f"/people/imports/{preview.pk}/commit/")  # a double tap
    jobs.run_pending()
    assert Person.objects.filter(name="王小二").count() == 1
