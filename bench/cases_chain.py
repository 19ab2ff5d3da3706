"""Transmission chains over a million contact links: the chain query against networkx in memory.

The data (issue 5's target): the benchmark town's 1,000,000 people (shared with the people
benchmarks), of whom about 100,000 are cases. Chains grow from 1,000 first cases: each case names
5–15 contacts (10 on average), and each contact becomes a case with a chance that keeps the chains
going about 20 generations deep, until the links number 1,000,000. Cases and links are inserted raw
(COPY on PostgreSQL, executemany on SQLite) as the services would write them: ``contact_case`` set on
the link of every contact who became a case. Then ANALYZE.

Measured, in a fresh process, for 30 cases chosen at random among those with both ancestors and
descendants: the chain query — all descendants and all ancestors to depth 10, ``cordon.cases.chain``
(one recursive query each, the code the pages and the API run) — median and max; and the whole chain
graph as the API builds it (``selectors.chain_graph``: the walk, the visible cases, their contacts
with their periods and placements, as nodes and edges) for the commander. Target: the chain query
under 100 ms on both databases.

The floor, measured in the same process: the same two walks by networkx (breadth-first to depth 10,
``single_source_shortest_path_length`` with a cutoff) on the case graph loaded into memory from the
same links (the time to load it is reported, not counted). The ratio of medians must be within 3×.

BENCH_CHAIN_LINKS scales the graph (default 1000000); the people are BENCH_SEARCH_ROWS (default
1000000), shared with the people benchmarks.
"""

import os
import random
import statistics
import time
from collections import deque

from bench.common import databases, note, people_database, step

