"""Issue 20: SQLite keeps its connections between requests (``CONN_MAX_AGE``), and the gate's entries
sent twice at once still store each entry once.

Kept connections were undone once because the gate page sends its offline queue twice at once (the
page's own retry and the service worker's): on a kept connection the second ``INSERT … RETURNING``
of the same entry left its statement open, so that server thread's next transactions failed
("cannot open savepoint - SQL statements in progress", "cannot start a transaction within a
transaction") until its connection was dropped. The test runs the production server (gunicorn, one
worker of four threads, each keeping its connection) on an SQLite file, sends the same batch and the
same passage from four clients at once, then checks every thread's connection still works and each
entry was stored and counted once. The test database of the other tests is SQLite in memory, which
neither keeps a connection per server thread nor locks as a file does, so a real server is used.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from cordon.accounts import services
from cordon.accounts.models import Role
from cordon.checkpoints.services import checkpoint_create
operator = services.operator_account()
areas = [
    services.area_create(actor=operator, code=code, name=name)
    for code, name in [("130000000000", "河北省"), ("131000000000", "廊坊市"), ("131081000000", "霸州市"),
                       ("131081103000", "堂二里镇"), ("131081103201", "堂二里村")]
]
village = areas[-1]
checkpoint = checkpoint_create(actor=operator, area=village, name="村口卡点")
guard, _password = services.user_create(
    actor=operator, username="guard", full_name="卡点值守", area=village,
    roles=[(Role.CHECKPOINT_GUARD, village)], password="Guard-password-2020",
)
guard.must_change_password = False
guard.save(update_fields=["must_change_password"])
_token, secret = services.token_create(actor=guard, name="test")
print(json.dumps({"checkpoint": checkpoint.pk, "token": secret}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _entry(index: int) -> dict:
    return {
        "client_id": uuid.uuid4().hex,
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "direction": "in" if index % 2 else "out",
        "decision": "allowed",
        "name": f"路人{index}",
        "temperature": "36.5",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("kept")
    database = var / "cordon.sqlite3"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "CORDON_VAR_DIR": str(var),
        "CORDON_DEBUG": "0",
        "CORDON_HTTPS": "0",
        "CORDON_DB_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    made = subprocess.run(  # noqa: S603 — our own interpreter
        [sys.executable, "-c", "import json\n" + SETUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    prepared = json.loads(made.stdout.strip().splitlines()[-1])
    from cordon.cli_serve import gunicorn_command

    port = _free_port()
    log = open(var / "server.log", "w")  # noqa: SIM115 — closed below
    process = subprocess.Popen(  # noqa: S603 — our own command
        gunicorn_command("127.0.0.1", port, 1), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 240  # a loaded 2-core machine starts gunicorn slowly
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        yield {**prepared, "port": port, "database": database, "log": var / "server.log"}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _post(server, path: str, body) -> tuple[int, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server['port']}/api/v1/checkpoints/{server['checkpoint']}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {server['token']}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 — our own server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_entries_sent_twice_at_once_are_stored_once_on_kept_connections(server):
    clients = 4
    sent: set[str] = set()
    created: list[str] = []
    with ThreadPoolExecutor(clients) as pool:
        for _round in range(4):
            # The same batch from every client at once, with one entry twice in it as well.
            batch = [_entry(index) for index in range(25)]
            batch.append(dict(batch[3]))
            sent.update(entry["client_id"] for entry in batch)
            answers = list(pool.map(lambda _n, b=batch: _post(server, "/passages/batch", b), range(clients)))
            for status, results in answers:
                assert status == 200, results
                assert [r["client_id"] for r in results] == [e["client_id"] for e in batch]
                assert {r["status"] for r in results} <= {"created", "duplicate"}, results
                created += [r["client_id"] for r in results if r["status"] == "created"]
            # One passage, sent by every client at once.
            entry = _entry(_round)
            sent.add(entry["client_id"])
            answers = list(pool.map(lambda _n, e=entry: _post(server, "/passages", e), range(clients)))
            assert sorted(status for status, _body in answers) == [200] * (clients - 1) + [201], answers
            assert len({body["id"] for _status, body in answers}) == 1
            created.append(entry["client_id"])
        # Afterwards every server thread's kept connection still stores a passage.
        answers = list(pool.map(lambda index: _post(server, "/passages", _entry(index)), range(3 * clients)))
        assert [status for status, _body in answers] == [201] * (3 * clients), answers
    assert sorted(created) == sorted(sent)  # each entry created exactly once
    with sqlite3.connect(server["database"]) as database:
        (passages,) = database.execute("SELECT COUNT(*) FROM checkpoints_passage").fetchone()
        (counted,) = database.execute("SELECT SUM(total) FROM checkpoints_passagedaycount").fetchone()
    assert passages == counted == len(sent) + 3 * clients
    log = server["log"].read_text()
    assert "Traceback" not in log and "Internal Server Error" not in log, log
