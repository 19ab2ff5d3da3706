"""Recording temperatures: bounds, the fever threshold, symptoms, retries and corrections."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cordon.core.models import AuditEntry
from cordon.observation import services_checks
from cordon.observation.models import Alert, HealthCheck, Period

D = date.fromisoformat


def record(world, period, temperature, **kwargs):
    kwargs.setdefault("actor", world.clerk)
    return services_checks.check_record(period=period, temperature=temperature, **kwargs)


@pytest.mark.parametrize("value", ["34.0", "43.0", "36.5", "36,5", "３６．５"])
def test_temperatures_from_34_to_43_are_recorded_with_one_decimal(world, clock, observed, value):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    check, created = record(world, period, value)
    assert created and check.temperature == Decimal(value.replace(",", ".").replace("３６．５", "36.5"))
    assert (check.day, check.slot, check.source, check.recorded_by) == (
        D("2020-02-03"),
        "am",
        "staff",
        world.clerk,
    )


@pytest.mark.parametrize("value", ["33.9", "43.1", "365", "36.55", "", "发烧"])
def test_anything_else_is_refused_with_a_message_and_nothing_is_stored(world, clock, observed, value):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    with pytest.raises(ValidationError) as caught:
        record(world, period, value)
    assert caught.value.message_dict["temperature"]
    assert not HealthCheck.objects.filter(period=period).exists()


def test_a_fever_at_exactly_the_threshold_opens_an_alert_and_just_below_does_not(world, clock, observed):
    clock(2020, 2, 3, 8)
    normal = observed(exposure=D("2020-02-02"))
    record(world, normal, "37.2")
    normal.refresh_from_db()
    assert not normal.alert_open and not normal.alerts.exists()
    febrile = observed(exposure=D("2020-02-02"))
    record(world, febrile, "37.3")
    febrile.refresh_from_db()
    alert = febrile.alerts.get()
    assert febrile.alert_open and (alert.kind, alert.temperature, alert.closed_at) == (
        "fever",
        Decimal("37.3"),
        None,
    )
    assert AuditEntry.objects.filter(action="observation.alert_open", target_id=str(febrile.pk)).exists()


def test_a_local_threshold_of_37_2_applies_to_periods_planned_under_it(world, clock, someone):
    from cordon.observation import services, services_protocol
    from cordon.observation.models import ProtocolEdition

    clock(2020, 2, 3, 8)
    services_protocol.protocol_choice_save(
        actor=world.commander,
        area=world.town,
        edition=ProtocolEdition.objects.get(code="v3-4"),
        overrides={"fever_threshold": "37.2"},
    )
    period = services.period_open(
        actor=world.clerk, person=someone(), reason="contact", exposure_date=D("2020-02-02")
    )
    record(world, period, "37.2")
    assert period.alerts.get().kind == "fever"


def test_a_listed_symptom_opens_an_alert_and_an_unknown_one_is_refused(world, clock, observed):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    with pytest.raises(ValidationError) as caught:
        record(world, period, "36.5", symptoms=["打喷嚏"])
    assert "打喷嚏" in str(caught.value)
    record(world, period, "36.5", symptoms=["干咳"])
    assert period.alerts.get().kind == "symptom"


def test_later_fevers_count_on_the_open_alert_instead_of_opening_more(world, clock, observed):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    record(world, period, "37.8")
    clock(2020, 2, 3, 19)
    record(world, period, "38.4", symptoms=["乏力"])
    alert = Alert.objects.get(period=period)
    assert (alert.readings, alert.temperature, alert.symptoms) == (2, Decimal("38.4"), ["乏力"])


def test_the_same_save_sent_twice_is_one_check(world, clock, observed, api_client):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    api = api_client(world.clerk)
    body = {"temperature": "36.6", "client_id": "phone-1-abc"}
    first = api.post(f"/api/v1/observation/periods/{period.pk}/checks", body, content_type="application/json")
    second = api.post(
        f"/api/v1/observation/periods/{period.pk}/checks", body, content_type="application/json"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert HealthCheck.objects.filter(period=period).count() == 1
    # a client id is not a key to another period's check
    other = observed(exposure=D("2020-02-02"))
    reused = api.post(f"/api/v1/observation/periods/{other.pk}/checks", body, content_type="application/json")
    assert reused.status_code == 422


def test_entering_the_same_slot_again_corrects_it_and_the_correction_is_audited(world, clock, observed):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    record(world, period, "38.6")
    _check, created = record(world, period, "36.8")
    assert not created and HealthCheck.objects.filter(period=period).count() == 1
    entry = AuditEntry.objects.get(action="observation.check_correct")
    assert entry.changes["temperature"] == ["38.6", "36.8"]
    # the alert the wrong figure opened is not silently closed: someone records what happened
    period.refresh_from_db()
    assert period.alert_open and period.last_temperature == Decimal("36.8")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory, where threads lock tables; SQLite serialises writers",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submission_of_the_same_check_stores_one(clock):
    from cordon.testing import build_world

    world = build_world()
    clock(2020, 2, 3, 8)
    from cordon.observation import services
    from cordon.people import services as people_services

    person, _a, _c = people_services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "并发"},
        arrival_data={"origin_text": "北京", "arrival_date": "2020-02-01"},
    )
    period = services.period_open(
        actor=world.clerk, person=person, reason="contact", exposure_date=D("2020-02-02")
    )
    results, errors = [], []
    barrier = threading.Barrier(2)

    def submit(client_id):
        try:
            barrier.wait()
            results.append(
                services_checks.check_record(
                    actor=world.clerk, period=period, temperature="36.6", client_id=client_id
                )
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    for client_ids in (("same", "same"), ("a", "b")):  # a retry; two phones on the same slot
        threads = [threading.Thread(target=submit, args=(cid,)) for cid in client_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert HealthCheck.objects.filter(period=period).count() == 1


def test_days_outside_the_period_or_in_the_future_are_refused(world, clock, observed):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    for day in (D("2020-02-04"), D("2020-02-01")):
        with pytest.raises(ValidationError) as caught:
            record(world, period, "36.5", day=day)
        assert "day" in caught.value.message_dict
    with pytest.raises(ValidationError):
        record(world, period, "36.5", slot="day")  # two checks a day: no "daily" slot


def test_an_ended_period_takes_no_more_checks(world, clock, observed):
    from cordon.observation import services

    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    services.period_close(actor=world.head, period=period, outcome="left_area", note="去北京")
    with pytest.raises(ValidationError):
        record(world, period, "36.5")


@pytest.mark.parametrize("actor", ["guard", "viewer", "other_clerk", "neighbour"])
def test_only_observers_of_the_village_record_checks(world, clock, observed, actor):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    with pytest.raises(PermissionDenied):
        record(world, period, "36.5", actor=getattr(world, actor))


def test_the_round_page_saves_as_json_and_falls_back_to_a_plain_post(world, clock, observed, login, client):
    clock(2020, 2, 3, 19)
    period = observed(exposure=D("2020-02-02"))
    login(world.clerk)
    url = f"/observation/periods/{period.pk}/check/"
    data = {"temperature": "37.9", "day": "2020-02-03", "slot": "pm", "client_id": "r1"}
    answer = client.post(url, data, headers={"accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["fever"] and answer.json()["alert_open"]
    bad = client.post(
        url, {**data, "temperature": "3.7", "client_id": "r2"}, headers={"accept": "application/json"}
    )
    assert bad.status_code == 422 and "34.0" in bad.json()["message"]
    plain = client.post(
        url, {**data, "temperature": "36.9", "client_id": "r3", "next": "/observation/round/"}
    )
    assert plain.status_code == 302 and plain["Location"] == "/observation/round/"
    assert HealthCheck.objects.get(period=period, slot="pm").temperature == Decimal("36.9")
    # another village's clerk gets a 404, and nothing changes
    login(world.other_clerk)
    assert client.post(url, {**data, "client_id": "r4"}).status_code == 404
    assert Period.objects.get(pk=period.pk).last_temperature == Decimal("36.9")
