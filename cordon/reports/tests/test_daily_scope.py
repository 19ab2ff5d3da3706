"""Every daily-report page and endpoint that names a stored report answers 404 to the clerk of another
village and to the commander of another town — and changes nothing (until the lead lists them in
tests/test_scope_everywhere.py, this proves it here)."""

import pytest
from django.urls import reverse

from cordon.reports.testing import extend_world
from cordon.reports.tests import scope


@pytest.fixture
def reported(world):
    if not hasattr(world, "daily_report"):
        extend_world(world)
    return world


@pytest.mark.parametrize("outsider", ["other_clerk", "neighbour"])
def test_every_report_page_and_endpoint_answers_404_to_an_outsider(reported, client, api_client, outsider):
    world = reported
    client.force_login(getattr(world, outsider))
    for name, (method, kwargs) in scope.pages(world).items():
        response = getattr(client, method)(reverse(name, kwargs=kwargs))
        assert response.status_code == 404, f"{name} answered {response.status_code} to {outsider}"
    api = api_client(getattr(world, outsider))
    for (method, _template), (path, body) in scope.api_calls(world).items():
        response = (
            getattr(api, method)(path, body, content_type="application/json")
            if body
            else getattr(api, method)(path)
        )
        assert response.status_code == 404, f"{method} {path} answered {response.status_code} to {outsider}"
    own = api_client(world.commander).get(f"/api/v1/reports/daily/{world.daily_report.pk}")
    assert own.status_code == 200 and own.json()["area"] == "131081103215"  # the 404s are the scope's
    world.daily_report.refresh_from_db()
    assert world.daily_report.status == "draft" and world.daily_report.remarks == ""
