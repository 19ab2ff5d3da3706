"""A first data row taken for a header row flows into the mapping form, the mappings table and the audit."""

import io

from cordon.core import jobs
from cordon.core.models import AuditEntry
from cordon.people.models import HeaderMapping
from cordon.people.tests.regressions.helpers import id_number
from cordon.people.views_imports import queue_import


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name, self.size = name, len(data)

    def chunks(self):
        yield self.getvalue()


def test_id_number_never_ends_up_unmasked_in_the_audit_trail(world, login, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    number = id_number("13108119850203001")
    text = f"姓名,证件类型,证件号码,来源地,到达日期\n张三,身份证,{number},湖北省武汉市,2020-01-25\n"
    job = queue_import(actor=world.clerk, area=world.sjf, upload=Upload(text.encode(), "a.csv"), dry_run=True)
    jobs.run_pending()
    job.refresh_from_db()
    print(job.result["sheets"])
    # The clerk presses "save the mapping" leaving every column on "ignore".
    login(world.clerk).post(f"/people/imports/{job.pk}/mapping/", {})
    assert not HeaderMapping.objects.filter(header=number).exists()
    assert not any(number in str(e.changes) for e in AuditEntry.objects.filter(action="mapping.save"))
