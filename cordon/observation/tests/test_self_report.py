"""Self-reporting through a personal link: signed by its secret, expiring, revocable, no login."""

import hashlib
import re
from datetime import date

from cordon.observation import services
from cordon.observation.models import HealthCheck, SelfReportLink

D = date.fromisoformat


def make_link(world, period, client, login):
    login(world.clerk)
    page = client.post(f"/observation/periods/{period.pk}/link/").content.decode()
    url = re.search(r'id="self-link">([^<]+)<', page).group(1)
    client.logout()
    return url.replace("http://testserver", ""), page


def test_a_link_is_shown_once_with_a_qr_code_and_only_its_hash_is_kept(world, clock, observed, client, login):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    path, page = make_link(world, period, client, login)
    secret = path.strip("/").split("/")[-1]
    assert "<svg" in page and len(secret) >= 30
    link = SelfReportLink.objects.get(period=period)
    assert link.key_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(link.__dict__)
    assert link.expires_at.date() == D("2020-02-16")


def test_the_person_reports_without_an_account_and_a_fever_alerts_the_clerk(
    world, clock, observed, client, login
):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    path, _page = make_link(world, period, client, login)
    form = client.get(path)
    body = form.content.decode()
    assert (
        form.status_code == 200 and "报告体温" in body and period.person.name not in body
    )  # the name masked
    response = client.post(path, {"temperature": "37.9", "symptoms": ["干咳"], "client_id": "self-1"})
    assert response.status_code == 200 and "已收到" in response.content.decode()
    check = HealthCheck.objects.get(period=period)
    assert (check.source, check.recorded_by, check.slot, check.symptoms) == ("self", None, "am", ["干咳"])
    period.refresh_from_db()
    assert period.alert_open
    client.post(path, {"temperature": "37.9", "symptoms": ["干咳"], "client_id": "self-1"})  # sent again
    assert HealthCheck.objects.filter(period=period).count() == 1
    bad = client.post(path, {"temperature": "99", "client_id": "self-2"})
    assert bad.status_code == 422 and "34.0" in bad.content.decode()


def test_a_wrong_revoked_replaced_or_expired_link_no_longer_works(world, clock, observed, client, login):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    first, _page = make_link(world, period, client, login)
    assert client.get(first[:-5] + "xxxx/").status_code == 404
    second, _page = make_link(world, period, client, login)
    gone = client.get(first)
    assert gone.status_code == 404 and "已失效" in gone.content.decode()
    assert client.get(second).status_code == 200
    link = SelfReportLink.objects.get(period=period, revoked_at__isnull=True)
    services.link_revoke(actor=world.clerk, link=link)
    assert client.get(second).status_code == 404
    third, _page = make_link(world, period, client, login)
    clock(2020, 2, 17, 8)  # past the period's end
    assert client.post(third, {"temperature": "36.5"}).status_code == 404
    assert not HealthCheck.objects.filter(period=period).exists()


def test_a_link_stops_with_the_period(world, clock, observed, client, login):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    path, _page = make_link(world, period, client, login)
    services.period_close(actor=world.head, period=period, outcome="left_area", note="去天津")
    assert client.get(path).status_code == 404


def test_links_through_the_api(world, clock, observed, api_client):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    api = api_client(world.clerk)
    made = api.post(f"/api/v1/observation/periods/{period.pk}/links")
    assert made.status_code == 201 and "/r/" in made.json()["url"]
    assert api_client(world.guard).post(f"/api/v1/observation/periods/{period.pk}/links").status_code == 403
    assert api.delete(f"/api/v1/observation/links/{made.json()['id']}").status_code == 204
