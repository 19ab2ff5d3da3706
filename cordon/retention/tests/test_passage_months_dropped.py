"""On PostgreSQL, retention drops a month of passages whole once every town's period has passed it: the
dry run names the month, the run drops its partition (and its people on board), audited per town, and
the daily roll-up and a report sent that month keep every figure. A town without a period for
passages keeps the month whole; the other town's passages then go row by row."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cordon.checkpoints import partitions
from cordon.checkpoints.models import Occupant, Passage, PassageDayCount
from cordon.cli import main as cordon
from cordon.core import partitions as months
from cordon.core.models import AuditEntry
from cordon.gate import passages
from cordon.reports import services as reports
from cordon.reports.figures import area_figures, end_of_day
from cordon.retention import services

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no partitioned tables"
)


def three_months_ago() -> dt.date:
    start = months.month_start(timezone.localdate())
    for _ in range(3):
        start = months.month_start(start - dt.timedelta(days=1))
    return start + dt.timedelta(days=9)


@pytest.fixture
def old_month(world):
    """Passages at two gates on a day three months ago (a vehicle with people on board among them),
    and the town's report of that day, sent."""
    day = three_months_ago()
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))), tick=False):
        for name in ("甲", "乙"):
            passages.passage_record(
                actor=world.guard,
                checkpoint=world.sjf_gate,
                data={"direction": "in", "decision": "allowed", "name": name},
            )
        world.old_vehicle, _created = passages.passage_record(
            actor=world.commander,
            checkpoint=world.station,
            data={
                "direction": "in",
                "decision": "allowed",
                "subject": "vehicle",
                "plate": "冀R12345",
                "occupants": [{"name": "司机", "temperature": "36.5"}],
            },
        )
        world.old_report = reports.report_send(
            actor=world.commander,
            report=reports.report_generate(actor=world.commander, area=world.town, day=day),
        )
    partitions.passage_months_make(today=timezone.localdate())  # they waited in DEFAULT until now
    world.old_day = day
    world.old_partition = months.month_name("checkpoints_passage", months.month_start(day))
    return world


def roll_up():
    return sorted(PassageDayCount.objects.values_list("checkpoint_id", "day", *PassageDayCount.FIGURES))


def exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def test_a_month_every_towns_period_has_passed_is_dropped_whole_and_no_figure_changes(old_month, capsys):
    world = old_month
    assert exists(world.old_partition) and partitions.passages_waiting() == 0
    services.policy_set(actor=world.commander, area=world.town, kind="passages", days=30)
    services.policy_set(actor=world.neighbour, area=world.neighbour_town, kind="passages", days=60)
    frozen = json.dumps(world.old_report.figures, sort_keys=True)
    live = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(world.old_day))
    counted = roll_up()
    assert Occupant.objects.filter(passage=world.old_vehicle).exists()

    assert cordon(["retention", "run", "--dry-run"]) == 0
    assert world.old_partition in capsys.readouterr().out.splitlines()[-1]
    dry = services.retention_run(actor=world.operator, dry_run=True)
    row = next(r for r in dry if r["area"] == world.town.code and r["kind"] == "passages")
    assert row["months"] == [world.old_partition] and row["count"] == 3 and not row["done"]
    assert (
        exists(world.old_partition)
        and not AuditEntry.objects.filter(action__startswith="retention.")
        .exclude(action="retention.set")
        .exists()
    )

    done = services.retention_run(actor=world.operator)
    row = next(r for r in done if r["area"] == world.town.code and r["kind"] == "passages")
    assert row["months"] == [world.old_partition] and row["count"] == 3 and row["done"]
    assert not exists(world.old_partition)
    assert not Passage.objects.filter(day=world.old_day).exists()
    assert Passage.objects.filter(pk=world.passage.pk).exists()  # this month's stays
    assert not Occupant.objects.filter(passage_id=world.old_vehicle.pk).exists()
    entry = AuditEntry.objects.get(action="retention.passages_month")
    assert entry.area_id == world.town.code and entry.changes["partition"] == world.old_partition
    assert entry.changes["count"] == 3

    assert roll_up() == counted
    world.old_report.refresh_from_db()
    assert json.dumps(world.old_report.figures, sort_keys=True) == frozen
    after = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(world.old_day))
    assert after["sections"]["checkpoints"] == live["sections"]["checkpoints"]
    assert all(
        r["count"] == 0 for r in services.retention_run(actor=world.operator) if r["kind"] == "passages"
    )


def test_a_town_without_a_period_for_passages_keeps_the_month_and_the_others_go_row_by_row(old_month):
    world = old_month
    services.policy_set(actor=world.commander, area=world.town, kind="passages", days=30)
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(world.old_day, dt.time(11))), tick=False
    ):  # a passage of the neighbouring town in that month, which keeps its passages for ever
        passages.passage_record(
            actor=world.commander,
            checkpoint=world.xw_gate,
            data={"direction": "out", "decision": "allowed", "name": "丙"},
        )
        world.east_gate.status = "open"
        world.east_gate.save(update_fields=["status"])
        kept, _created = passages.passage_record(
            actor=world.neighbour,
            checkpoint=world.east_gate,
            data={"direction": "in", "decision": "allowed", "name": "丁"},
        )
    assert services.passage_months_due(timezone.localdate()) == []

    results = services.retention_run(actor=world.operator)
    row = next(r for r in results if r["area"] == world.town.code and r["kind"] == "passages")
    assert row["months"] == [] and row["count"] == 4
    assert exists(world.old_partition)
    assert list(Passage.objects.filter(day=world.old_day)) == [kept]
    assert not AuditEntry.objects.filter(action="retention.passages_month").exists()


def test_a_towns_own_run_never_drops_a_month_holding_every_towns_passages(old_month):
    world = old_month
    services.policy_set(actor=world.commander, area=world.town, kind="passages", days=30)
    services.policy_set(actor=world.neighbour, area=world.neighbour_town, kind="passages", days=60)
    results = services.retention_run(actor=world.commander, area=world.town)
    row = next(r for r in results if r["kind"] == "passages")
    assert row["count"] == 3 and "months" not in row
    assert exists(world.old_partition)  # emptied of the town's rows, row by row, and kept
    assert not Passage.objects.filter(day=world.old_day).exists()
    assert not AuditEntry.objects.filter(action="retention.passages_month").exists()
