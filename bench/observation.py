"""Observation at a town's scale: the triage lists over 50,000 periods and the clerk's round of 5,000.

The data (issue 4's target): 堂二里镇 with 50,000 people under observation spread over its 28 villages
(四间房村 holds 5,000 of them, 马庄村 50), on 10 February 2020 at 19:00 — the evening round under way.
Each period is the default edition's (第三、四版: 14 days from the last exposure, day 0 convention,
a check morning and evening); exposures are spread evenly over the last 15 days, so about 1 in 15
periods is due to complete today. Every slot a period owed up to now holds a check: measured (this
evening's for 60% of them so far), or recorded as missed by last night's sweep. About 1% of the
periods carry an open fever alert (their latest one or two readings febrile), about 3% are not
reporting (they stopped 1–6 slots before this morning's, a few never reported), 1% of the other slots
were missed and never made up, and 1% of the periods had a fever earlier that a re-measure closed.
Periods that completed in the last two weeks (with all their 28 checks) fill the check table to the
issue's 1.4 million rows (50,000 × 14 days × 2). People come from bench.data's generator, placed in
their period's village and arriving on its exposure day; an arrival from 武汉 or 湖北 is observed as an
arrival, at home, anyone else as a close contact, in the centralised observation site.

Everything is inserted raw (COPY on PostgreSQL, executemany on SQLite), but as the services would have
written it: the period planned by ``protocol.plan_period`` with the rules in force, ``first_slot`` as
``services.first_slot_for`` sets it, and the triage columns (``last_slot``, ``last_temperature``,
``last_checked_at``, ``alert_open``) as ``services_checks._after_check`` keeps them. The load step
checks that: for a sample of periods the columns are recomputed from their checks and alerts, the
sweep (``checks_mark_missed`` as of last night) must find nothing left to mark, and the triage counts
must equal the shares planned. Then ANALYZE, as the other benchmarks do.

Measured, in a fresh process with the clock held at 2020-02-10 19:00 (time_machine), through Django's
test client — middleware, session, view, every query, template — as median and max server time over
20 requests after two warm-up requests, with the number of queries of one request
(CaptureQueriesContext): the commander's triage page for each tab over the whole town, the triage
page filtered to 四间房村, and 四间房村's clerk's round page (page 1, a page three fifths in — page 60
of 100 at 50 rows a page — and only those not yet measured). Target: each under 150 ms on both
databases, with a pinned number of queries.

The floor, measured in the same run: the very same page (same user, same tab, same query string) for
马庄村, the village of 50 — what a page costs apart from the volume of periods under it (request
handling, session and roles, the area menu, the counts, the template). The ratio is what 1,000 times
the periods (100 times, for the village pages) costs. The floor pages render fewer rows (a list of 50
people has 0–1 open alerts), which ``rows_shown`` says. For each page the slowest query is reported,
and when a page misses the target or its slowest query takes over 40 ms its plan is attached (EXPLAIN
QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).

BENCH_OBSERVATION_PERIODS scales the town (default 50000; the round's village holds a tenth);
BENCH_OBSERVATION_REPEAT the requests per page (default 20). PostgreSQL runs in its own database
``<BENCH_DATABASE_URL's name>_obs``, created and dropped here. See bench.common for the databases.
"""

import functools
import json
import os
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.common import databases, note, scratch_database, step

PERIODS = int(os.environ.get("BENCH_OBSERVATION_PERIODS", "50000"))
REPEAT = int(os.environ.get("BENCH_OBSERVATION_REPEAT", "20"))
TARGET_MS = 150
# A page whose slowest query takes longer than this gets its plan in the report, target met or not.
EXPLAIN_FROM_MS = 40
CHECKS = PERIODS * 14 * 2  # the 1.4 million
BIG = ("131081103215", "四间房村")  # the round's village: a tenth of the town's periods
SMALL = ("131081103228", "马庄村")  # the floor's village
SMALL_PERIODS = 50
NOW = (2020, 2, 10, 19, 0)  # local time: the evening round is under way
PM_DONE = 0.6  # share of this evening's checks entered by NOW
ALERT_SHARE, SILENT_SHARE = 0.01, 0.03
HOLE_SHARE, CLOSED_ALERT_SHARE, SELF_SHARE, CLIENT_ID_SHARE = 0.01, 0.01, 0.1, 0.85
CHUNK = 2_000  # periods per transaction
PASSWORD = "Bench-password-2020"  # noqa: S105 — throw-away accounts in a throw-away database


