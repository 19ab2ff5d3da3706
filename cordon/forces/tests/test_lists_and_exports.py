"""The personnel and team lists: filters, masked phones, paging with pinned queries, masked exports."""

import csv
import io

import python_calamine
from django.urls import reverse

from cordon.core.models import AccessLog
from cordon.forces import services
from cordon.people.testing import id_number


def test_the_list_searches_and_filters_and_masks_phones(world, login):
    client = login(world.clerk)
    page = client.get(reverse("forces:index")).content.decode()
    assert "门岗甲" in page and "志愿者乙" in page and "党员丙" not in page
    assert "13912345678" not in page and "139****5678" in page
    assert "门岗甲" not in client.get(reverse("forces:index") + "?q=志愿").content.decode()
    assert "门岗甲" not in client.get(reverse("forces:index") + "?kind=volunteer").content.decode()
    by_team = client.get(reverse("forces:index") + f"?team={world.team.pk}").context["page"].paginator.count
    assert by_team == 2


def test_the_list_pages_with_a_fixed_number_of_queries(world, login, django_assert_num_queries):
    services.personnel_register_many(
        actor=world.clerk,
        area=world.sjf,
        rows=[
            {
                "person": {
                    "name": "队员" + chr(0x4E00 + n),
                    "document_number": id_number(f"13108119910701{n:03d}"),
                },
                "data": {"kind": "volunteer", "phone": "13800000000"},
            }
            for n in range(1, 61)
        ],
    )
    client = login(world.clerk)
    client.get(reverse("forces:index"))
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("forces:index"))
    assert len(response.context["rows"]) == 50
    with django_assert_num_queries(QUERIES):
        assert len(client.get(reverse("forces:index") + "?page=2").context["rows"]) == 12


QUERIES = 7


def test_the_xlsx_export_masks_numbers_says_who_and_is_logged(world, login):
    client = login(world.clerk)
    response = client.get(reverse("forces:index") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = workbook.get_sheet_by_index(0).to_python()
    text = repr(rows)
    assert "13912345678" not in text and "139****5678" in text
    assert world.guard_personnel.person.document_number not in text and "********" in text
    assert "clerk" in str(rows[0][0])
    assert AccessLog.objects.filter(actor=world.clerk, kind="export", target_type="forces.personnel").exists()


def test_the_csv_exports_mask_numbers_and_keep_to_the_scope(world, login):
    client = login(world.other_clerk)
    content = client.get(reverse("forces:index") + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert any("党员丙" in r for r in rows) and not any("门岗甲" in r for r in rows)
    teams = login(world.clerk).get(reverse("forces:teams") + "?format=csv").content.decode("utf-8-sig")
    assert "四间房村排查一组" in teams and "139****5678" in teams and "13912345678" not in teams
    assert "小湾村卡点值守" not in teams
    assert AccessLog.objects.filter(kind="export", target_type="forces.teams").count() == 1


def test_the_team_page_and_the_api_lists_cost_fixed_queries(
    world, login, api_client, django_assert_num_queries
):
    client = login(world.head)
    url = reverse("forces:team", args=[world.team.pk])
    client.get(url)
    with django_assert_num_queries(TEAM_QUERIES):
        client.get(url)
    made = services.personnel_register_many(
        actor=world.head,
        area=world.sjf,
        rows=[
            {
                "person": {
                    "name": "队员" + chr(0x4E10 + n),
                    "document_number": id_number(f"13108119920801{n:03d}"),
                },
                "data": {"kind": "activist"},
            }
            for n in range(1, 11)
        ],
    )
    for member in made:
        services.team_member_add(actor=world.head, team=world.team, personnel=member)
    with django_assert_num_queries(TEAM_QUERIES):
        assert len(client.get(url).context["members"]) == 12
    api = api_client(world.head)
    with django_assert_num_queries(API_QUERIES):
        listed = api.get("/api/v1/forces/personnel").json()
    assert listed["count"] == 12 and {r["phone"] for r in listed["items"]} >= {"13912345678"}
    guard = api_client(world.guard).get("/api/v1/forces/personnel").json()
    assert "13912345678" not in repr(guard) and "139****5678" in repr(guard)


TEAM_QUERIES = 10
API_QUERIES = 5
