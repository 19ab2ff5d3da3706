"""The seed town, end to end: ``cordon demo`` loaded once (``seed_town``), and the seed report's facts
read back from the records through the apps' selectors and scopes, as the town's commander (or, for
what only they see, the counsellor and the village's guard) would read them."""

from collections import Counter
from datetime import date, datetime

import pytest
from django.db.models import Count, Sum

from cordon.accounts.models import User
from cordon.cases.models import Case
from cordon.cases.selectors import case_by_reference, case_contacts
from cordon.checkpoints.models import Checkpoint, Passage, PassageDayCount
from cordon.checkpoints.selectors import (
    checkpoints_for,
    counts_by_day_and_checkpoint,
    day_counts,
    day_passages,
)
from cordon.enterprises.models import Inspection
from cordon.enterprises.selectors import Filters, enterprises
from cordon.forces.selectors import personnel_list, team_list
from cordon.lockdowns.models import ExitPass, Lockdown, PassDecision, SupplyDelivery
from cordon.lockdowns.services import active_lockdown
from cordon.lockdowns.services_supplies import households_on
from cordon.observation.models import Alert, HealthCheck, Period
from cordon.operations.models import CounsellingSession, DisinfectionTask, Rumour
from cordon.people.selectors import LedgerFilters, ledger_counts

VILLAGE = "131081103215"
SEED_DAY = date(2020, 2, 21)


@pytest.fixture
def users(seed_town):
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def commander(users):
    return users["zhihui"]


def test_the_ledgers_hold_51_hubei_arrivals_25_from_wuhan_and_374_from_elsewhere(commander):
    # As of 21 February: the observation drill adds recent arrivals (演练) dated from today.
    counts = ledger_counts(commander, LedgerFilters(date_to=SEED_DAY))
    assert counts["wuhan"] == 25
    assert counts["wuhan"] + counts["hubei"] == 51
    assert sum(n for category, n in counts.items() if category not in ("wuhan", "hubei")) == 374


def test_every_hubei_arrival_completed_observation_by_21_february_without_fever(commander):
    periods = Period.objects.visible_to(commander).filter(arrival__category_id__in=["wuhan", "hubei"])
    assert periods.count() == 51
    assert set(periods.values_list("status", flat=True)) == {Period.Status.COMPLETED}
    checks = HealthCheck.objects.filter(period__in=periods)
    assert checks.count() >= 51 * 14 * 2 - 51  # morning and evening, for fourteen days
    assert not checks.filter(temperature__gte="37.3").exists()
    assert not Alert.objects.visible_to(commander).filter(period__in=periods).exists()


def test_every_hubei_observation_ended_by_21_february(commander):
    periods = Period.objects.visible_to(commander).filter(arrival__category_id__in=["wuhan", "hubei"])
    assert max(periods.values_list("actual_end", flat=True)) <= SEED_DAY


def test_case_23_confirmed_on_9_february_with_39_contacts_38_released_1_in_none_a_case(commander):
    case = case_by_reference(commander, "廊坊市第23例")
    assert case is not None and case.area_id == VILLAGE
    assert case.classification == Case.Classification.CONFIRMED
    assert case.confirmed_on == date(2020, 2, 9)
    contacts = case_contacts(case, commander)
    assert contacts.counts["traced"] == 39
    assert contacts.counts["released"] == 38
    assert contacts.counts["in_quarantine"] == 1
    assert contacts.counts.get("became_case", 0) == 0
    assert {row.place for row in contacts.rows if row.status == "in_quarantine"} == {"霸州市第二医院"}


def test_sijianfang_is_sealed_from_9_february_with_its_rules(commander):
    lockdown = Lockdown.objects.visible_to(commander).get(area_id=VILLAGE)
    assert active_lockdown(VILLAGE) == lockdown
    assert active_lockdown(VILLAGE, at=datetime.fromisoformat("2020-02-09T21:00+08:00")) is None
    assert lockdown.starts_at.date() == date(2020, 2, 9) and lockdown.sealed_by == commander
    assert set(lockdown.exit_reasons) == set(Lockdown.Reason.values)
    assert "不进村" in lockdown.entry_exceptions


def test_exit_passes_went_through_the_village_head_then_the_town(commander, users):
    passes = ExitPass.objects.visible_to(commander).filter(area_id=VILLAGE)
    statuses = Counter(passes.values_list("status", flat=True))
    assert statuses == {"approved": 10, "rejected": 2}
    for exit_pass in passes.filter(status="approved", urgent_medical=False):
        levels = [(d.level, d.by.username) for d in exit_pass.decisions.all()]
        assert levels == [("village", "sjf_head"), ("town", "zhihui")]
        assert exit_pass.applied_by == users["sjf_clerk"]
        assert exit_pass.valid_from.year == 2020 and exit_pass.valid_from.month == 2
    urgent = passes.get(urgent_medical=True)
    assert urgent.status == "approved" and urgent.town_review_pending
    assert list(urgent.decisions.values_list("level", flat=True)) == [PassDecision.Level.VILLAGE]


