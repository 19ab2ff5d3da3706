"""The dashboard and the daily report for a county: 700,000 people, 10,000,000 passages.

The data (issue 8's target): 霸州市 with ten towns — the seed town 堂二里镇 (``cordon demo``, loaded
first through the services: its cases, contacts, quarantine, lockdowns and passes, disinfection,
forces and enterprises in the seed's small numbers) and nine more of 20 villages each (codes as the
statistical division codes go: 1310811TT000, villages 1310811TT2VV) — plus an eleventh, small town
of 1,000 people for the floor. On top of the seed, loaded raw with the other benchmarks' loaders:

- people: bench.data's generator, spread evenly over the towns' villages, one in ``ARRIVAL_SHARE``
  of them with an arrival (the ledger) — 700,000 people and 200,000 arrivals in all;
- observation: bench/observation.py's town of 50,000 periods with their 1.4 million checks and
  alerts (its people and arrivals count in the totals above), in 堂二里镇, planned as of its evening
  of 2020-02-10 (``PAST``);
- passages: bench/passages_counts.py's 10,000,000 over the 90 days up to ``TODAY``, at two gates in
  every village of the county, then the daily roll-up recounted by the service, then ANALYZE.

Measured in a fresh process with the clock held at ``TODAY`` 19:00 (time_machine), through Django's
test client, as the county's viewer (bazhou, the seed's) over the county and as the town's commander
(zhihui) over 堂二里镇: the dashboard page, the daily report page and the report's JSON API
(/api/v1/reports/daily), each for today and for ``PAST`` (60 days before), median and max of
``REPEAT`` requests after a warm-up one, with the number of queries of one request. Target: each
under 500 ms on PostgreSQL, under 2 s on SQLite, a past date as fast as today.

The floor, measured in the same run: the same page for the small town (1,000 people, no passages),
as the county viewer and as that town's commander — what a page costs apart from the volume under it.

BENCH_REPORT_PEOPLE (700000), BENCH_REPORT_ARRIVALS (200000), BENCH_REPORT_PERIODS (50000) and
BENCH_REPORT_PASSAGES (10000000) scale the data; BENCH_REPORT_REPEAT (5) the requests per page.
PostgreSQL runs in its own database ``<BENCH_DATABASE_URL's name>_reports``.
"""

import os
import statistics
import time
from datetime import date, datetime, timedelta

from bench.common import databases, note, scratch_database, step

PEOPLE = int(os.environ.get("BENCH_REPORT_PEOPLE", "700000"))
ARRIVALS = int(os.environ.get("BENCH_REPORT_ARRIVALS", "200000"))
PERIODS = int(os.environ.get("BENCH_REPORT_PERIODS", "50000"))
PASSAGES = int(os.environ.get("BENCH_REPORT_PASSAGES", "10000000"))
REPEAT = int(os.environ.get("BENCH_REPORT_REPEAT", "5"))
TARGET_MS = {"sqlite": 2000, "postgresql": 500}
TODAY = date(2020, 4, 10)
PAST = date(2020, 2, 10)  # 60 days before: the observation town's evening round
PASSAGE_DAYS = 90
COUNTY = "131081000000"
TOWN = "131081103000"
# The county's other towns (霸州市's town codes around the seed's 103) and the floor's small town.
OTHER_TOWNS = [
    ("131081100000", "霸州镇"),
    ("131081101000", "南孟镇"),
    ("131081102000", "信安镇"),
    ("131081104000", "煎茶铺镇"),
    ("131081105000", "胜芳镇"),
    ("131081106000", "杨芬港镇"),
    ("131081107000", "康仙庄乡"),
    ("131081108000", "东杨庄乡"),
    ("131081109000", "岔河集乡"),
]
VILLAGES_PER_TOWN = 20
SMALL_TOWN = ("131081199000", "王庄子乡")
SMALL_PEOPLE = 1000
PASSWORD = "Bench-password-2020"  # noqa: S105 — throw-away accounts in a throw-away database


def run() -> dict:
    runs = []
    for kind in databases():
        with scratch_database(kind, "reports") as (url, workdir):
            loaded = step("bench.reports:load", url, workdir)
            runs.append({**step("bench.reports:measure", url, workdir), "load": loaded})
    return {
        "benchmark": "reports",
        "people": PEOPLE,
        "arrivals": ARRIVALS,
        "periods_under_observation": PERIODS,
        "passages": PASSAGES,
        "today": TODAY.isoformat(),
        "past": PAST.isoformat(),
        "floor": f"{SMALL_TOWN[1]} ({SMALL_TOWN[0]}), {SMALL_PEOPLE} people",
        "target_ms": TARGET_MS,
        "requests_per_page": REPEAT,
        "runs": runs,
    }


