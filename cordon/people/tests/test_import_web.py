"""The web import: upload, a background preview, mapping, commit, rejected rows; and the API."""

import io

import python_calamine

from cordon.core import jobs
from cordon.core.models import AccessLog, Job
from cordon.people.models import HeaderMapping, Person
from cordon.people.tests.conftest import HEADERS, ledger_xlsx, row

ROWS = [row("张三", "13108119850203001", "13812345601"), row("坏人", "13108119850203002", day="2030-01-01")]


def upload(client, content, name="台账.xlsx", area="131081103215"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/people/imports/", {"file": SimpleUploadedFile(name, content), "area": area})


def test_upload_previews_in_the_background_then_commits(world, client, login):
    login(world.clerk)
    response = upload(client, ledger_xlsx(ROWS))
    job = Job.objects.get(kind="people.import")
    assert response["Location"] == f"/people/imports/{job.pk}/"
    assert "排队等候中" in client.get(response["Location"]).content.decode()
    jobs.run_pending()
    page = client.get(f"/people/imports/{job.pk}/").content.decode()
    assert "预览：尚未保存任何数据" in page and "导入 1 行" in page and "在将来" in page
    assert not Person.objects.filter(name="张三").exists()
    committed = client.post(f"/people/imports/{job.pk}/commit/")
    jobs.run_pending()
    final = Job.objects.exclude(pk=job.pk).get(kind="people.import")
    assert committed["Location"] == f"/people/imports/{final.pk}/"
    assert final.result["created"] == 1 and final.result["rejected"] == 1
    assert Person.objects.get(name="张三").import_batch == final
    rejected = client.get(f"/people/imports/{final.pk}/rejected.xlsx")
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(rejected.content))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert "被拒收的行" in rows[0][0] and "clerk" in rows[0][0]  # who took them, and when
    assert rows[1][-1] == "错误说明" and rows[2][0] == "坏人" and "在将来" in rows[2][-1]
    assert AccessLog.objects.filter(actor=world.clerk, kind="export", target_id=str(final.pk)).exists()


def test_the_progress_fragment_asks_for_a_reload_when_done(world, client, login):
    login(world.clerk)
    upload(client, ledger_xlsx(ROWS))
    job = Job.objects.get(kind="people.import")
    assert "HX-Refresh" not in client.get(f"/people/imports/{job.pk}/progress/")
    jobs.run_pending()
    assert client.get(f"/people/imports/{job.pk}/progress/")["HX-Refresh"] == "true"


def test_unknown_columns_are_mapped_once_and_remembered(world, client, login):
    login(world.clerk)
    headers = [*HEADERS[:6], "来本村日期", *HEADERS[7:]]
    upload(client, ledger_xlsx([ROWS[0]], headers=headers))
    jobs.run_pending()
    job = Job.objects.get(kind="people.import")
    assert job.result["sheets"][0]["unknown"] == ["来本村日期"]
    response = client.post(f"/people/imports/{job.pk}/mapping/", {"map:来本村日期": "arrival_date"})
    jobs.run_pending()
    again = Job.objects.exclude(pk=job.pk).get(kind="people.import")
    assert response["Location"] == f"/people/imports/{again.pk}/"
    assert again.result["created"] == 1 and again.result["sheets"][0]["unknown"] == []
    assert HeaderMapping.objects.get(header="来本村日期").field == "arrival_date"


def test_an_unreadable_file_says_why(world, client, login):
    login(world.clerk)
    upload(client, b"\x89PNG\r\n\x1a\n not a ledger", name="台账.xlsx")
    jobs.run_pending()
    job = Job.objects.get(kind="people.import")
    page = client.get(f"/people/imports/{job.pk}/").content.decode()
    assert "无法读取文件" in page and "图片" in page


def test_a_guard_cannot_upload_and_another_village_is_refused(world, client, login):
    login(world.guard)
    assert upload(client, ledger_xlsx(ROWS)).status_code == 403
    login(world.clerk)
    response = upload(client, ledger_xlsx(ROWS), area=world.xw.code)
    assert response.status_code == 200 and not Job.objects.filter(kind="people.import").exists()


def test_the_api_uploads_previews_and_commits(world, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client(world.clerk)
    response = client.post(
        "/api/v1/people/imports",
        {"file": SimpleUploadedFile("t.xlsx", ledger_xlsx(ROWS)), "area": world.sjf.code},
    )
    assert response.status_code == 202 and response.json()["dry_run"] is True
    job_id = response.json()["id"]
    jobs.run_pending()
    status = client.get(f"/api/v1/people/imports/{job_id}").json()
    assert status["status"] == "done" and status["result"]["created"] == 1
    committed = client.post(f"/api/v1/people/imports/{job_id}/commit")
    assert committed.status_code == 202
    jobs.run_pending()
    assert Person.objects.filter(name="张三").exists()
    assert client.post(f"/api/v1/people/imports/{committed.json()['id']}/commit").status_code == 409
