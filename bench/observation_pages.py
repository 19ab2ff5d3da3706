"""bench/observation.py's measuring step: every page as its user, the clock held at NOW, against the
same page for the village of 50 (see bench/observation.py for the data and the target)."""

import statistics
import time

from bench.observation import BIG, EXPLAIN_FROM_MS, PERIODS, REPEAT, SMALL, TARGET_MS, _now


def measure() -> dict:
    """Step: every page, as its user, the clock at NOW."""
    import time_machine

    from bench.common import setup_django

    setup_django()
    from django.db import connection

    with time_machine.travel(_now(), tick=True):
        pages = _pages()
    missed = [label for label, page in pages.items() if not page["target_met"]]
    return {
        "database": connection.vendor,
        "pages": pages,
        "target_met": not missed,
        "queries_pinned": all(page["queries"] == page["floor"]["queries"] for page in pages.values()),
        "pages_missing_target": missed,
    }


def _pages() -> dict:
    from django.test import Client

    from bench.common import static_without_manifest
    from cordon.accounts.models import User
    from cordon.observation.views import ROUND_PAGE

    big, small = BIG[0], SMALL[0]
    later = max(2, PERIODS // 10 // ROUND_PAGE * 3 // 5)  # three fifths into the round: page 60 of 100
    commander = ("zhihui", "/observation/?")
    pages = {f"town_{tab}": (commander, f"tab={tab}", f"tab={tab}&area={small}") for tab in _tabs()}
    pages["village_default_tab"] = (commander, f"area={big}", f"area={small}")
    pages["village_reporting"] = (commander, f"tab=reporting&area={big}", f"tab=reporting&area={small}")
    for label, query, floor in (
        ("round_page_1", f"area={big}", f"area={small}"),
        (f"round_page_{later}", f"area={big}&page={later}", f"area={small}"),
        ("round_missing", f"area={big}&missing=1", f"area={small}&missing=1"),
    ):
        pages[label] = (("clerk_big", "/observation/round/?"), query, floor)
    clients = {}
    for username in ("zhihui", "clerk_big", "clerk_small"):
        clients[username] = Client(HTTP_HOST="localhost")
        clients[username].force_login(User.objects.get(username=username))
    figures = {}
    with static_without_manifest():
        for label, ((username, path), query, floor_query) in pages.items():
            floor_user = "clerk_small" if username == "clerk_big" else username
            page = _page(clients[username], path + query)
            floor = _page(clients[floor_user], path + floor_query)
            page["floor"] = {k: floor[k] for k in ("url", "median_ms", "max_ms", "queries", "rows_shown")}
            page["ratio"] = round(page["median_ms"] / floor["median_ms"], 2)
            page["target_met"] = page["median_ms"] < TARGET_MS
            if not page["target_met"] or page["slowest_query"]["ms"] > EXPLAIN_FROM_MS:
                page["slowest_query"]["plan"] = _explain(page["slowest_query"].pop("full_sql"))
            else:
                page["slowest_query"].pop("full_sql")
            figures[label] = page
    return figures


def _tabs():
    from cordon.observation.selectors import TRIAGE_TABS

    return TRIAGE_TABS


def _page(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        client.get(url, secure=True)  # compile the templates, fill the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    # Read now: the requests below clear the connection's query log.
    queries = [(round(float(q["time"]) * 1000, 1), q["sql"]) for q in captured.captured_queries]
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url, secure=True)
        samples.append((time.perf_counter() - start) * 1000)
    html = response.content.decode()
    slowest_ms, slowest_sql = max(queries)
    return {
        "url": url,
        "median_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "queries": len(queries),
        "query_ms": [ms for ms, _sql in queries],
        "slowest_query": {"ms": slowest_ms, "sql": slowest_sql[:400], "full_sql": slowest_sql},
        "rows_shown": html.count('class="round-row')
        if "/round/" in url
        else html.count('<a class="title" href="/observation/periods/'),
    }


def _explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            depth: dict[int, int] = {}
            lines = []
            for node, parent, _unused, detail in cursor.fetchall():
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return lines
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]
