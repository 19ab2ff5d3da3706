"""Passage logging over HTTP, as guards' phones do it: the real endpoint against the framework floor.

The server is Cordon's production set-up (`cordon serve --no-worker`: gunicorn, 2 workers × 4 threads,
debug off) on 127.0.0.1. The load generator is bounded: autocannon (bench/load.mjs, one Node process on
an event loop, so it takes little of the two cores the server needs) with 50 kept-alive connections,
each sending one request after another for a fixed time, after a 3-second warm-up. Measured in one run:

- the floor: the same server answering a trivial endpoint behind the same token authentication that
  inserts one row (bench/http_urls.py);
- Cordon: ``POST /api/v1/checkpoints/{id}/passages``, one passage per request with its own client id,
  half of them naming a registered person by ID number (so the flags are looked up), a temperature,
  validation as always.

- Cordon again with the 50 clients bounded to 60% of the floor's rate in all (the load the throughput
  target names), for its latency: at saturation latency is only the clients' count over the throughput.

Reported: requests per second, p50, p90 and p99 latency, errors; the ratio of Cordon's throughput to the
floor's. Target: at least 60% of the floor, p99 under 100 ms at 50 clients, on SQLite and PostgreSQL.
BENCH_HTTP_SECONDS sets each measurement's length (default 20), BENCH_HTTP_CLIENTS the clients (50).
"""

import json
import os
import socket
import subprocess
import sys
import time

from bench.common import ROOT, databases, note, scratch_database, step

SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "50"))
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
        passages = f"/api/v1/checkpoints/{prepared['checkpoint']}/passages"
        floor_path = "/bench/floor"
        for label, path in (("floor", floor_path), ("passage", passages), ("floor_again", floor_path)):
            figures[label] = _measure(port, path, prepared, passages=label == "passage")
            note(f"{label}: {figures[label]['requests_per_second']} req/s, p99 {figures[label]['p99_ms']} ms")
        floor = max(figures["floor"]["requests_per_second"], figures["floor_again"]["requests_per_second"])
        passage = figures["passage"]
        figures["ratio"] = round(passage["requests_per_second"] / floor, 2) if floor else None
        # The latency target at the load the throughput target names: 50 clients asking, in all, for
        # 60% of what the floor answered. (At saturation, latency is the clients' count over the
        # throughput, whatever the code does: reported above, not the target.)
        bounded = round(floor * TARGET_RATIO)
        figures["passage_bounded"] = {
            "offered_per_second": bounded,
            **_measure(port, passages, prepared, passages=True, rate=bounded),
        }
        note(f"passage at {bounded}/s: p99 {figures['passage_bounded']['p99_ms']} ms")
        figures["target_met"] = bool(
            figures["ratio"]
            and figures["ratio"] >= TARGET_RATIO
            and figures["passage_bounded"]["p99_ms"] < TARGET_P99_MS
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


def _measure(port: int, path: str, prepared: dict, *, passages: bool, rate: float = 0) -> dict:
    """One measurement by bench/load.mjs (autocannon): a short warm-up, then SECONDS of load from
    CLIENTS connections, as fast as answered or at ``rate`` requests per second in all."""
    job = {
        "url": f"http://127.0.0.1:{port}{path}",
        "token": prepared["token"],
        "connections": CLIENTS,
        "passages": passages,
        "numbers": prepared["numbers"],
    }
    _load({**job, "seconds": WARMUP, "rate": rate})
    return _load({**job, "seconds": SECONDS, "rate": rate})


def _load(job: dict) -> dict:
    done = subprocess.run(  # noqa: S603 — our own script
        ["node", str(ROOT / "bench" / "load.mjs"), json.dumps(job)],  # noqa: S607 — node is on the PATH, as make needs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