def run() -> dict:
    runs = []
    for kind in databases():
        with scratch_database(kind, "obs") as (url, workdir):
            loaded = step("bench.observation:load", url, workdir)
            runs.append({**step("bench.observation_pages:measure", url, workdir), "load": loaded})
    return {
        "benchmark": "observation",
        "periods_under_observation": PERIODS,
        "round_village": f"{BIG[1]} ({BIG[0]})",
        "floor_village": f"{SMALL[1]} ({SMALL[0]}), {SMALL_PERIODS} periods",
        "now": datetime(*NOW).isoformat(sep=" ", timespec="minutes"),
        "target_ms": TARGET_MS,
        "requests_per_page": REPEAT,
        "runs": runs,
    }


# --- the plan: what each period went through, decided before anything is written -------------------


@dataclass(slots=True)
class _Spec:
    village: tuple[str, str]
    exposure: date
    opened_on: date
    first_slot: int
    planned_end: date
    reported_until: int  # the last slot reported (below first_slot: never reported)
    state: str = "normal"  # normal, alert (open), silent (not reporting), completed
    holes: frozenset = frozenset()  # slots missed in between, never made up
    fever_from: int | None = None  # open alert: every reading from this slot on is febrile
    spike_at: int | None = None  # a fever here, re-measured normal the same day (alert closed)


def _key(day: date, slot: str) -> int:
    from cordon.observation.protocol import slot_key

    return slot_key(day, slot)


def _events(spec: _Spec, swept: int):
    """(slot key, kind) of a period's checks in order: measured, fever (an open alert's reading),
    spike (a fever later closed), extra (its re-measure), missed (recorded by the sweep)."""
    last = _key(spec.planned_end - timedelta(days=1), "pm")  # no check is owed on the release day
    top = min(spec.reported_until, last)
    for key in range(spec.first_slot, top + 1):
        if key in spec.holes:
            yield key, "missed"
        elif spec.fever_from is not None and key >= spec.fever_from:
            yield key, "fever"
        elif key == spec.spike_at:
            yield key, "spike"
            yield key, "extra"
        else:
            yield key, "measured"
    for key in range(max(spec.first_slot, top + 1), min(swept, last) + 1):
        yield key, "missed"


def _village_counts(rng: random.Random, total: int) -> dict[tuple[str, str], int]:
    from bench.data import VILLAGES

    big = total // 10
    others = [v for v in VILLAGES if v not in (BIG, SMALL)]
    weights = [rng.uniform(0.5, 2.0) for _ in others]
    rest = total - big - SMALL_PERIODS
    counts = {v: int(rest * w / sum(weights)) for v, w in zip(others, weights, strict=True)}
    counts[others[0]] += rest - sum(counts.values())
    return {BIG: big, SMALL: SMALL_PERIODS, **counts}


def _opening(rng: random.Random, exposure: date, today: date) -> tuple[date, int]:
    """opened_on and first_slot: registered on the day of exposure (a tenth the day after), opened in
    the morning (the day's morning check is owed) or, for a quarter, after 14:00 (the evening's)."""
    opened = exposure
    if exposure <= today - timedelta(days=2) and rng.random() < 0.1:
        opened = exposure + timedelta(days=1)
    return opened, _key(opened, "pm" if rng.random() < 0.25 else "am")


def _holes(rng: random.Random, first: int, until: int) -> frozenset:
    return frozenset(k for k in range(first, until - 1) if rng.random() < HOLE_SHARE)


