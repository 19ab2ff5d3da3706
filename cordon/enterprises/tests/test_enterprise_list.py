"""The enterprise list: filters, counts per status, paging, query counts, and the export with the
contact's phone masked and the export written to the access log."""

import csv
import io

import python_calamine

from cordon.core.models import AccessLog
from cordon.enterprises import services
from cordon.enterprises.testing import enterprise_data, uscc


def add(world, n, start=0):
    for i in range(start, start + n):
        services.enterprise_register(
            actor=world.clerk,
            area=world.sjf,
            data=enterprise_data(name=f"企业{i:02d}", uscc=uscc(f"91131081MA0{i:06d}"), sector="retail"),
        )


def test_counts_per_status_and_filters(world, client):
    add(world, 3)
    client.force_login(world.commander)
    page = client.get("/enterprises/")
    counts = {value: n for value, _label, n in page.context["counts"]}
    assert counts == {"closed": 4, "applied": 0, "approved": 0, "findings": 1, "suspended": 0}
    assert "复工（待整改）" in page.content.decode()
    assert len(client.get("/enterprises/?sector=retail").context["enterprises"]) == 3
    assert [e.name for e in client.get("/enterprises/?status=findings").context["enterprises"]] == [
        "霸州市四间房提琴制作坊"
    ]
    assert len(client.get(f"/enterprises/?area={world.xw.code}").context["enterprises"]) == 1


def test_the_clerk_sees_only_the_village(world, client):
    client.force_login(world.other_clerk)
    page = client.get("/enterprises/")
    assert [e.name for e in page.context["enterprises"]] == ["小湾村钢木家具厂"]
    assert "提琴" not in page.content.decode()


def test_the_list_is_paged_and_its_queries_do_not_grow(world, client, django_assert_num_queries):
    client.force_login(world.commander)
    client.get("/enterprises/")  # the session is touched once
    add(world, 5)
    # session, user, roles, areas for the filter, page count, page, counts per status, overdue count
    with django_assert_num_queries(8):
        client.get("/enterprises/")
    add(world, 60, start=5)
    with django_assert_num_queries(8):
        page = client.get("/enterprises/")
    assert len(page.context["enterprises"]) == 50 and page.context["page"].paginator.num_pages == 2


def test_the_export_masks_phones_and_is_logged(world, client, django_assert_num_queries):
    client.force_login(world.commander)
    client.get("/enterprises/")
    add(world, 3)
    # session, user, roles, the areas for the filter, the rows, the access-log entry
    with django_assert_num_queries(6):
        response = client.get("/enterprises/export/?format=xlsx&sector=manufacturing&area=" + world.sjf.code)
    values = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert values[1][0] == "名称" and [r[0] for r in values[2:]] == ["霸州市四间房提琴制作坊"]
    assert "138****5678" in values[2] and not any("13812345678" in str(v) for row in values for v in row)
    log = AccessLog.objects.get(kind="export", target_type="enterprises.enterprise")
    assert log.actor == world.commander and log.detail["rows"] == 1 and log.detail["format"] == "xlsx"
    text = client.get("/enterprises/export/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 + 5 and "13812345678" not in text and "138****5678" in text


def test_the_detail_page_reads_in_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    from datetime import date

    from cordon.enterprises import services_inspections
    from cordon.enterprises.testing import all_yes

    client.force_login(world.commander)
    client.get("/enterprises/")
    url = f"/enterprises/{world.enterprise.pk}/"
    # One more than before the audit history named its areas (issue 16); the same however many rows.
    with django_assert_num_queries(10):
        client.get(url)
    for day in (2, 3, 4):
        services_inspections.inspection_record(
            actor=world.staff,
            enterprise=world.enterprise,
            inspected_on=date(2020, 3, day),
            answers=all_yes(),
            has_dormitory=False,
            findings=[services_inspections.NewFinding(f"问题{day}", date(2020, 3, 9))],
        )
    with django_assert_num_queries(10):
        page = client.get(url)
    assert page.content.decode().count("整改期限2020-03-09") == 6  # open list and each inspection


def test_the_api_list_reads_in_a_fixed_number_of_queries(world, api_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_client(world.commander)
    api.get("/api/v1/enterprises/")  # the token's first use is stamped once
    add(world, 3)
    with CaptureQueriesContext(connection) as few:
        first = api.get("/api/v1/enterprises/?sector=retail").json()
    add(world, 60, start=3)
    with CaptureQueriesContext(connection) as many:
        second = api.get("/api/v1/enterprises/?sector=retail&page_size=100").json()
    assert first["count"] == 3 and second["count"] == 63 and len(second["items"]) == 63
    # the token, the roles, the count, the page
    assert len(many.captured_queries) == len(few.captured_queries) == 4
    assert all(e["contact_phone"] == "13812345678" for e in second["items"])
