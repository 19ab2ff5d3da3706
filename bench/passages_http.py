"""Per-request cost over HTTP, measured against the framework: Cordon's authenticated no-op and its
passage endpoint against a bare Django application served the same way.

Both servers are the production set-up (gunicorn, 2 workers × 4 threads, debug off, the command of
``cordon serve``: ``cordon.cli_serve.gunicorn_command``) on 127.0.0.1, on the same database with the same
database settings (config/settings.py's ``DATABASES``), one after the other. The load generator is
autocannon (bench/load.mjs, one Node process on an event loop) with 50 kept-alive connections, each
sending one request after another for a fixed time, after a 3-second warm-up. Measured in one run:

- bare Django (bench/bare_settings.py, bench/bare_urls.py: no app, no middleware): a view answering
  ``JsonResponse`` (the no-op floor) and a view inserting one row (the insert floor);
- Cordon (bench/http_settings.py): ``POST /api/bench/noop``, an API endpoint behind Cordon's token
  authentication and all its middleware that does nothing; then ``POST
  /api/v1/checkpoints/{id}/passages``, one passage per request with its own client id, half of them
  naming a registered person by ID number (so the flags are looked up), a temperature;
- the passage again with the clients spread over SPREAD checkpoints (a town's gates, a few guards at
  each; the first run has all 50 at one gate, where each passage waits for the previous one's count);
- the passage again with the 50 clients bounded, in all, to the rate the throughput target names
  (0.4 × the bare insert), for its latency below saturation;
- a phone's offline batch: 200 entries in one ``POST …/passages/batch``, five times, one at a time;
- bare Django again, so the drift of a loaded machine shows (the ratios use the better of the two).

Targets: the no-op at least 0.5 × the bare no-op; the passage at least 0.4 × the bare insert and its
p99 under 100 ms at 50 clients; 200 offline entries stored in under a second. Ratios only mean
something within one run: the machine is shared.
BENCH_HTTP_SECONDS sets each measurement's length (default 20), BENCH_HTTP_CLIENTS the clients (50),
BENCH_HTTP_PORT the port (default: any free one).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

from bench.common import ROOT, databases, note, scratch_database, step

SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "50"))
WARMUP = 3.0
TARGET_NOOP_RATIO, TARGET_PASSAGE_RATIO, TARGET_P99_MS, TARGET_BATCH_SECONDS = 0.5, 0.4, 100, 1.0
BATCH, BATCHES = 200, 5
PEOPLE = 2000
SPREAD = 10


def run() -> dict:
    runs = []
    for kind in databases():
        with scratch_database(kind, "http") as (url, workdir):
            prepared = step("bench.passages_http:prepare", url, workdir)
            runs.append({"database": kind, **_measure_all(url, workdir, prepared)})
    return {
        "benchmark": "passages_http",
        "clients": CLIENTS,
        "seconds": SECONDS,
        "targets": {
            "noop_ratio": TARGET_NOOP_RATIO,
            "passage_ratio": TARGET_PASSAGE_RATIO,
            "passage_p99_ms": TARGET_P99_MS,
            "batch_seconds": TARGET_BATCH_SECONDS,
        },
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
    spread = [
        checkpoint_create(actor=operator, area=village, name=f"压测卡点{n}").pk for n in range(1, SPREAD)
    ]
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
    return {
        "token": secret,
        "checkpoint": checkpoint.pk,
        "spread": [checkpoint.pk, *spread],
        "numbers": numbers,
    }


def _port() -> int:
    if os.environ.get("BENCH_HTTP_PORT"):
        return int(os.environ["BENCH_HTTP_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _measure_all(url: str, workdir: str, prepared: dict) -> dict:
    figures: dict = {}
    passages = f"/api/v1/checkpoints/{prepared['checkpoint']}/passages"

    def measure(label, path, **options):
        figures[label] = _measure(port, path, prepared, **options)
        note(f"{label}: {figures[label]['requests_per_second']} req/s, p99 {figures[label]['p99_ms']} ms")

    port = _port()
    with _server(url, workdir, port, bare=True):
        measure("bare_noop", "/bare/noop")
        measure("bare_insert", "/bare/insert")
    with _server(url, workdir, port, bare=False):
        measure("cordon_noop", "/api/bench/noop")
        measure("passage", passages, passages=True)
        spread = [f"/api/v1/checkpoints/{pk}/passages" for pk in prepared["spread"]]
        measure("passage_spread", passages, passages=True, paths=spread)
        bare_insert = figures["bare_insert"]["requests_per_second"]
        bounded = round(bare_insert * TARGET_PASSAGE_RATIO)
        figures["passage_bounded"] = {
            "offered_per_second": bounded,
            **_measure(port, passages, prepared, passages=True, rate=bounded),
        }
        note(f"passage at {bounded}/s: p99 {figures['passage_bounded']['p99_ms']} ms")
        figures["batch"] = _batches(port, passages + "/batch", prepared)
        note(f"batch of {BATCH}: {figures['batch']['seconds']} s")
    with _server(url, workdir, port, bare=True):
        measure("bare_noop_again", "/bare/noop")
        measure("bare_insert_again", "/bare/insert")

    def best(label):
        return max(figures[label]["requests_per_second"], figures[f"{label}_again"]["requests_per_second"])

    noop_floor, insert_floor = best("bare_noop"), best("bare_insert")
    figures["noop_ratio"] = round(figures["cordon_noop"]["requests_per_second"] / noop_floor, 2)
    figures["passage_ratio"] = round(figures["passage"]["requests_per_second"] / insert_floor, 2)
    figures["passage_spread_ratio"] = round(
        figures["passage_spread"]["requests_per_second"] / insert_floor, 2
    )
    figures["targets_met"] = {
        "noop_ratio": figures["noop_ratio"] >= TARGET_NOOP_RATIO,
        "passage_ratio": figures["passage_ratio"] >= TARGET_PASSAGE_RATIO,
        "passage_p99_saturated": figures["passage"]["p99_ms"] < TARGET_P99_MS,
        "passage_p99_bounded": figures["passage_bounded"]["p99_ms"] < TARGET_P99_MS,
        "batch": figures["batch"]["max_seconds"] < TARGET_BATCH_SECONDS,
    }
    return figures


class _server:
    """A gunicorn server on ``port`` for the length of a ``with``: bare Django, or ``cordon serve``."""

    def __init__(self, url: str, workdir: str, port: int, *, bare: bool, command=None, path: str = ""):
        # ``command``: another server command (bench/server_shape.py: its threads, its application
        # module found on ``path``).
        self.port, self.bare, self.workdir, self.command = port, bare, workdir, command
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "CORDON_VAR_DIR": workdir,
            "DJANGO_SETTINGS_MODULE": "bench.bare_settings" if bare else "bench.http_settings",
            "CORDON_DEBUG": "0",
            "CORDON_HTTPS": "0",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT),
        }

    def __enter__(self):
        from cordon.cli_serve import gunicorn_command

        command = self.command or (
            gunicorn_command("127.0.0.1", self.port, 2)
            if self.bare
            else [sys.executable, "-m", "cordon.cli", "serve", "--no-worker", "--port", str(self.port)]
        )
        name = "bare" if self.bare else "cordon"
        self.log = open(os.path.join(self.workdir, f"server-{name}.log"), "a")
        self.process = subprocess.Popen(  # noqa: S603 — our own command
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            _wait(self.port)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        # The port free again before the next server binds it.
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    time.sleep(0.2)
            except OSError:
                return


def _wait(port: int) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not start")


def _measure(
    port: int,
    path: str,
    prepared: dict,
    *,
    passages: bool = False,
    rate: float = 0,
    paths: list | None = None,
) -> dict:
    """One measurement by bench/load.mjs (autocannon): a short warm-up, then SECONDS of load from
    CLIENTS connections, as fast as answered or at ``rate`` requests per second in all (to ``paths``
    in turn when given)."""
    job = {
        "url": f"http://127.0.0.1:{port}{path}",
        "token": prepared["token"],
        "connections": CLIENTS,
        "passages": passages,
        "numbers": prepared["numbers"],
        **({"paths": paths} if paths else {}),
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


def _batches(port: int, path: str, prepared: dict) -> dict:
    """A phone's offline entries sent at once: BATCH entries (half naming a registered person), each
    stored; BATCHES batches one after another, timed from the request to the whole answer."""
    numbers, seconds = prepared["numbers"], []
    for _round in range(BATCHES):
        entries = []
        for index in range(BATCH):
            entry = {
                "client_id": uuid.uuid4().hex,
                "occurred_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
                "direction": "in" if index % 2 else "out",
                "decision": "allowed",
                "temperature": "36.6",
            }
            if index % 2:
                entry["document_number"] = numbers[(index * 7919) % len(numbers)]
            else:
                entry["name"] = "路人"
            entries.append(entry)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=json.dumps(entries).encode(),
            headers={"Authorization": f"Bearer {prepared['token']}", "Content-Type": "application/json"},
            method="POST",
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            results = json.loads(answer.read())
        seconds.append(time.perf_counter() - start)
        created = sum(1 for result in results if result["status"] == "created")
        if created != BATCH:
            raise RuntimeError(f"a batch stored {created} of {BATCH} entries")
    return {
        "entries": BATCH,
        "seconds": round(sorted(seconds)[len(seconds) // 2], 3),
        "max_seconds": round(max(seconds), 3),
    }
