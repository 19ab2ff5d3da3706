"""Putting people under observation: by hand, as a contact, and for an arrival the rules observe."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.core.models import AuditEntry
from cordon.observation import protocol, services, services_protocol
from cordon.observation.models import Period, ProtocolEdition
from cordon.people import services as people_services
from cordon.people.models import Arrival
from cordon.people.tests.conftest import ledger_xlsx, row

D = date.fromisoformat


def test_a_contact_is_planned_from_the_last_exposure_by_the_default_edition(world, clock, observed):
    clock(2020, 2, 16)
    period = observed(exposure=D("2020-02-15"), opened_on=D("2020-02-16"))
    assert (period.edition_id, period.mode, period.planned_end) == ("v3-4", "centralised", D("2020-02-29"))
    assert period.rules["fever_threshold"] == "37.3" and period.checks_per_day == 2
    # opened in the morning: the first check owed is this morning's
    assert period.first_slot == protocol.slot_key(D("2020-02-16"), "am")
    entry = AuditEntry.objects.get(action="observation.open", target_id=str(period.pk))
    assert entry.changes["exposure_date"] == [None, "2020-02-15"] and entry.actor == world.clerk


def test_a_contact_found_late_serves_only_the_days_that_remain(world, clock, observed):
    clock(2020, 2, 10, 15)
    period = observed(exposure=D("2020-02-01"), opened_on=D("2020-02-10"))
    assert period.planned_end == D("2020-02-15")  # not 2020-02-24
    assert period.first_slot == protocol.slot_key(D("2020-02-10"), "pm")  # found in the afternoon


def test_someone_whose_days_are_all_past_is_not_put_under_observation(world, clock, observed):
    clock(2020, 3, 1)
    with pytest.raises(ValidationError) as caught:
        observed(exposure=D("2020-02-01"), opened_on=D("2020-03-01"))
    assert "2020-02-15" in str(caught.value) and "无需再观察" in str(caught.value)


def test_by_hand_the_days_and_mode_are_given(world, clock, observed):
    clock(2020, 2, 3)
    period = observed(
        exposure=D("2020-02-03"), reason="manual", days=21, mode="home", reason_detail="村里要求"
    )
    assert period.planned_end == D("2020-02-24") and period.mode == "home"
    with pytest.raises(ValidationError) as caught:
        observed(exposure=D("2020-02-03"), reason="manual")
    assert "reason_detail" in caught.value.message_dict


def test_one_period_at_a_time(world, clock, observed, someone):
    clock(2020, 2, 3)
    person = someone()
    first = observed(exposure=D("2020-02-02"), person=person)
    with pytest.raises(ValidationError) as caught:
        observed(exposure=D("2020-02-03"), person=person)
    assert first.planned_end.isoformat() in str(caught.value)
    assert Period.objects.filter(person=person).count() == 1


def test_exposure_in_the_future_or_unknown_reason_is_refused(world, clock, observed):
    clock(2020, 2, 3)
    with pytest.raises(ValidationError):
        observed(exposure=D("2020-02-04"))
    with pytest.raises(ValidationError):
        observed(exposure=D("2020-02-01"), reason="martian")


@pytest.mark.parametrize("actor", ["guard", "viewer", "other_clerk", "neighbour"])
def test_only_observers_of_the_village_open_a_period(world, clock, someone, actor):
    clock(2020, 2, 3)
    person = someone()
    with pytest.raises(PermissionDenied):
        services.period_open(
            actor=getattr(world, actor), person=person, reason="contact", exposure_date=D("2020-02-02")
        )


def test_an_arrival_in_an_observed_ledger_is_put_under_observation_at_registration(world, clock):
    clock(2020, 1, 30, 10)
    person, arrival, _created = people_services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "武汉来人"},
        arrival_data={"origin_text": "湖北省武汉市江汉区", "arrival_date": "2020-01-28"},
    )
    period = person.observation_periods.get()
    assert (period.reason, period.arrival, period.mode) == ("arrival", arrival, "home")
    assert (period.exposure_date, period.planned_end, period.opened_on) == (
        D("2020-01-28"),
        D("2020-02-11"),
        D("2020-01-30"),
    )
    # an arrival from a ledger the rules do not observe opens nothing
    other, _a, _c = people_services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "北京来人"},
        arrival_data={"origin_text": "北京市朝阳区", "arrival_date": "2020-01-28"},
    )
    assert not other.observation_periods.exists()


def test_the_town_decides_which_ledgers_are_observed(world, clock):
    clock(2020, 1, 30)
    services_protocol.protocol_choice_save(
        actor=world.commander,
        area=world.town,
        edition=ProtocolEdition.objects.get(code="v3-4"),
        overrides={"arrival_categories": ["wuhan", "hubei", "outside"]},
    )
    person, _arrival, _created = people_services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "北京来人"},
        arrival_data={"origin_text": "北京市朝阳区", "arrival_date": "2020-01-29"},
    )
    assert person.observation_periods.get().planned_end == D("2020-02-12")


def test_a_ledger_import_puts_its_hubei_arrivals_under_observation_and_a_preview_does_not(
    world, clock, tmp_path
):
    from cordon.people.importer import run_import

    clock(2020, 2, 1)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        ledger_xlsx(
            [
                row("甲", "13108119850203111", origin="湖北省武汉市江汉区", day="2020-01-29"),
                row("乙", "13108119850203121", origin="湖北省孝感市", day="2020-01-20"),
                row("丙", "13108119850203131", origin="北京市", day="2020-01-29"),
                row("丁", "13108119850203141", origin="湖北省武汉市", day="2020-01-10"),  # all days past
            ]
        )
    )

    def run(dry_run):
        return run_import(
            actor=world.clerk, area=world.sjf, source=str(path), filename="台账.xlsx", dry_run=dry_run
        )

    assert run(True).observation_opened == 0 and not Period.objects.filter(person__name="甲").exists()
    report = run(False)
    assert report.created == 4 and report.observation_opened == 2
    names = Period.objects.filter(person__name__in=["甲", "乙", "丙", "丁"]).values_list(
        "person__name", flat=True
    )
    assert set(names) == {"甲", "乙"}
    assert run(False).observation_opened == 0  # the same ledger again opens nothing more
    assert Arrival.objects.get(person__name="甲").observation_period.planned_end == D("2020-02-12")


def test_observation_through_the_api_and_the_page(world, clock, someone, api_client, login, client):
    clock(2020, 2, 3)
    person = someone()
    api = api_client(world.clerk)
    response = api.post(
        "/api/v1/observation/periods",
        {
            "person": person.pk,
            "reason": "contact",
            "exposure_date": "2020-02-01",
            "reason_detail": "23例的密接",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["planned_end"] == "2020-02-15" and body["mode"] == "centralised"
    again = api.post(
        "/api/v1/observation/periods",
        {"person": person.pk, "reason": "contact", "exposure_date": "2020-02-01"},
        content_type="application/json",
    )
    assert again.status_code == 422 and "2020-02-15" in again.json()["message"]
    # the other village's clerk: the person is not there
    other = api_client(world.other_clerk).post(
        "/api/v1/observation/periods",
        {"person": person.pk, "reason": "contact", "exposure_date": "2020-02-01"},
        content_type="application/json",
    )
    assert other.status_code == 404

    second = someone()
    login(world.clerk)
    page = client.get(f"/observation/open/{second.pk}/")
    assert page.status_code == 200 and "集中隔离医学观察" in page.content.decode()
    response = client.post(
        f"/observation/open/{second.pk}/",
        {"reason": "fever", "exposure_date": "2020-02-03", "reason_detail": "格达检查站测温 37.9"},
    )
    period = second.observation_periods.get()
    assert response.status_code == 302 and response["Location"] == f"/observation/periods/{period.pk}/"
    assert period.reason == "fever" and period.planned_end == D("2020-02-17")
    bad = client.post(f"/observation/open/{second.pk}/", {"reason": "contact", "exposure_date": "2020-02-09"})
    assert bad.status_code == 200 and "接触日期晚于今天" in bad.content.decode()