def _plan(today: date) -> tuple[list[_Spec], dict]:
    rng = random.Random(20200210)  # noqa: S311 — reproducible synthetic data, not a secret
    am, pm = _key(today, "am"), _key(today, "pm")
    swept = am - 1  # last night's sweep marked everything owed up to yesterday evening
    specs: list[_Spec] = []
    expected: dict[str, dict[str, int]] = {}
    villages = _village_counts(rng, PERIODS)
    for village, count in villages.items():
        mine = []
        offsets = [i % 15 for i in range(count)]
        rng.shuffle(offsets)
        for days_ago in offsets:
            exposure = today - timedelta(days=days_ago)
            opened, first = _opening(rng, exposure, today)
            end = exposure + timedelta(days=14)
            until = min(pm if rng.random() < PM_DONE else am, _key(end - timedelta(days=1), "pm"))
            mine.append(_Spec(village, exposure, opened, first, end, until))
        rng.shuffle(mine)
        alerts = max(1, round(count * ALERT_SHARE))
        silent = max(1, round(count * SILENT_SHARE))
        for spec in mine:
            if alerts and spec.reported_until > spec.first_slot:
                spec.state, alerts = "alert", alerts - 1
                spec.fever_from = spec.reported_until - (1 if rng.random() < 0.2 else 0)
            elif silent and spec.planned_end > today and spec.first_slot <= am:
                spec.state, silent = "silent", silent - 1
                spec.reported_until = am - rng.randint(1, 6)
            elif spec.reported_until - spec.first_slot > 6 and rng.random() < CLOSED_ALERT_SHARE:
                spec.spike_at = rng.randrange(spec.first_slot + 1, spec.reported_until - 3)
            spec.holes = _holes(rng, spec.first_slot, spec.reported_until)
            if spec.spike_at in spec.holes:
                spec.spike_at = None
        specs += mine
        expected[village[0]] = {
            "symptomatic": sum(s.state == "alert" for s in mine),
            "not_reporting": sum(s.state == "silent" for s in mine),
            "reporting": sum(s.state == "normal" for s in mine),
            "due": sum(s.planned_end <= today for s in mine),
            "total": len(mine),
        }
    # Periods completed in the last two weeks fill the check table to the 1.4 million.
    checks = sum(1 for s in specs for _event in _events(s, swept))
    places, weights = list(villages), list(villages.values())
    completed = 0
    while checks < CHECKS:
        exposure = today - timedelta(days=15 + rng.randrange(15))
        opened, first = exposure, _key(exposure, "pm" if rng.random() < 0.25 else "am")
        end = exposure + timedelta(days=14)
        last = _key(end - timedelta(days=1), "pm")
        spec = _Spec(rng.choices(places, weights)[0], exposure, opened, first, end, last, "completed")
        spec.holes = _holes(rng, first, last)
        if rng.random() < CLOSED_ALERT_SHARE:
            spec.spike_at = rng.randrange(first + 1, last - 3)
            if spec.spike_at in spec.holes:
                spec.spike_at = None
        specs.append(spec)
        checks += sum(1 for _event in _events(spec, swept))
        completed += 1
    # Registered (and numbered) in the order they were opened.
    order = {id(s): rng.random() for s in specs}
    specs.sort(key=lambda s: (s.opened_on, order[id(s)]))
    return specs, {"expected_triage": expected, "completed_periods": completed, "checks_planned": checks}


class _Placed:
    """bench.data's Generator, each person moved to their period's village and arriving on its day."""

    def __init__(self, specs: list[_Spec]):
        from bench.data import Generator

        self.generator = Generator()
        self.rng = self.generator.rng
        self.specs = iter(specs)

    def person(self):
        p = self.generator.person()
        spec = next(self.specs)
        old, (code, name) = p.village_name, spec.village
        p.village_code, p.village_name = code, name
        p.address = name + p.address[len(old) :]
        p.registered_address = p.registered_address.replace(old, name)
        p.screening_team = p.screening_team.replace(old, name)
        p.arrival_date = spec.exposure
        return p


# --- steps, each in a process of its own ------------------------------------------------------------


