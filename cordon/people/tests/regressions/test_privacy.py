"""Scope and privacy defects around imports."""

import io

import pytest

from cordon.core import jobs
from cordon.core.models import AccessLog
from cordon.people.tests.regressions.helpers import id_number, xlsx
from cordon.people.views_imports import queue_import


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name, self.size = name, len(data)

    def chunks(self):
        yield self.getvalue()


@pytest.fixture
def rejected_job(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    number = id_number("13108119850203001")
    headers = ["姓名", "身份证号", "手机号", "村街", "来源地", "到达日期"]
    rows = [["张三", number, "13812345601", "四间房村", "湖北省武汉市", "2099-01-25"]]  # future: rejected
    job = queue_import(
        actor=world.clerk, area=world.sjf, upload=Upload(xlsx(rows, headers), "台账.xlsx"), dry_run=True
    )
    jobs.run_pending()
    job.refresh_from_db()
    assert job.result["rejected"] == 1 and job.result["rejected_file"]
    return job, number


@pytest.mark.parametrize("who", ["guard", "viewer"])
def test_roles_that_see_masked_numbers_cannot_download_the_rejected_rows(
    world, login, client, rejected_job, who
):
    job, _number = rejected_job
    assert login(getattr(world, who)).get(f"/people/imports/{job.pk}/rejected.xlsx").status_code == 404
    assert client.get(f"/people/imports/{job.pk}/").status_code == 404


def test_rejected_rows_download_is_in_the_access_log(world, login, rejected_job):
    job, _number = rejected_job
    before = AccessLog.objects.count()
    from django.test import Client

    c = Client()
    c.force_login(world.clerk)
    r = c.get(f"/people/imports/{job.pk}/rejected.xlsx")
    assert r.status_code == 200
    assert AccessLog.objects.count() == before + 1


def test_api_viewer_cannot_download_rejected_rows(world, api_client, rejected_job):
    job, _number = rejected_job
    response = api_client(world.viewer).get(f"/api/v1/people/imports/{job.pk}/rejected.xlsx")
    assert response.status_code == 404, "a county viewer downloads whole ID numbers"