class _Spread:
    """bench.data's Generator (one for the whole county: no ID number twice), its people placed
    round the given villages in turn."""

    def __init__(self, villages: list[tuple[str, str]], generator):
        self.generator = generator
        self.villages = villages
        self.count = 0

    def person(self):
        p = self.generator.person()
        old, (code, name) = p.village_name, self.villages[self.count % len(self.villages)]
        self.count += 1
        p.village_code, p.village_name = code, name
        p.address = name + p.address[len(old) :]
        p.registered_address = p.registered_address.replace(old, name)
        p.screening_team = p.screening_team.replace(old, name)
        return p


def load() -> dict:
    """Step: migrate, the seed town through its services, the county's other towns, then people,
    observation and passages raw, the roll-up recounted, ANALYZE."""
    os.environ["BENCH_OBSERVATION_PERIODS"] = str(PERIODS)  # read by bench.observation on import
    from bench.common import analyze, setup_django

    setup_django(migrate=True)
    from django.db import connection

    from bench import observation, passages_counts
    from bench.data import load_people
    from cordon import demo
    from cordon.accounts import services
    from cordon.accounts.models import Area, Role, User
    from cordon.checkpoints.models import Checkpoint
    from cordon.checkpoints.services import checkpoint_create
    from cordon.checkpoints.services_counts import passage_counts_rebuild
    from cordon.people.models import Person

    figures: dict = {"database": connection.vendor}
    start = time.perf_counter()
    demo.load(log=lambda *_args: None)
    figures["seed_seconds"] = round(time.perf_counter() - start, 1)
    operator = services.operator_account()
    county = Area.objects.get(code=COUNTY)
    villages: dict[str, list[tuple[str, str]]] = {
        TOWN: list(Area.objects.filter(parent_id=TOWN).order_by("code").values_list("code", "name"))
    }
    commanders = {TOWN: User.objects.get(username="zhihui")}
    for code, name in [*OTHER_TOWNS, SMALL_TOWN]:
        town = services.area_create(actor=operator, code=code, name=name)
        count = 1 if code == SMALL_TOWN[0] else VILLAGES_PER_TOWN
        villages[code] = []
        for v in range(count):
            village = (f"{code[:9]}{201 + v:03d}", f"{name[:-1]}{v + 1}村")
            services.area_create(actor=operator, code=village[0], name=village[1])
            villages[code].append(village)
        commanders[code], _password = services.user_create(
            actor=operator,
            username=f"commander_{code[6:9]}",
            full_name=f"{name}指挥长",
            area=town,
            roles=[(Role.COMMANDER, town)],
            password=PASSWORD,
        )
    assert county.code == COUNTY

    # Observation first (its people are 堂二里镇's), as bench/observation.py loads it.
    now = observation._now()
    specs, planned = observation._plan(now.date())
    note(f"{connection.vendor}: {len(specs)} observed people and periods, {planned['checks_planned']} checks")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first_person = cursor.fetchone()[0] + 1
    start = time.perf_counter()
    placed = observation._Placed(specs)
    placed.generator.taken_numbers.update(  # the seed's people keep their ID numbers
        int(number[:17])
        for number in Person.objects.values_list("document_number", flat=True)
        if number[:17].isdigit()
    )
    load_people(placed, len(specs), actor_id=operator.pk)
    users = {
        "commander": commanders[TOWN].pk,
        "clerk_big": User.objects.get(username="sjf_clerk").pk,
        "clerk_small": commanders[TOWN].pk,
    }
    figures["observation"] = observation._write_observation(specs, first_person, users, now)
    figures["observation_seconds"] = round(time.perf_counter() - start, 1)

    # The rest of the county's people, evenly over the big towns' villages; arrivals to the total.
    rest = max(0, PEOPLE - len(specs) - SMALL_PEOPLE)
    share = min(1.0, max(0, ARRIVALS - len(specs)) / rest) if rest else 0
    everywhere = [v for code, vs in villages.items() if code != SMALL_TOWN[0] for v in vs]
    note(f"{connection.vendor}: {rest} more people, a share of {share:.3f} with an arrival")
    start = time.perf_counter()
    figures["arrivals_by_category"] = load_people(
        _Spread(everywhere, placed.generator), rest, actor_id=operator.pk, arrival_share=share
    )
    load_people(
        _Spread(villages[SMALL_TOWN[0]], placed.generator),
        SMALL_PEOPLE,
        actor_id=operator.pk,
        arrival_share=share,
    )
    figures["people_seconds"] = round(time.perf_counter() - start, 1)

    # Two gates in every village of the big towns (the seed's 64 stand in 堂二里镇 already).
    for code, vs in villages.items():
        if code in (TOWN, SMALL_TOWN[0]):
            continue
        for village_code, name in vs:
            area = Area.objects.get(code=village_code)
            for gate in ("东口", "西口"):
                checkpoint_create(actor=commanders[code], area=area, name=f"{name}{gate}卡点")
    checkpoints = list(Checkpoint.objects.order_by("pk").values_list("pk", "area_id"))
    passages_counts.PASSAGES = PASSAGES
    passages_counts.DAYS = PASSAGE_DAYS
    passages_counts.FIRST_DAY = TODAY - timedelta(days=PASSAGE_DAYS - 1)
    passages_counts.made_months()
    note(f"{connection.vendor}: inserting {PASSAGES} passages at {len(checkpoints)} checkpoints")
    start = time.perf_counter()
    passages_counts.insert_raw(checkpoints, commanders[TOWN].pk)
    figures["passages_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    figures["roll_up_rows"] = passage_counts_rebuild()
    figures["recount_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    analyze()
    figures["analyze_seconds"] = round(time.perf_counter() - start, 1)
    with connection.cursor() as cursor:
        for table in ("people_person", "people_arrival", "observation_period", "observation_healthcheck"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — our own table names
            figures[f"rows_{table}"] = cursor.fetchone()[0]
    figures["towns"] = len(villages)
    figures["checkpoints"] = len(checkpoints)
    return figures


def _now() -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=19))


def measure() -> dict:
    """Step: the pages as the county viewer and the town commander, the clock at TODAY 19:00."""
    import time_machine

    from bench.common import setup_django

    setup_django()
    from django.db import connection

    with time_machine.travel(_now(), tick=True):
        pages = _pages()
    target = TARGET_MS[connection.vendor]
    missed = [label for label, page in pages.items() if page["max_ms"] >= target]
    return {
        "database": connection.vendor,
        "target_ms": target,
        "pages": pages,
        "target_met": not missed,
        "pages_missing_target": missed,
        "past_over_today": {
            label: round(page["median_ms"] / pages[label.replace("_past", "_today")]["median_ms"], 2)
            for label, page in pages.items()
            if label.endswith("_past")
        },
    }


def _pages() -> dict:
    from django.test import Client

    from bench.common import static_without_manifest
    from cordon.accounts.models import User

    small = SMALL_TOWN[0]
    viewers = {
        "county": ("bazhou", COUNTY, "bazhou"),
        "town": ("zhihui", TOWN, f"commander_{small[6:9]}"),
    }
    clients = {}
    for username in ("bazhou", "zhihui", f"commander_{small[6:9]}"):
        clients[username] = Client(HTTP_HOST="localhost")
        clients[username].force_login(User.objects.get(username=username))
    kinds = {
        "dashboard": "/dashboard/?area={area}&date={date}",
        "report": "/reports/daily/?area={area}&date={date}",
        "report_api": "/api/v1/reports/daily?area={area}&date={date}",
    }
    figures = {}
    with static_without_manifest():
        for who, (username, area, floor_user) in viewers.items():
            for kind, url in kinds.items():
                for when, day in (("today", TODAY), ("past", PAST)):
                    label = f"{who}_{kind}_{when}"
                    page = _page(clients[username], url.format(area=area, date=day))
                    floor = _page(clients[floor_user], url.format(area=small, date=day))
                    page["floor"] = {k: floor[k] for k in ("url", "median_ms", "max_ms", "queries")}
                    page["ratio"] = round(page["median_ms"] / floor["median_ms"], 2)
                    figures[label] = page
                    note(f"  {label}: {page['median_ms']} ms, {page['queries']} queries")
    return figures


def _page(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, secure=True)  # compile the templates, fill the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    queries = sorted(
        ((round(float(q["time"]) * 1000, 1), q["sql"]) for q in captured.captured_queries), reverse=True
    )
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url, secure=True)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "url": url,
        "median_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "queries": len(queries),
        "query_ms_total": round(sum(ms for ms, _sql in queries), 1),
        "slowest_queries": [{"ms": ms, "sql": sql[:300]} for ms, sql in queries[:3]],
    }
