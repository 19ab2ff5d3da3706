"""A checkpoint's day list and the town's passage counts over 10,000,000 passages.

The data (issue 6's target): the benchmark town with 64 checkpoints (two gates in each of its 28
villages and streets — 56 — plus 8 more gates and road inspection stations at the town), and
10,000,000 passages over the 60 days from 25 January 2020, in time order as guards log them, spread
over the checkpoints (about 2,600 per checkpoint and day): half in and half out, 2% turned back, 1%
referred, 0.2% with fever. Inserted raw by the database itself (``generate_series`` on PostgreSQL,
into the months' partitions made first; a recursive CTE on SQLite), then the daily roll-up recounted
from them with the service Cordon uses to repair it (``passage_counts_rebuild``, timed), then ANALYZE.

Measured in a fresh process, as the town's commander, through Django's test client (the real views,
scope, templates and all): for 20 checkpoint-days chosen at random, the day list's first page and its
tenth (100 a page, with the day's counts above it); the town's table of the last 14 days by day and
checkpoint (the page), and of 92 days (the API's longest period). Median and max. Target: each under
200 ms on PostgreSQL.

Compared in the same process with:
- the day list: the bare SQL that reads the same 100 rows over the same index (the floor);
- the counts: the same table grouped from the passages themselves, which is what the pages did before
  the roll-up (the baseline the roll-up replaces) — its ratio says what the roll-up buys.

BENCH_PASSAGES (default 10000000) scales the data.
"""

import os
import random
import statistics
import time
from datetime import date, timedelta

from bench.common import (
    analyze,
    build_town,
    databases,
    note,
    scratch_database,
    setup_django,
    static_without_manifest,
    step,
)

PASSAGES = int(os.environ.get("BENCH_PASSAGES", "10000000"))
FIRST_DAY = date(2020, 1, 25)
DAYS = 60
SAMPLES = 20
TARGET_MS = 200
CHUNK = 1_000_000


def run() -> dict:
    runs = []
    for kind in databases():
        with scratch_database(kind, "passages") as (url, workdir):
            loaded = step("bench.passages_counts:load", url, workdir)
            runs.append({**step("bench.passages_counts:measure", url, workdir), "load": loaded})
    return {"benchmark": "passages_counts", "passages": PASSAGES, "target_ms": TARGET_MS, "runs": runs}


def load() -> dict:
    """Step: migrate, the town and its 64 checkpoints, the passages raw, the roll-up recounted."""
    setup_django(migrate=True)
    from django.db import connection

    from bench.data import TOWN, VILLAGES
    from cordon.accounts.models import Area, User
    from cordon.checkpoints.models import Checkpoint
    from cordon.checkpoints.services import checkpoint_create
    from cordon.checkpoints.services_counts import passage_counts_rebuild

    town = build_town()
    commander = User.objects.get(pk=town["commander_id"])
    for code, name in VILLAGES:
        for gate in ("东口", "西口"):
            checkpoint_create(actor=commander, area=Area.objects.get(code=code), name=f"{name}{gate}卡点")
    town_area = Area.objects.get(code=TOWN[0])
    for i in range(64 - 2 * len(VILLAGES)):
        kind = Checkpoint.Kind.INSPECTION_STATION if i < 2 else Checkpoint.Kind.VILLAGE_GATE
        checkpoint_create(actor=commander, area=town_area, name=f"镇卡点{i + 1}", kind=kind)
    checkpoints = list(Checkpoint.objects.order_by("pk").values_list("pk", "area_id"))
    made_months()
    note(f"{connection.vendor}: inserting {PASSAGES} passages at {len(checkpoints)} checkpoints")
    start = time.perf_counter()
    insert_raw(checkpoints, town["commander_id"])
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    rows = passage_counts_rebuild()
    recounted = time.perf_counter() - start
    start = time.perf_counter()
    analyze()
    return {
        "insert_seconds": round(inserted, 1),
        "recount_seconds": round(recounted, 1),
        "roll_up_rows": rows,
        "analyze_seconds": round(time.perf_counter() - start, 1),
    }


