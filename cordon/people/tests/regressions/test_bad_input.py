import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/people/ledgers/?after=2020-01-25.99999999999999999999999",
        "/people/99999999999999999999999/",
        "/people/imports/99999999999999999999999/",
        "/people/?q=99999999999999999999999",
        "/people/register/lookup/?document_type=passport&document_number=" + "A" * 5000,
        "/people/ledgers/?category=%00",
        "/people/ledgers/export/?date_from=2020-02-30",
    ],
)
def test_no_500(world, login, url):
    client = login(world.clerk)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people/99999999999999999999999",
        "/api/v1/people/imports/99999999999999999999999",
        "/api/v1/people/ledgers/arrivals?page=99999999999999999999",
        "/api/v1/people/ledgers/arrivals?date_from=2020-02-30",
    ],
)
def test_api_no_500(world, api_client, url):
    client = api_client(world.clerk)
    client.raise_request_exception = False
    response = client.get(url)
    print(response.content[:300])
    assert response.status_code < 500, (url, response.status_code)
