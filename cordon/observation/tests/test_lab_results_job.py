"""Lab results in bulk as a background job: progress while it runs, and the command line
(``cordon import-lab-results FILE --as USER``), which records the same job (``pytest -k lab_result``)."""

import json

from cordon.cli import main
from cordon.core import jobs
from cordon.core.models import Job
from cordon.notifications import selectors as notification_selectors
from cordon.observation import lab_import
from cordon.observation.jobs import LAB_JOB
from cordon.observation.models import LabTest
from cordon.observation.tests.test_lab_results_import import ledger  # noqa: F401 — shared fixture


def test_lab_result_import_reports_its_progress_to_the_end(world, ledger):  # noqa: F811
    seen = []
    with ledger.open("rb") as handle:
        lab_import.import_lab_results(
            actor=world.health,
            area=world.town,
            path_or_file=handle,
            filename=ledger.name,
            dry_run=True,
            on_progress=lambda done, total: seen.append((done, total)),
        )
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_lab_result_cli_previews_then_imports_once_and_records_a_job(world, ledger, capsys):  # noqa: F811
    args = ["import-lab-results", str(ledger), "--as", world.health.username]
    assert main([*args, "--dry-run", "--json"]) == 1  # some rows rejected
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] and summary["created"] == 4 and summary["rejected"] == 4
    assert LabTest.objects.filter(tube="T2").count() == 0
    assert main(args) == 1
    out = capsys.readouterr()
    assert "阳性" in out.out and "行" in out.err
    assert LabTest.objects.filter(tube="T2").count() == 2
    rejected = ledger.with_name(f"{ledger.stem}-rejected.xlsx")
    assert rejected.exists()
    job = Job.objects.filter(kind=LAB_JOB, params__source="cli").latest("id")
    assert job.status == Job.Status.DONE and job.result["created"] == 4 and job.percent == 100
    assert notification_selectors.inbox_for(world.health).filter(key=f"import:{job.pk}").exists()
    assert jobs.claim_next() is None or jobs.claim_next().kind != LAB_JOB  # the worker never reruns it
    # Imported twice: nothing changes.
    assert main([*args, "--json"]) == 1
    again = json.loads(capsys.readouterr().out)
    assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 4


def test_lab_result_cli_refuses_a_clerk_and_an_unknown_file(world, ledger, capsys):  # noqa: F811
    assert main(["import-lab-results", str(ledger), "--as", world.clerk.username]) == 1
    assert LabTest.objects.filter(tube="T2").count() == 0
    assert main(["import-lab-results", "/nonexistent.xlsx", "--as", world.health.username]) == 1
    assert (
        main(["import-lab-results", str(ledger), "--as", world.health.username, "--area", world.east.code])
        == 1
    )
