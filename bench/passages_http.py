"""Passage logging over HTTP, as guards' phones do it: the real endpoint against the framework floor.

The server is Cordon's production set-up (`cordon serve --no-worker`: gunicorn, 2 workers × 4 threads,
debug off) on 127.0.0.1. The load generator is bounded: 50 clients (2 processes × 25 threads, each with
a kept-alive connection) sending one request after another for a fixed time. Measured in one run:

- the floor: the same server answering a trivial endpoint behind the same token authentication that
  inserts one row (bench/http_urls.py);
- Cordon: ``POST /api/v1/checkpoints/{id}/passages``, one passage per request with its own client id,
  half of them naming a registered person by ID number (so the flags are looked up), a temperature,
  validation as always.

Reported: requests per second, p50 and p99 latency, errors; the ratio of Cordon's throughput to the
floor's. Target: at least 60% of the floor, p99 under 100 ms at 50 clients, on SQLite and PostgreSQL.
BENCH_HTTP_SECONDS sets each measurement's length (default 20), BENCH_HTTP_CLIENTS the clients (50).
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from multiprocessing import Pool

from bench.common import ROOT, databases, note, scratch_database, step

SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "50"))
PROCESSES = 2
WARMUP = 3.0
TARGET_RATIO, TARGET_P99_MS = 0.6, 100
PEOPLE = 2000


def run() -> dict:
    runs = []
    for kind in databases():
        with scratch_database(kind, "http") as (url, workdir):
            prepared = step("bench.passages_http:prepare", url, workdir)
            runs.append({"database": kind, **_serve_and_measure(url, workdir, prepared)})
    return {
        "benchmark": "passages_http",
        "clients": CLIENTS,
        "seconds": SECONDS,
        "target_ratio": TARGET_RATIO,
        "target_p99_ms": TARGET_P99_MS,
        "runs": runs,
    }


def prepare() -> dict:
    """Step: migrate, the town, a checkpoint, a guard with a token, 2,000 people, the floor's table."""
    from bench.common import build_town, setup_django

    setup_django(migrate=True)
    from django.db import connection

    from bench.data import VILLAGES, Generator, load_people
    from cordon.accounts import services as accounts
    from cordon.accounts.models import Area, Role
    from cordon.checkpoints.services import checkpoint_create

    town = build_town()
    operator = accounts.operator_account()
    village = Area.objects.get(code=VILLAGES[0][0])
    checkpoint = checkpoint_create(actor=operator, area=village, name="压测卡点")
    guard, _password = accounts.user_create(
        actor=operator,
        username="guard",
        full_name="卡点值守",
        area=village,
        roles=[(Role.CHECKPOINT_GUARD, village)],
        password="Bench-password-2020",  # noqa: S106 — a throw-away account in a throw-away database
    )
    guard.must_change_password = False
    guard.save(update_fields=["must_change_password"])
    _token, secret = accounts.token_create(actor=guard, name="bench")
    load_people(Generator(), PEOPLE, actor_id=town["operator_id"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, at timestamptz, who bigint)")
        else:
            cursor.execute(
                "CREATE TABLE bench_floor (id integer PRIMARY KEY AUTOINCREMENT, at datetime, who bigint)"
            )
        cursor.execute("SELECT document_number FROM people_person WHERE document_number <> '' LIMIT 500")
        numbers = [row[0] for row in cursor.fetchall()]
    return {"token": secret, "checkpoint": checkpoint.pk, "numbers": numbers}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_measure(url: str, workdir: str, prepared: dict) -> dict:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CORDON_VAR_DIR": workdir,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "CORDON_DEBUG": "0",
        "CORDON_HTTPS": "0",
        "PYTHONPATH": str(ROOT),
    }
    log = open(os.path.join(workdir, "server.log"), "w")  # noqa: SIM115 — closed below
    server = subprocess.Popen(  # noqa: S603 — our own command
        [sys.executable, "-m", "cordon.cli", "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(port)
        figures = {}
        for label, path in (
            ("floor", "/bench/floor"),
            ("passage", f"/api/v1/checkpoints/{prepared['checkpoint']}/passages"),
            ("floor_again", "/bench/floor"),
        ):
            figures[label] = _measure(port, path, prepared, passages=label == "passage")
            note(f"{label}: {figures[label]['requests_per_second']} req/s, p99 {figures[label]['p99_ms']} ms")
        floor = max(figures["floor"]["requests_per_second"], figures["floor_again"]["requests_per_second"])
        passage = figures["passage"]
        figures["ratio"] = round(passage["requests_per_second"] / floor, 2) if floor else None
        figures["target_met"] = bool(
            figures["ratio"] and figures["ratio"] >= TARGET_RATIO and passage["p99_ms"] < TARGET_P99_MS
        )
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait(port: int) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not start")


def _measure(port: int, path: str, prepared: dict, *, passages: bool) -> dict:
    jobs = [(port, path, prepared, passages, CLIENTS // PROCESSES, seed) for seed in range(PROCESSES)]
    with Pool(PROCESSES) as pool:
        parts = pool.map(_client_process, jobs)
    latencies = sorted(ms for part in parts for ms in part["latencies"])
    errors = sum(part["errors"] for part in parts)
    statuses: dict[str, int] = {}
    for part in parts:
        for status, n in part["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    count = len(latencies)
    return {
        "requests": count,
        "requests_per_second": round(count / SECONDS, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(count * 0.99) - 1], 1) if count >= 100 else None,
        "errors": errors,
        "statuses": statuses,
    }


def _client_process(job) -> dict:
    port, path, prepared, passages, threads, seed = job
    results = {"latencies": [], "errors": 0, "statuses": {}}
    lock = threading.Lock()
    start = time.perf_counter() + WARMUP
    stop = start + SECONDS

    def client(number: int) -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {prepared['token']}", "Content-Type": "application/json"}
        numbers = prepared["numbers"]
        i = 0
        mine, bad, codes = [], 0, {}
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            i += 1
            if passages:
                body = {
                    "client_id": uuid.uuid4().hex,
                    "direction": "in" if i % 2 else "out",
                    "decision": "allowed",
                    "temperature": "36.5",
                }
                if i % 2:
                    body["document_number"] = numbers[(number * 7919 + i) % len(numbers)]
                else:
                    body["name"] = "路人"
            else:
                body = {}
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=json.dumps(body), headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            took = (time.perf_counter() - began) * 1000
            if began >= start:
                codes[str(status)] = codes.get(str(status), 0) + 1
                if status in (200, 201):
                    mine.append(took)
                else:
                    bad += 1
        with lock:
            results["latencies"] += mine
            results["errors"] += bad
            for status, n in codes.items():
                results["statuses"][status] = results["statuses"].get(status, 0) + n

    workers = [threading.Thread(target=client, args=(seed * 1000 + n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results