def load() -> dict:
    """Step: migrate, make the town and its accounts, plan, insert people and observation raw, verify,
    ANALYZE."""
    from bench.common import analyze, build_town, commander, setup_django

    setup_django(migrate=True)
    from django.db import connection

    from bench.data import load_people
    from cordon.accounts import services
    from cordon.accounts.models import Area, Role

    town = build_town()
    users = {"commander": town["commander_id"], "operator": town["operator_id"]}
    operator = services.operator_account()
    for label, (code, name) in (("clerk_big", BIG), ("clerk_small", SMALL)):
        area = Area.objects.get(code=code)
        user, _password = services.user_create(
            actor=operator,
            username=label,
            full_name=f"{name}网格员",
            area=area,
            roles=[(Role.VILLAGE_CLERK, area)],
            password=PASSWORD,
        )
        users[label] = user.pk
    now = _now()
    figures: dict = {"database": connection.vendor}
    start = time.perf_counter()
    specs, planned = _plan(now.date())
    figures["plan_seconds"] = round(time.perf_counter() - start, 1)
    note(f"{connection.vendor}: {len(specs)} people and periods, {planned['checks_planned']} checks")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first_person = cursor.fetchone()[0] + 1
    start = time.perf_counter()
    figures["arrivals_by_category"] = load_people(_Placed(specs), len(specs), actor_id=users["operator"])
    figures["people_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    written = _write_observation(specs, first_person, users, now)
    figures["observation_seconds"] = round(time.perf_counter() - start, 1)
    figures.update(written)
    note(f"{connection.vendor}: loaded in {figures['people_seconds'] + figures['observation_seconds']:.0f} s")
    start = time.perf_counter()
    analyze()
    figures["analyze_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    figures["verified"] = _verify(commander(), planned["expected_triage"], now)
    figures["verify_seconds"] = round(time.perf_counter() - start, 1)
    figures["completed_periods"] = planned["completed_periods"]
    return figures


def _now() -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(*NOW))


def _write_observation(specs: list[_Spec], first_person: int, users: dict, now: datetime) -> dict:
    """Periods, checks and alerts for ``specs`` (person ``first_person + i`` for the i-th), raw."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.data import raw_insert
    from cordon.observation import protocol
    from cordon.observation.models import Alert, HealthCheck, Period
    from cordon.observation.selectors import rules_in_force

    in_force = rules_in_force(BIG[0])  # one town, no local choice: the default edition everywhere
    rules = in_force.rules
    rules_json = json.dumps(rules.to_json())
    symptoms = list(rules.symptoms)
    yes, no = (True, False) if connection.vendor == "postgresql" else (1, 0)
    adapt_date = functools.lru_cache(maxsize=None)(connection.ops.adapt_datefield_value)
    adapt_moment = functools.lru_cache(maxsize=None)(connection.ops.adapt_datetimefield_value)
    temperature = functools.lru_cache(maxsize=None)(Decimal)
    rng = random.Random(2020_02_11)  # noqa: S311 — reproducible synthetic data, not a secret
    today = now.date()
    swept = _key(today, "am") - 1
    clerks = {BIG[0]: users["clerk_big"], SMALL[0]: users["clerk_small"]}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id, id, category_id, origin_text FROM people_arrival WHERE person_id >= %s",
            [first_person],
        )
        arrivals = {row[0]: row[1:] for row in cursor.fetchall()}
    observed = set(rules.arrival_categories)
    tables = {
        "period": (Period._meta.db_table, [f.column for f in Period._meta.concrete_fields]),
        "check": (HealthCheck._meta.db_table, [f.column for f in HealthCheck._meta.concrete_fields]),
        "alert": (Alert._meta.db_table, [f.column for f in Alert._meta.concrete_fields]),
    }
    counts = {"periods": 0, "checks": 0, "checks_missed": 0, "alerts_open": 0, "alerts_closed": 0}
    ids = {}  # after any rows already there (none in this benchmark; bench/reports.py adds to a town)
    with connection.cursor() as cursor:
        for name, (table, _columns) in tables.items():
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 — our own table names
            ids[name] = cursor.fetchone()[0]

    def local(day: date, minute: int) -> datetime:
        return timezone.make_aware(datetime(day.year, day.month, day.day) + timedelta(minutes=minute))

    def reading_at(key: int) -> datetime:
        day = protocol.key_day(key)
        if key % 2:
            return local(day, 17 * 60 + 30 + rng.randrange(90))  # 17:30–18:59
        return local(day, 7 * 60 + 30 + rng.randrange(120))  # 07:30–09:29

    def normal() -> str:
        return temperature(f"{rng.choice((35.9, 36.1, 36.2, 36.3, 36.4, 36.5, 36.6, 36.7, 36.8, 36.9)):.1f}")

    rows: dict[str, list] = {"period": [], "check": [], "alert": []}

    def add_period(index: int, spec: _Spec) -> None:
        person = first_person + index
        arrival_id, category, origin = arrivals[person]
        reason = "arrival" if category in observed else "contact"
        plan = protocol.plan_period(rules, rules.plan_for(reason), spec.exposure)
        recorder = clerks.get(spec.village[0], users["commander"])
        period_id = ids["period"]
        ids["period"] += 1
        last_slot = last_at = last_temperature = None
        fever: list[tuple] = []  # (check id, temperature, at, symptoms) of an open alert's readings
        spike: tuple = ()  # the same of a fever closed by a re-measure
        fever_at = None
        for key, kind in _events(spec, swept):
            check_id = ids["check"]
            ids["check"] += 1
            day = protocol.key_day(key)
            if kind == "missed":
                stamp = adapt_moment(local(day, 23 * 60 + 30))
                rows["check"].append(
                    (check_id, period_id, spec.village[0], adapt_date(day), "pm" if key % 2 else "am",
                     "missed", None, "[]", "staff", None, None, None, stamp, stamp)
                )  # fmt: skip
                counts["checks_missed"] += 1
                continue
            if kind == "extra":
                at = fever_at + timedelta(minutes=60 + rng.randrange(40))
                value, chosen, slot = normal(), [], "extra"
            else:
                at, slot = reading_at(key), "pm" if key % 2 else "am"
                chosen = []
                if kind in ("fever", "spike"):
                    value = temperature(f"{rng.choice((37.3, 37.4, 37.5, 37.6, 37.8, 38.1, 38.5)):.1f}")
                    if rng.random() < 0.3:
                        chosen = [rng.choice(symptoms[1:])]
                    fever_at = at
                else:
                    value = normal()
            self_reported = kind in ("measured", "fever") and rng.random() < SELF_SHARE
            client = f"{rng.getrandbits(128):032x}" if rng.random() < CLIENT_ID_SHARE else None
            stamp = adapt_moment(at)
            rows["check"].append(
                (check_id, period_id, spec.village[0], adapt_date(day), slot, "measured", value,
                 json.dumps(chosen), "self" if self_reported else "staff", stamp,
                 None if self_reported else recorder, client, stamp, stamp)
            )  # fmt: skip
            if slot != "extra":
                last_slot = key
            if last_at is None or at >= last_at:
                last_at, last_temperature = at, value
            if kind == "fever":
                fever.append((check_id, value, at, chosen))
            elif kind == "spike":
                spike = (check_id, value, at, chosen)
            elif kind == "extra":
                alert_id = ids["alert"]
                ids["alert"] += 1
                rows["alert"].append(
                    (alert_id, period_id, spec.village[0], "fever", spike[0], None, spike[1],
                     json.dumps(spike[3]), 1, adapt_moment(spike[2]), stamp, recorder,
                     "remeasured_normal", "", None, f"复测：{value} ℃")
                )  # fmt: skip
                counts["alerts_closed"] += 1
        if fever:
            alert_id = ids["alert"]
            ids["alert"] += 1
            worst = max(fever, key=lambda f: float(f[1]))[1]
            seen = {s for f in fever for s in f[3]}
            rows["alert"].append(
                (alert_id, period_id, spec.village[0], "fever", fever[0][0], None, worst,
                 json.dumps([s for s in symptoms if s in seen]), len(fever), adapt_moment(fever[0][2]),
                 None, None, "", "", None, "")
            )  # fmt: skip
            counts["alerts_open"] += 1
        completed = spec.state == "completed"
        opened_at = local(spec.opened_on, 15 * 60 if spec.first_slot % 2 else 9 * 60)
        ended_at = local(spec.planned_end, 10 * 60)
        rows["period"].append(
            (
                period_id,
                person,
                spec.village[0],
                reason,
                f"{origin} {spec.exposure:%Y-%m-%d}"
                if reason == "arrival"
                else f"病例{person % 97 + 1}的密切接触者",
                arrival_id if reason == "arrival" else None,
                plan.stage_on(spec.opened_on).mode,
                None,  # moved_on: no move recorded
                "" if reason == "arrival" else "堂二里镇集中医学观察点",
                adapt_date(spec.exposure),
                adapt_date(spec.opened_on),
                adapt_date(spec.planned_end),
                adapt_date(spec.planned_end) if completed else None,
                "completed" if completed else "active",
                "completed" if completed else "",
                "",
                in_force.edition.code,
                rules_json,
                json.dumps(plan.to_json()),
                rules.checks_per_day,
                spec.first_slot,
                "",
                None,
                last_slot,
                last_temperature,
                adapt_moment(last_at) if last_at else None,
                yes if fever else no,
                None,  # follow_up_by
                recorder,
                adapt_moment(opened_at),
                adapt_moment(ended_at if completed else (last_at or opened_at)),
            )
        )
        counts["periods"] += 1

    def flush() -> None:
        with transaction.atomic():
            for name, (table, columns) in tables.items():
                raw_insert(table, columns, rows[name])
                if name == "check":
                    counts["checks"] += len(rows[name])
                rows[name].clear()

    for index, spec in enumerate(specs):
        add_period(index, spec)
        if len(rows["period"]) >= CHUNK:
            flush()
    flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name, (table, _columns) in tables.items():
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [ids[name] - 1])
    return counts


def _verify(user, expected: dict, now: datetime) -> dict:
    """That the rows are what the services would have written: the triage columns of a sample of
    periods recomputed from their checks and alerts, nothing left for the sweep, the planned counts."""
    from django.utils import timezone

    from cordon.observation import protocol, selectors, services_checks
    from cordon.observation.models import Alert, HealthCheck, Period

    rng = random.Random(5)  # noqa: S311 — reproducible sample, not a secret
    last = Period.objects.order_by("-id").values_list("id", flat=True).first()
    sample = list(Period.objects.filter(pk__in=rng.sample(range(1, last + 1), 500)))
    wrong = []
    for period in sample:
        measured = [c for c in period.checks.all() if c.status == HealthCheck.Status.MEASURED]
        regular = [protocol.slot_key(c.day, c.slot) for c in measured if c.slot != "extra"]
        latest = max(measured, key=lambda c: c.measured_at, default=None)
        seen = (
            period.last_slot,
            period.last_temperature,
            period.last_checked_at,
            period.alert_open,
        )
        computed = (
            max(regular, default=None),
            latest.temperature if latest else None,
            latest.measured_at if latest else None,
            Alert.objects.filter(period=period, closed_at__isnull=True).exists(),
        )
        if seen != computed:
            wrong.append({"period": period.pk, "stored": seen, "from_checks": computed})
    last_night = timezone.make_aware(datetime.combine(now.date() - timedelta(days=1), datetime.min.time()))
    marked = services_checks.checks_mark_missed(now=last_night + timedelta(hours=23, minutes=30))
    counts = {"town": selectors.triage_counts(user, now=now)}
    for code in (BIG[0], SMALL[0]):
        counts[code] = selectors.triage_counts(user, code, now=now)
    town = {key: sum(v[key] for v in expected.values()) for key in counts["town"]}
    planned = {"town": town, BIG[0]: expected[BIG[0]], SMALL[0]: expected[SMALL[0]]}
    if wrong or marked or counts != planned:
        raise AssertionError(f"the data is not what the services would write: {wrong[:3]} {marked} {counts}")
    return {"sampled_periods_consistent": len(sample), "sweep_marked_missed": marked, "triage_counts": counts}
