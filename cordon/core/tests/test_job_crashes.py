"""Issue 21: a crash never takes the town down.

A job whose worker died is run again a set number of times, then failed with the reason; `cordon
serve` restarts a dead worker with backoff and keeps serving; on PostgreSQL, a worker killed in the
middle of an import leaves no orphan, no connection idle in transaction, and whole rows, and the
import completes on its retry.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cordon.core import jobs
from cordon.core.models import Job


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_job(world, **fields) -> Job:
    job = jobs.enqueue(kind="test.nothing", area=world.town, actor=world.commander, params={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now(), **fields)
    return job


def test_a_job_whose_worker_on_this_host_died_is_queued_again_at_once(world):
    job = running_job(world, attempts=1, claimed_by=f"{socket.gethostname()}:{dead_pid()}")
    jobs.HANDLERS["test.nothing"] = lambda job: {"ok": True}
    assert jobs.run_pending() >= 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2


def test_a_job_of_a_live_worker_is_left_alone(world):
    job = running_job(world, attempts=1, claimed_by=f"{socket.gethostname()}:{os.getpid()}")
    jobs._requeue_stale()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_job_that_crashed_its_worker_too_often_is_failed_with_the_reason(world):
    job = running_job(world, attempts=jobs.MAX_ATTEMPTS, claimed_by=f"{socket.gethostname()}:{dead_pid()}")
    jobs._requeue_stale()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at
    assert f"{jobs.MAX_ATTEMPTS} 次" in job.message


def test_a_stale_job_of_another_host_is_queued_again_after_the_heartbeat_limit(world):
    job = running_job(world, attempts=1, claimed_by="elsewhere:1")
    jobs._requeue_stale()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    with time_machine.travel(timezone.now() + jobs.STALE_AFTER + timedelta(seconds=1)):
        jobs._requeue_stale()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED


def test_serve_restarts_a_dead_worker_with_backoff_and_keeps_the_web_server(tmp_path):
    starts = tmp_path / "starts"
    web = [
        sys.executable,
        "-c",
        f"import os, time; open({str(tmp_path / 'web')!r}, 'w').write(str(os.getpid())); time.sleep(60)",
    ]
    worker = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)"]
    supervisor = subprocess.Popen(  # noqa: S603 — our own interpreter
        [
            sys.executable,
            "-c",
            "from cordon.cli_common import _setup; from cordon.cli_serve import _supervise; _setup(); "
            f"raise SystemExit(_supervise({web!r}, {worker!r}))",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(starts.read_text() if starts.exists() else "") < 3:
            time.sleep(0.2)
        assert len(starts.read_text()) >= 3  # died at once, started again after 1 s, then 2 s
        web_pid = int((tmp_path / "web").read_text())
        os.kill(web_pid, 0)  # the web server still runs
        assert supervisor.poll() is None
    finally:
        supervisor.send_signal(signal.SIGTERM)
        _out, err = supervisor.communicate(timeout=30)
    assert "exit code 3" in err or "退出码 3" in err
    with pytest.raises(ProcessLookupError):
        os.kill(web_pid, 0)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_whole_rows_and_the_retry_completes(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the SIGKILL test runs on PostgreSQL (an idle-in-transaction connection is the point)")
    from cordon.people.models import Arrival, Person
    from cordon.people.tests.conftest import ledger_xlsx, row
    from cordon.testing import build_world

    world = build_world(extensions=[])
    count = 20_000
    born = date(1940, 1, 1)
    rows = [
        row("测试员", f"131081{born + timedelta(days=i):%Y%m%d}001", f"139{i + 12345678:08d}")
        for i in range(count)
    ]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_xlsx(rows))
    job = jobs.enqueue(
        kind="people.import",
        area=world.sjf,
        actor=world.commander,
        params={
            "stored_file": str(path),
            "filename": path.name,
            "dry_run": False,
            "mapping": {},
            "source": "web",
        },
    )
    settings_dict = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}",
        "CORDON_VAR_DIR": str(tmp_path / "var"),
    }
    worker = subprocess.Popen([sys.executable, "-m", "cordon.cli", "worker"], env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not Person.objects.filter(name__startswith="测试").exists():
            time.sleep(0.1)
        assert Person.objects.filter(name__startswith="测试").exists(), "the import never wrote"
        children = _children(worker.pid)
        assert children  # the checking child
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    time.sleep(1)
    for child in children:  # died with its parent
        status = Path(f"/proc/{child}/status")
        assert not status.exists() or "zombie" in status.read_text()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state LIKE 'idle in transaction%%'",
            [settings_dict["NAME"]],
        )
        assert cursor.fetchone()[0] == 0
    written = Person.objects.filter(name__startswith="测试").count()
    assert written < count  # killed in the middle
    assert Arrival.objects.filter(person__name__startswith="测试").count() == written  # rows whole
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    retried = jobs.run_pending()  # a new worker on this host: the dead one's job is run again
    assert retried >= 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2, job.message
    # One generated number belongs to a person of the world under another name: refused, as it must be.
    stored = count - job.result["rejected"]
    assert job.result["rejected"] <= 1
    assert Person.objects.filter(name__startswith="测试").count() == stored
    assert Arrival.objects.filter(person__name__startswith="测试").count() == stored


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _answers(url: str) -> int:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 — our own test server
        return answer.status


@pytest.mark.django_db(transaction=True)
def test_cordon_serve_keeps_serving_while_its_worker_is_killed_mid_import(tmp_path):
    """The whole of it, as a town runs it: `cordon serve` (gunicorn and the supervised worker) on
    PostgreSQL; the worker is SIGKILLed in the middle of an import; the site answers throughout, the
    worker is started again, the import completes on its retry, no connection is left idle in
    transaction and the rows are whole."""
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (an idle-in-transaction connection is the point)")
    from cordon.core import keys
    from cordon.people.models import Arrival, Person
    from cordon.people.tests.conftest import ledger_xlsx, row
    from cordon.testing import build_world

    world = build_world(extensions=[])
    count = 20_000
    born = date(1940, 1, 1)
    rows = [
        row("测试员", f"131081{born + timedelta(days=i):%Y%m%d}001", f"139{i + 12345678:08d}")
        for i in range(count)
    ]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_xlsx(rows))
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CORDON_VAR_DIR": str(tmp_path / "var"),
        "CORDON_HTTPS": "0",
        "CORDON_DEBUG": "1",  # no collectstatic: the point is the processes
    }
    pem = keys.stored_pem("pass_signing")
    if pem:  # the key the world's cards were signed with, if any were
        env["CORDON_PASS_SIGNING_KEY"] = pem.decode()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    login = f"http://127.0.0.1:{port}/accounts/login/"
    root = Path(__file__).resolve().parents[3]
    server = subprocess.Popen(  # noqa: S603 — our own interpreter
        [sys.executable, "-m", "cordon.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:  # the site up (its first answer loads Django)
            try:
                if _answers(login) == 200:
                    break
            except OSError:
                time.sleep(0.5)
        job = jobs.enqueue(
            kind="people.import",
            area=world.sjf,
            actor=world.commander,
            params={
                "stored_file": str(path),
                "filename": path.name,
                "dry_run": False,
                "mapping": {},
                "source": "web",
            },
        )
        while time.monotonic() < deadline and not Person.objects.filter(name__startswith="测试").exists():
            time.sleep(0.1)
        assert Person.objects.filter(name__startswith="测试").exists(), "the import never wrote"
        # The supervisor's own child (the worker's reading and checking children fork from it).
        workers = [p for p in _children(server.pid) if "cordon.cli worker" in _cmdline(p)]
        assert len(workers) == 1
        below = _descendants(workers[0])
        os.kill(workers[0], signal.SIGKILL)
        killed_at = time.monotonic()
        served = []
        while time.monotonic() < deadline:
            try:
                served.append(_answers(login))
            except OSError as exc:
                served.append(repr(exc))
            job.refresh_from_db()
            if job.status == Job.Status.DONE and time.monotonic() - killed_at > 3:
                break
            time.sleep(0.5)
        assert served and set(served) == {200}, served  # every request while the worker was down and after
        assert server.poll() is None  # the web server never stopped
        assert job.status == Job.Status.DONE and job.attempts == 2, (job.status, job.message)
        assert not _cmdline(workers[0])  # the killed worker is gone; a new one ran the retry
        assert not any(_cmdline(p) and p not in _descendants(server.pid) for p in below)  # no orphan
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = %s AND state LIKE 'idle in transaction%%'",
                [db["NAME"]],
            )
            assert cursor.fetchone()[0] == 0
        stored = count - job.result["rejected"]
        assert job.result["rejected"] <= 1
        assert Person.objects.filter(name__startswith="测试").count() == stored
        assert Arrival.objects.filter(person__name__startswith="测试").count() == stored
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    assert "exit code -9" in err or "退出码 -9" in err  # the supervisor said what happened
