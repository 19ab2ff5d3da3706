"""Retention: the town sets how long closed records are kept; a run removes what is past it, audited,
and every report keeps its figures (sent reports their frozen JSON, passages their daily counts)."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.checkpoints.models import Passage
from cordon.cli import main as cordon
from cordon.core.models import AuditEntry
from cordon.operations.models import CounsellingSession
from cordon.reports import services as reports
from cordon.reports.figures import area_figures, end_of_day
from cordon.retention import services


@pytest.fixture
def policies(world):
    for kind in ("passages", "counselling", "access_logs"):
        services.policy_set(actor=world.commander, area=world.town, kind=kind, days=30)
    return world


def test_a_run_removes_what_is_past_its_period_and_no_figure_changes(policies):
    world = policies
    today = timezone.localdate()
    sent = reports.report_send(
        actor=world.commander,
        report=reports.report_generate(actor=world.commander, area=world.town, day=today),
    )
    frozen = json.dumps(sent.figures, sort_keys=True)
    live_before = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(today))
    later = today + dt.timedelta(days=60)

    dry = services.retention_run(actor=world.operator, today=later, dry_run=True)
    counts = {row["kind"]: row["count"] for row in dry if row["area"] == world.town.code}
    assert counts["passages"] == Passage.objects.within(world.town).count() > 0
    assert counts["counselling"] >= 1
    assert Passage.objects.within(world.town).exists()
    assert not AuditEntry.objects.filter(action__startswith="retention.passages").exists()

    services.retention_run(actor=world.operator, today=later)
    assert not Passage.objects.within(world.town).exists()
    session = CounsellingSession.objects.get(pk=world.counselling.pk)
    assert session.concerns == services.ERASED and session.note == "" and session.person_id
    entry = AuditEntry.objects.get(action="retention.passages")
    assert entry.changes["count"] == counts["passages"]
    sent.refresh_from_db()
    assert json.dumps(sent.figures, sort_keys=True) == frozen
    live_after = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(today))
    assert live_after["sections"]["checkpoints"] == live_before["sections"]["checkpoints"]
    # Run again: nothing left to remove.
    again = services.retention_run(actor=world.operator, today=later)
    assert all(row["count"] == 0 for row in again if row["area"] == world.town.code)


def test_a_record_inside_its_period_stays(policies):
    world = policies
    services.retention_run(actor=world.operator, today=timezone.localdate() + dt.timedelta(days=10))
    assert Passage.objects.filter(pk=world.passage.pk).exists()
    assert CounsellingSession.objects.get(pk=world.counselling.pk).concerns != services.ERASED


def test_only_the_towns_commander_sets_periods_and_not_too_short(world):
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=world.clerk, area=world.town, kind="passages", days=60)
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=world.neighbour, area=world.town, kind="passages", days=60)
    with pytest.raises(ValidationError, match="28"):
        services.policy_set(actor=world.commander, area=world.town, kind="passages", days=7)
    with pytest.raises(ValidationError):
        services.policy_set(actor=world.commander, area=world.sjf, kind="passages", days=60)
    with pytest.raises(ValidationError):
        services.policy_set(actor=world.commander, area=world.town, kind="people", days=60)


def test_the_command_line_sets_and_runs_dry(world, capsys):
    assert cordon(["retention", "set", "--area", world.town.code, "--kind", "passages", "--days", "30"]) == 0
    later = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    capsys.readouterr()
    assert cordon(["retention", "run", "--dry-run", "--json", "--date", later]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["area"] == world.town.code and r["kind"] == "passages")
    assert row["count"] >= 1 and row["done"] is False
    assert Passage.objects.within(world.town).exists()


def test_completed_observation_of_people_not_otherwise_needed_is_anonymised_with_the_clock_moved(world):
    """钱某 arrived, was observed 14 days and released; 60 days later, past the town's 30 days, the run
    anonymises them (the rows and so every count stay); 尹某 (in the world: still needed) is kept."""
    import time_machine

    from cordon.observation import services as observation
    from cordon.observation.models import Period
    from cordon.people import services as people
    from cordon.people.models import Person

    services.policy_set(actor=world.commander, area=world.town, kind="observation", days=30)
    opened = timezone.localdate() - dt.timedelta(days=90)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(opened, dt.time(9))), tick=False):
        person, arrival, _created = people.register(
            actor=world.clerk,
            area=world.sjf,
            person_data={
                "name": "钱某",
                "document_type": "mainland_id",
                "document_number": "",
                "phone": "13900000003",
            },
            arrival_data={
                "origin_text": "湖北省孝感市",
                "arrival_date": opened.isoformat(),
                "plate": "冀R12345",
            },
        )
        period = Period.objects.filter(person=person, status="active").first() or observation.period_open(
            actor=world.clerk,
            person=person,
            reason="arrival",
            exposure_date=opened,
            arrival=arrival,
            mode="home",
        )
    ended = opened + dt.timedelta(days=14)
    Period.objects.filter(pk=period.pk).update(status="completed", outcome="completed", actual_end=ended)
    sent = reports.report_send(
        actor=world.commander,
        report=reports.report_generate(actor=world.commander, area=world.town, day=ended),
    )
    frozen = json.dumps(sent.figures, sort_keys=True)
    live_before = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(ended))
    # Inside the period (ended 76 days ago, kept 30): with the clock 40 days back nothing is due.
    early = services.retention_run(actor=world.operator, today=ended + dt.timedelta(days=20), dry_run=True)
    assert {r["kind"]: r["count"] for r in early if r["area"] == world.town.code}["observation"] == 0
    dry = services.retention_run(actor=world.operator, dry_run=True)
    due = {r["kind"]: r["count"] for r in dry if r["area"] == world.town.code}["observation"]
    assert due >= 1 and Person.objects.get(pk=person.pk).name == "钱某"
    services.retention_run(actor=world.operator)
    person.refresh_from_db()
    assert (person.name, person.phone, person.document_number) == ("已匿名", "", "")
    assert Period.objects.filter(person=person).count() == 1
    assert AuditEntry.objects.get(action="retention.observation").changes["count"] == due
    assert Person.objects.get(pk=world.yin.pk).name == world.yin.name  # still observed, or a case's
    sent.refresh_from_db()
    assert json.dumps(sent.figures, sort_keys=True) == frozen
    live_after = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(ended))
    assert live_after["sections"]["observation"] == live_before["sections"]["observation"]
    assert live_after["sections"]["screening"] == live_before["sections"]["screening"]
    assert all(
        r["count"] == 0 for r in services.retention_run(actor=world.operator) if r["kind"] == "observation"
    )
