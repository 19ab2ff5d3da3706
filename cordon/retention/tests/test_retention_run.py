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