def insert_raw(checkpoints: list[tuple[int, str]], recorded_by: int) -> None:
    """PASSAGES passages spread over ``checkpoints`` ((pk, area code)) and DAYS days from FIRST_DAY,
    inserted raw, a million at a time; the months they fall in must exist (``made_months``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_gate (idx integer PRIMARY KEY, id integer, area_id text)"
        )
        cursor.executemany(
            "INSERT INTO bench_gate VALUES (%s, %s, %s)",
            [(i, pk, area) for i, (pk, area) in enumerate(checkpoints)],
        )
        sql = _insert_sql(connection.vendor, len(checkpoints), recorded_by)
        for first in range(0, PASSAGES, CHUNK):
            last = min(first + CHUNK, PASSAGES) - 1
            cursor.execute(sql, [first, last])
            note(f"  {last + 1} passages")
        cursor.execute("DROP TABLE bench_gate")


def made_months() -> list[str]:
    """PostgreSQL: the partitions of the data's months, made before the raw insert so that no passage
    waits in the DEFAULT partition (the migration made only this month's and the next two)."""
    from cordon.core import partitions

    last = FIRST_DAY + timedelta(days=DAYS - 1)
    ahead = (last.year - FIRST_DAY.year) * 12 + last.month - FIRST_DAY.month
    return partitions.months_make("checkpoints_passage", "day", today=FIRST_DAY, ahead=ahead)


def _insert_sql(vendor: str, gates: int, recorded_by: int) -> str:
    """One chunk of passages, numbered g = first … last, in time order: g's moment is g × (60 days / N)
    after midnight of 25 January (Beijing time), its checkpoint a scramble of g."""
    seconds = DAYS * 86400 / PASSAGES
    columns = (
        "checkpoint_id, area_id, day, occurred_at, direction, subject, name, phone, plate, vehicle_type, "
        "origin, destination, purpose, decision, reason, flags, fever, recorded_by_id, created_at, "
        "override, shown_code, visited_name, visited_phone"
    )
    values = """
        gate.id, gate.area_id, {day}, {moment}, CASE WHEN g %% 2 = 0 THEN 'in' ELSE 'out' END, 'person',
        '路人' || (g %% 1000), '', '', '', '霸州市区', '堂二里镇', '返乡',
        CASE WHEN g %% 50 = 0 THEN 'turned_back' WHEN g %% 97 = 0 THEN 'referred' ELSE 'allowed' END,
        CASE WHEN g %% 50 = 0 OR g %% 97 = 0 THEN '无通行证' ELSE '' END,
        {flags}, g %% 499 = 0, {recorded_by:d}, {moment}, {false}, '', '', ''"""
    scramble = f"((g * 7919) %% {gates})"
    if vendor == "postgresql":
        moment = f"(timestamptz '{FIRST_DAY.isoformat()} 00:00:00+08' + g * {seconds} * interval '1 second')"
        values = values.format(
            day=f"({moment} AT TIME ZONE 'Asia/Shanghai')::date",
            moment=moment,
            recorded_by=recorded_by,
            flags="CASE WHEN g %% 499 = 0 THEN '[\"fever\"]'::jsonb ELSE '[]'::jsonb END",
            false="false",
        )
        return (
            f"INSERT INTO checkpoints_passage ({columns}) SELECT {values} "  # noqa: S608 — our own SQL
            f"FROM generate_series(%s::bigint, %s::bigint) AS g JOIN bench_gate gate ON gate.idx = {scramble}"
        )
    # SQLite: Django keeps UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; the local day is 8 hours on.
    utc = f"datetime('{FIRST_DAY.isoformat()} 00:00:00', '-8 hours', '+' || (g * {seconds}) || ' seconds')"
    values = values.format(
        day=f"date({utc}, '+8 hours')",
        moment=utc,
        recorded_by=recorded_by,
        flags="CASE WHEN g %% 499 = 0 THEN '[\"fever\"]' ELSE '[]' END",
        false="0",
    )
    return (
        "WITH RECURSIVE seq(g) AS (SELECT %s UNION ALL SELECT g + 1 FROM seq WHERE g < %s) "  # noqa: S608 — our own SQL
        f"INSERT INTO checkpoints_passage ({columns}) SELECT {values} "
        f"FROM seq JOIN bench_gate gate ON gate.idx = {scramble}"
    )


def measure() -> dict:
    """Step: the pages and the API as the commander, against the floor and the baseline."""
    setup_django()
    from django.db import connection
    from django.test import Client

    from bench.common import commander
    from cordon.checkpoints.models import Checkpoint

    client = Client(HTTP_HOST="localhost")
    client.force_login(commander())
    rng = random.Random(6)  # noqa: S311 — samples, not secrets
    by_pk = {c.pk: c for c in Checkpoint.objects.all()}
    gates = list(by_pk)
    samples = [(rng.choice(gates), FIRST_DAY + timedelta(days=rng.randrange(DAYS))) for _ in range(SAMPLES)]
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)

    def page(url: str) -> float:
        start = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return took

    def bare_rows(pk: int, day: date) -> float:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM checkpoints_passage WHERE checkpoint_id = %s AND day = %s "
                "ORDER BY occurred_at DESC, id DESC LIMIT 100 OFFSET 900",
                [pk, connection.ops.adapt_datefield_value(day)],
            )
            cursor.fetchall()
        return (time.perf_counter() - start) * 1000

    def grouped(viewer, start: date, end: date) -> float:
        """The table as the pages built it before the roll-up: grouped from the passages."""
        from django.db.models import Count, Q

        from cordon.checkpoints.models import Passage

        began = time.perf_counter()
        list(
            Passage.objects.visible_to(viewer)
            .filter(day__gte=start, day__lte=end)
            .values("checkpoint_id", "day")
            .annotate(
                total=Count("pk"),
                came_in=Count("pk", filter=Q(direction="in")),
                turned_back=Count("pk", filter=Q(decision="turned_back")),
            )
            .order_by()
        )
        return (time.perf_counter() - began) * 1000

    viewer = commander()
    with static_without_manifest():
        for pk, day in samples[:3]:  # warm the caches the way a running server has them warm
            page(f"/checkpoints/{pk}/passages/?day={day}")
        figures = _figures(page, samples, by_pk, last_day)
    floors = {
        "day_list_bare_sql": [bare_rows(pk, day) for pk, day in samples],
        "town_14_days_grouped": [
            grouped(viewer, last_day - timedelta(days=d + 13), last_day - timedelta(days=d)) for d in range(5)
        ],
        "town_60_days_grouped": [grouped(viewer, FIRST_DAY, last_day) for _ in range(2)],
    }
    summary = {name: _summary(times) for name, times in {**figures, **floors}.items()}
    worst = max(summary[name]["max_ms"] for name in figures)
    return {
        "database": connection.vendor,
        "figures": summary,
        "ratio_day_list_page_10_to_bare_sql": round(
            summary["day_list_page_10"]["median_ms"] / summary["day_list_bare_sql"]["median_ms"], 1
        ),
        "ratio_town_14_days_grouped_to_roll_up": round(
            summary["town_14_days_grouped"]["median_ms"] / summary["town_14_days_page"]["median_ms"], 1
        ),
        "worst_ms": worst,
        "target_met": worst < TARGET_MS,
    }


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return (time.perf_counter() - start) * 1000


def _summary(times: list[float]) -> dict:
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2), "n": len(times)}


def _figures(page, samples, by_pk, last_day) -> dict:
    from cordon.checkpoints import selectors

    return {
        "day_list_page_1": [page(f"/checkpoints/{pk}/passages/?day={day}") for pk, day in samples],
        "day_list_page_10": [page(f"/checkpoints/{pk}/passages/?day={day}&page=10") for pk, day in samples],
        "day_counts": [_timed(selectors.day_counts, by_pk[pk], day) for pk, day in samples],
        "town_14_days_page": [
            page(f"/checkpoints/passages/?day={last_day - timedelta(days=d)}") for d in range(5)
        ],
        "town_92_days_api": [
            page(
                f"/api/v1/checkpoints/passages/counts?start={FIRST_DAY}&end={FIRST_DAY + timedelta(days=91)}"
            )
            for _ in range(5)
        ],
    }
