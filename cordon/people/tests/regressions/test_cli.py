"""CLI: the batch job it queues is picked up by a running worker, which imports the file a second time."""

from cordon.cli import main
from cordon.core import jobs
from cordon.core.models import AuditEntry
from cordon.people import importer
from cordon.people.models import Person
from cordon.people.tests.regressions.helpers import put, xlsx

HEADERS = ["姓名", "身份证号", "村街", "来源地", "到达日期"]


def test_a_worker_polling_during_a_cli_import_does_not_import_the_file_again(
    world, tmp_path, monkeypatch, settings
):
    settings.VAR_DIR = tmp_path
    path = put(tmp_path, xlsx([["王小二", "", "四间房村", "湖北省武汉市", "2020-01-25"]], HEADERS))
    real = importer.run_import

    def worker_polls_meanwhile(**kw):
        report = real(**kw)
        jobs.run_pending()  # `cordon worker`, running as the README says, polls every second
        return report

    monkeypatch.setattr(importer, "run_import", worker_polls_meanwhile)
    main(["import", "people", str(path), "--area", world.sjf.code])
    print(AuditEntry.objects.filter(action="people.import").count())
    assert Person.objects.filter(name="王小二").count() == 1