LINKS = int(os.environ.get("BENCH_CHAIN_LINKS", "1000000"))
PEOPLE = int(os.environ.get("BENCH_SEARCH_ROWS", "1000000"))
ROOTS = max(10, LINKS // 1000)
SAMPLES = 30
DEPTH = 10
TARGET_MS = 100
TARGET_RATIO = 3.0
CHUNK = 20_000


def run() -> dict:
    runs = []
    for kind in databases():
        url, workdir, _people = people_database(kind, PEOPLE)
        loaded = step("bench.cases_chain:load", url, workdir)
        runs.append({**step("bench.cases_chain:measure", url, workdir), "load": loaded})
    return {
        "benchmark": "cases_chain",
        "links": LINKS,
        "depth": DEPTH,
        "target_ms": TARGET_MS,
        "target_ratio": TARGET_RATIO,
        "runs": runs,
    }


def _graph(rng: random.Random, first_person: int, people: int):
    """(cases, links): cases as (case id, person id); links as (case id, person id, contact case id or
    None). A case and a contact who becomes one are always a fresh person, so the graph has no loop;
    once fresh people run short (a million links need more than a million people otherwise), contacts
    who never become cases are drawn again from those already traced, as a household member exposed to
    two cases would be."""
    cases: list[tuple[int, int]] = []
    links: list[tuple[int, int, int | None]] = []
    fresh = iter(range(first_person, first_person + people))
    left = people
    reserve = max(ROOTS * 2, people // 6)  # fresh people kept for the cases to come
    traced: list[int] = []  # contacts who are not cases, to draw from again
    frontier: deque[int] = deque()

    def new_case(person: int) -> int:
        cases.append((len(cases) + 1, person))
        return len(cases)

    for _ in range(ROOTS):
        frontier.append(new_case(next(fresh)))
        left -= 1
    chance = 0.105  # about 1.05 new cases per case: chains run long without exploding
    while len(links) < LINKS:
        if not frontier:
            if left <= 0:
                break
            frontier.append(new_case(next(fresh)))  # a chain died out: another begins
            left -= 1
        case = frontier.popleft()
        seen = set()
        for _ in range(rng.randint(5, 15)):
            if len(links) >= LINKS:
                break
            became = None
            if rng.random() < chance and left > 0:
                person = next(fresh)
                left -= 1
                became = new_case(person)
                frontier.append(became)
            elif left > reserve or not traced:
                person = next(fresh)
                left -= 1
                traced.append(person)
            else:
                person = traced[rng.randrange(len(traced))]
                if person in seen:
                    continue
            seen.add(person)
            links.append((case, person, became))
    return cases, links


def load() -> dict:
    """Step: the cases and the links, raw, on the people already loaded; ANALYZE."""
    from bench.common import analyze, setup_django

    setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.data import TOWN, raw_insert
    from cordon.accounts.services import operator_account
    from cordon.cases.models import Case, ContactLink

    operator = operator_account().pk
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_contactlink")
        cursor.execute("DELETE FROM cases_classificationchange")
        cursor.execute("DELETE FROM cases_case")
        cursor.execute("SELECT MIN(id), COUNT(*) FROM people_person")
        first_person, people = cursor.fetchone()
        cursor.execute("SELECT id, area_id FROM people_person")
        area_of = dict(cursor.fetchall())
    start = time.perf_counter()
    cases, links = _graph(random.Random(20200209), first_person, people)  # noqa: S311 — synthetic data
    figures = {"database": connection.vendor, "cases": len(cases), "links": len(links)}
    note(f"{connection.vendor}: {len(cases)} cases, {len(links)} contact links")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = connection.ops.adapt_datefield_value(timezone.localdate())
    case_columns = [f.column for f in Case._meta.concrete_fields]
    link_columns = [f.column for f in ContactLink._meta.concrete_fields]
    with transaction.atomic():
        rows = []
        for case_id, person in cases:
            values = {
                "id": case_id,
                "person_id": person,
                "area_id": area_of.get(person, TOWN[0]),
                "authority": "廊坊市",
                "number": str(case_id),
                "classification": "confirmed",
                "onset_date": None,
                "confirmed_on": day,
                "isolated_on": None,
                "reporting_source": "",
                "hospital": "",
                "outcome": "",
                "outcome_on": None,
                "external_name": "",
                "external_note": "",
                "note": "",
                "created_by_id": operator,
                "created_at": now,
                "updated_at": now,
            }
            rows.append(tuple(values[c] for c in case_columns))
            if len(rows) >= CHUNK:
                raw_insert(Case._meta.db_table, case_columns, rows)
                rows.clear()
        raw_insert(Case._meta.db_table, case_columns, rows)
        rows = []
        for link_id, (case_id, person, became) in enumerate(links, start=1):
            values = {
                "id": link_id,
                "case_id": case_id,
                "person_id": person,
                "area_id": area_of[person],
                "degree": "close",
                "setting": "household",
                "first_exposure": day,
                "last_exposure": day,
                "via_id": None,
                "contact_case_id": became,
                "period_id": None,
                "note": "",
                "traced_by_id": operator,
                "traced_at": now,
            }
            rows.append(tuple(values[c] for c in link_columns))
            if len(rows) >= CHUNK:
                raw_insert(ContactLink._meta.db_table, link_columns, rows)
                rows.clear()
        raw_insert(ContactLink._meta.db_table, link_columns, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table, last in (("cases_case", len(cases)), ("cases_contactlink", len(links))):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [last])
    figures["load_seconds"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    analyze()
    figures["analyze_seconds"] = round(time.perf_counter() - start, 1)
    return figures


def measure() -> dict:
    """Step: the chain query for sample cases, against networkx on the graph loaded in memory."""
    import networkx as nx

    from bench.common import commander, setup_django

    setup_django()
    from django.db import connection

    from cordon.cases import chain, selectors
    from cordon.cases.models import Case

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT case_id, contact_case_id FROM cases_contactlink WHERE contact_case_id IS NOT NULL"
        )
        edges = cursor.fetchall()
    graph = nx.DiGraph(edges)
    reverse = graph.reverse(copy=False)
    load_seconds = round(time.perf_counter() - start, 1)
    rng = random.Random(5)  # noqa: S311 — reproducible sample
    middle = [n for n in graph.nodes if graph.in_degree(n) and graph.out_degree(n)]
    sample = rng.sample(middle, min(SAMPLES, len(middle)))
    sql_ms, nx_ms, graph_ms, sizes = [], [], [], []
    user = commander()
    for case_id in sample:
        chain.walk(case_id, DEPTH)  # warm the cache the way a second look would
        began = time.perf_counter()
        down, up = chain.walk(case_id, DEPTH)
        sql_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        nx_down = nx.single_source_shortest_path_length(graph, case_id, cutoff=DEPTH)
        nx_up = nx.single_source_shortest_path_length(reverse, case_id, cutoff=DEPTH)
        nx_ms.append((time.perf_counter() - began) * 1000)
        if down != nx_down or up != nx_up:
            raise AssertionError(f"case {case_id}: the query and networkx disagree")
        sizes.append(len(down) + len(up) - 1)
        case = Case.objects.get(pk=case_id)
        began = time.perf_counter()
        built = selectors.chain_graph(case, user, depth=DEPTH)
        graph_ms.append((time.perf_counter() - began) * 1000)
        sizes[-1] = (sizes[-1], len(built.nodes), len(built.edges))
    sql, floor = statistics.median(sql_ms), statistics.median(nx_ms)
    return {
        "database": connection.vendor,
        "samples": len(sample),
        "chain_query_median_ms": round(sql, 2),
        "chain_query_max_ms": round(max(sql_ms), 2),
        "networkx_median_ms": round(floor, 3),
        "networkx_max_ms": round(max(nx_ms), 3),
        "networkx_load_seconds": load_seconds,
        "ratio": round(sql / floor, 2) if floor else None,
        "chain_graph_median_ms": round(statistics.median(graph_ms), 1),
        "chain_graph_max_ms": round(max(graph_ms), 1),
        "cases_reached_median": statistics.median(s[0] for s in sizes),
        "graph_nodes_median": statistics.median(s[1] for s in sizes),
        "target_met": sql < TARGET_MS,
        "ratio_met": bool(floor) and sql / floor <= TARGET_RATIO,
    }