def test_supplies_reached_the_village_gate_and_households_buy_every_three_days(commander):
    lockdown = Lockdown.objects.visible_to(commander).get(area_id=VILLAGE)
    deliveries = SupplyDelivery.objects.visible_to(commander).filter(lockdown=lockdown)
    kinds = set(deliveries.values_list("kind", flat=True))
    assert {"grain", "vegetables", "medicine"} <= kinds
    assert all(d.supplier and d.received_by and d.quantity > 0 for d in deliveries)
    assert {d.delivered_at.date() for d in deliveries} <= {date(2020, 2, d) for d in range(10, 22)}
    rotation = lockdown.rotation
    assert rotation.every_days == 3 and rotation.people_per_trip == 1
    sizes = Counter(rotation.members.values_list("batch", flat=True))
    assert set(sizes) == {1, 2, 3} and max(sizes.values()) - min(sizes.values()) <= 1
    day1 = list(households_on(rotation, rotation.starts_on))
    assert day1 and list(households_on(rotation, date(2020, 2, 13))) == day1


def test_the_town_has_46_screening_teams_62_checkpoints_and_over_1000_personnel(commander):
    assert team_list(commander, kind="screening").count() == 46
    gates = checkpoints_for(commander, kind=Checkpoint.Kind.VILLAGE_GATE)
    assert gates.count() == 62
    stations = checkpoints_for(commander, kind=Checkpoint.Kind.INSPECTION_STATION)
    assert sorted(stations.values_list("name", flat=True)) == ["北崔检查站", "格达检查站"]
    assert personnel_list(commander).count() > 1000


def test_passages_at_the_sealed_village_and_the_stations_agree_with_the_daily_roll_up(commander, users):
    passages = Passage.objects.visible_to(commander)
    assert passages.count() > 1000
    assert set(passages.values_list("day", flat=True)) <= {date(2020, 2, d) for d in range(1, 22)}
    counted = {
        (r["checkpoint_id"], r["day"]): r["n"]
        for r in passages.values("checkpoint_id", "day").annotate(n=Count("id"))
    }
    rolled = {(r.checkpoint_id, r.day): r.total for r in PassageDayCount.objects.visible_to(commander)}
    assert counted == rolled
    table = counts_by_day_and_checkpoint(commander, "", date(2020, 2, 1), SEED_DAY)
    assert sum(t["total"] for t in table.totals) == passages.count()
    stations = passages.filter(checkpoint__kind=Checkpoint.Kind.INSPECTION_STATION)
    assert stations.filter(subject="vehicle").count() == stations.count()
    assert stations.aggregate(n=Sum("passengers"))["n"] > stations.count()
    referred = passages.filter(decision="referred")
    assert referred.count() == 3 and all(p.fever for p in referred)
    assert passages.filter(decision="turned_back").count() > 20


def test_after_the_seal_villagers_go_out_only_with_an_approved_pass(users):
    guard = users["sjf_guard"]
    east = checkpoints_for(guard).get(name="四间房村东口卡点")
    sealed = Lockdown.objects.get(area_id=VILLAGE).starts_at
    after = Passage.objects.visible_to(guard).filter(occurred_at__gte=sealed, person__isnull=False)
    allowed_out = after.filter(direction="out", decision="allowed")
    assert allowed_out.exists()
    assert not allowed_out.filter(exit_pass__isnull=True).exists()
    for passage in allowed_out.select_related("exit_pass"):
        assert passage.exit_pass.status == "approved"
        assert passage.exit_pass.valid_from <= passage.occurred_at <= passage.exit_pass.valid_until
    refused = after.filter(direction="out", decision="turned_back")
    assert refused.exists() and all("sealed_no_pass" in p.flags for p in refused)
    day = date(2020, 2, 12)
    listed = list(day_passages(east, day))
    assert listed and day_counts(east, day)["total"] == len(listed)


def test_homes_and_roads_disinfected_counselling_held_a_rumour_rebutted(commander, users):
    tasks = DisinfectionTask.objects.visible_to(commander)
    assert tasks.filter(kind="house", case__authority="廊坊市", case__number="23").count() >= 40
    assert tasks.filter(area_id=VILLAGE, kind__in=["road", "alley"]).count() >= 8
    assert CounsellingSession.objects.visible_to(users["xinli"]).count() >= 1
    assert Rumour.objects.visible_to(commander).filter(status="rebutted").count() >= 1


def test_enterprises_were_inspected_on_reopening(commander):
    rows = enterprises(commander, Filters())
    assert rows.count() >= 1
    inspections = Inspection.objects.filter(enterprise__in=rows)
    assert inspections.exists()
    assert all(i.inspected_on.year == 2020 and i.inspected_on.month == 2 for i in inspections)


def test_protective_stock_adds_up_and_the_suits_run_below_the_towns_level(commander, users):
    from cordon.reports.figures import area_figures, end_of_day
    from cordon.stock.models import Movement

    town = users["zhihui"].area
    figures = area_figures(viewer=commander, area=town, as_of=end_of_day(SEED_DAY))["sections"]["stock"][
        "figures"
    ]
    for item in ("mask", "suit", "disinfectant", "thermometer", "test_kit"):
        received, issued, used = (figures[f"{k}_{item}"]["value"] for k in ("received", "issued", "used"))
        assert received - issued - used == figures[f"on_hand_{item}"]["value"]
    assert figures["on_hand_suit"]["value"] == 48 and figures["below_warning"]["value"] == 1
    # The protective deliveries of 11 February count as issues, once each; 20 February's waits.
    counted = Movement.objects.visible_to(commander).filter(delivery__isnull=False)
    assert counted.count() == 2
    waiting = SupplyDelivery.objects.filter(kind="protective", stock_issue__isnull=True)
    assert [d.delivered_at.day for d in waiting] == [20]
    # The village's clerk reads the village's stores, the other village's clerk none of them.
    assert Movement.objects.visible_to(users["sjf_clerk"]).exists()
    assert not Movement.objects.visible_to(users["xw_clerk"]).exists()
