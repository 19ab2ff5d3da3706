"""Issue 21: a hostile file never takes the town down.

Every file of the corpus (cordon.core.tests.hostile_files) is refused with a message naming what is
wrong, by the reading child, whose peak memory stays within bounds; the worker and the site go on.
A reader bug the bounds do not see costs the child only (its memory is limited), and the message
says which limit stopped it.
"""

import resource

import pytest

from cordon.core import jobs
from cordon.core.models import Job
from cordon.core.tests import hostile_files
from cordon.people import import_child
from cordon.people.importer import run_import

# What the child may add to what it inherited from the test process, measured by the child itself.
MEMORY_MARGIN_MB = 150

EXPECTED = {
    "sparse_far_cell": "1,048,576 行",
    "lone_far_cell": "未找到表头",
    "hidden_far_cell": "ALL1048576",
    "giant_dimension": "1,048,576 行",
    "zip_bomb": "1,800 MB",
    "lying_zip": "已损坏",
    "deep_xml": "嵌套超过 256 层",
    "huge_shared_strings": "4,000,000,000",
    "many_shared_strings": "xl/sharedStrings.xml",
    "wrong_content": "PDF",
    "word_as_workbook": "Word",
    "encrypted": "已加密",
    "truncated": "已损坏",
    "ods_repeated_cells": "20,002,000 个单元格",
    "ods_far_cell": "GS100003",
    "ods_deep_xml": "嵌套超过 256 层",
    "ods_zip_bomb": "1,800 MB",
    "xls_far_cell": "IV65536",
    "xls_giant_dimension": "65,536 行 × 256 列",
    "xls_huge_shared_strings": "4,000,000,000",
    "xls_truncated": "已损坏",
}


def preview(world, path):
    return run_import(
        actor=world.commander, area=world.town, source=str(path), filename=path.name, dry_run=True
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    hostile_files.main(str(directory))
    return directory


@pytest.mark.parametrize("make", hostile_files.HOSTILE, ids=lambda make: make.__name__)
def test_each_hostile_file_is_refused_with_its_message_within_bounded_memory(world, corpus, make):
    name, _data = make()
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import_child.LAST_CHILD_PEAK_RSS_KB[0] = 0
    report = preview(world, corpus / name)
    assert EXPECTED[make.__name__] in report.message, report.message
    assert report.created == report.rejected == 0
    child_kb = import_child.LAST_CHILD_PEAK_RSS_KB[0]
    assert 0 < child_kb < before_kb + MEMORY_MARGIN_MB * 1024, (child_kb, before_kb)


@pytest.mark.parametrize("name", ["good.xlsx", "good.ods"])
def test_the_honest_control_file_still_imports(world, corpus, name):
    report = preview(world, corpus / name)
    assert not report.message and report.rejected + report.created == 1


def test_the_honest_xls_ledger_still_reads(world, corpus):
    report = preview(world, corpus / "good.xls")
    assert not report.message, report.message
    assert report.total >= 1


def test_a_reader_bug_costs_the_child_only_and_names_the_memory_limit(world, corpus, settings, monkeypatch):
    from cordon.core import spreadsheet_bounds

    # Take the first wall down: the far cell reaches the reader, which asks for 33 GB.
    monkeypatch.setattr(spreadsheet_bounds, "MAX_CELLS", 10**12)
    settings.IMPORT_CHILD_MEMORY_MB = 256
    report = preview(world, corpus / "sparse_far_cell.xlsx")
    assert "256 MB" in report.message, report.message
    again = preview(world, corpus / "good.xlsx")  # this process is unharmed
    assert not again.message


def test_a_child_past_its_cpu_time_is_stopped_and_says_so(world, corpus, settings, monkeypatch):
    settings.IMPORT_CHILD_CPU_SECONDS = 1

    def spin(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr("cordon.people.importer.read_table", spin)
    report = preview(world, corpus / "good.xlsx")
    assert "1 秒" in report.message, report.message


def test_the_site_keeps_answering_while_hostile_uploads_are_refused(world, client, login, corpus):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(world.clerk)
    before = set(Job.objects.values_list("pk", flat=True))
    for name in ("sparse_far_cell.xlsx", "zip_bomb.xlsx", "huge_shared_strings.xlsx"):
        content = (corpus / name).read_bytes()
        response = client.post(
            "/people/imports/", {"file": SimpleUploadedFile(name, content), "area": world.sjf.code}
        )
        assert response.status_code == 302
    jobs.run_pending()
    ours = Job.objects.filter(kind="people.import").exclude(pk__in=before)
    assert ours.count() == 3
    for job in ours:
        assert job.status == Job.Status.DONE and job.result["message"], job.result
        page = client.get(f"/people/imports/{job.pk}/")
        assert page.status_code == 200
    assert client.get("/people/").status_code == 200
