"""Scoping cost: a village clerk's page of audit entries, through the scope, versus raw SQL.

The scope is a range match on the area code every scoped row carries. This measures a page (50 rows,
newest first) and a count for one village's clerk and one town's commander, over 500,000 rows spread
across 400 villages, through the ORM and ``visible_to`` — against the floor: the same range query as
raw SQL on the same indexed column. Runs on a throw-away SQLite file, or on BENCH_DATABASE_URL when set
(an empty scratch database, e.g. postgres://postgres@127.0.0.1:5432/cordon_bench).
"""

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

ROWS = int(os.environ.get("BENCH_SCOPE_ROWS", "500000"))
REPEAT = 30


def _setup_django():
    workdir = tempfile.mkdtemp(prefix="cordon-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("CORDON_VAR_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _median_ms(fn) -> float:
    fn()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 3)


def run() -> dict:
    _setup_django()
    from django.db import connection

    from cordon.accounts.models import Area, Role, RoleAssignment, User
    from cordon.core import codes
    from cordon.core.models import AuditEntry

    areas = [Area(code="131081000000", name="县", level="county")]
    villages = []
    for t in range(1, 21):
        town = f"131081{100 + t:03d}000"
        areas.append(Area(code=town, name=f"镇{t}", level="town", parent_id="131081000000"))
        for v in range(1, 21):
            code = f"131081{100 + t:03d}{200 + v:03d}"
            villages.append(code)
            areas.append(Area(code=code, name=f"村{t}-{v}", level="village", parent_id=town))
    Area.objects.bulk_create(areas)
    clerk = User.objects.create(username="clerk", full_name="村网格员", area_id=villages[0])
    commander = User.objects.create(username="commander", full_name="指挥长", area_id="131081101000")
    RoleAssignment.objects.create(user=clerk, role=Role.VILLAGE_CLERK, area_id=villages[0])
    RoleAssignment.objects.create(user=commander, role=Role.COMMANDER, area_id="131081101000")

    rng = random.Random(2020)  # noqa: S311 — reproducible synthetic data, not a secret
    start = datetime(2020, 1, 20, tzinfo=UTC)
    rows = [
        (
            start + timedelta(seconds=i * 7),
            "system",
            "web",
            "bench.row",
            "core.auditentry",
            str(i),
            "row",
            rng.choice(villages),
            "{}",
            "",
        )
        for i in range(ROWS)
    ]
    insert = (
        "INSERT INTO core_auditentry (at, actor_label, source, action, target_type, target_id, target_label,"
        " area_id, changes, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20000):
            cursor.executemany(insert, rows[i : i + 20000])
    load_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    results = {
        "benchmark": "scope",
        "database": connection.vendor,
        "rows": ROWS,
        "load_seconds": round(load_s, 1),
    }
    for label, user, area_code in (
        ("village_clerk", clerk, villages[0]),
        ("town_commander", commander, "131081101000"),
    ):
        user = User.objects.get(pk=user.pk)
        low, high = codes.prefix_range(codes.prefix_of(area_code))

        def scoped(user=user):
            user.__dict__.pop("_cordon_role_cache", None)  # a new request reads the roles again
            page = list(AuditEntry.objects.visible_to(user).order_by("-at")[:50])
            total = AuditEntry.objects.visible_to(user).count()
            return page, total

        def floor(low=low, high=high):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT * FROM core_auditentry WHERE area_id >= %s AND area_id < %s"
                    " ORDER BY at DESC LIMIT 50",
                    [low, high],
                )
                page = cursor.fetchall()
                cursor.execute(
                    "SELECT COUNT(*) FROM core_auditentry WHERE area_id >= %s AND area_id < %s", [low, high]
                )
                return page, cursor.fetchone()[0]

        assert scoped()[1] == floor()[1]
        scoped_ms, floor_ms = _median_ms(scoped), _median_ms(floor)
        results[label] = {
            "matching_rows": floor()[1],
            "scoped_ms": scoped_ms,
            "floor_raw_sql_ms": floor_ms,
            "ratio": round(scoped_ms / floor_ms, 2),
        }
    return results
