"""What the people benchmarks share: a throw-away database per run, steps in fresh processes, timing.

Each benchmark runs its steps (load, measure, floor) in child processes of its own, so its figures do
not depend on what ran before it in ``bench/run.py`` (Django is set up once per process, on one
database), and so the peak memory of one step can be read alone. SQLite: a file in a temporary
directory. PostgreSQL, when BENCH_DATABASE_URL is set: a database of its own created next to that
one (``<name>_<benchmark>``) and dropped afterwards, so the scratch database given stays as it was.
BENCH_DATABASES=sqlite,postgresql picks the databases (default: SQLite, and PostgreSQL when
BENCH_DATABASE_URL is set).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
_MARK = "BENCH-RESULT "


def databases() -> list[str]:
    wanted = os.environ.get("BENCH_DATABASES", "").strip()
    if wanted:
        return [name.strip() for name in wanted.split(",") if name.strip()]
    return ["sqlite", "postgresql"] if os.environ.get("BENCH_DATABASE_URL") else ["sqlite"]


@contextlib.contextmanager
def scratch_database(kind: str, benchmark: str):
    """(database URL, work directory) for one benchmark run; both are removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"cordon-bench-{benchmark}-") as workdir:
        if kind == "sqlite":
            yield f"sqlite:///{workdir}/bench.sqlite3", workdir
            return
        if kind != "postgresql":
            raise ValueError(f"unknown database {kind!r}: sqlite or postgresql")
        base = os.environ.get("BENCH_DATABASE_URL", "")
        if not base:
            raise RuntimeError(
                "BENCH_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/cordon_bench)"
            )
        import psycopg

        parts = urlsplit(base)
        name = f"{parts.path.lstrip('/') or 'cordon_bench'}_{benchmark}"
        url = urlunsplit(parts._replace(path=f"/{name}"))
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url, workdir
        finally:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_LOADED: dict[tuple[str, int], tuple[str, str, dict]] = {}
_KEPT = contextlib.ExitStack()
atexit.register(_KEPT.close)


def people_database(kind: str, rows: int) -> tuple[str, str, dict]:
    """(URL, work directory, load figures) of a database holding the town and ``rows`` people with
    one arrival each, loaded once per process and shared by the export and search benchmarks (which
    only read it) and the import benchmark's re-sent ledger (which adds to it, so it runs last);
    removed when the process ends."""
    key = (kind, rows)
    if key not in _LOADED:
        url, workdir = _KEPT.enter_context(scratch_database(kind, f"people_{rows}"))
        _LOADED[key] = (url, workdir, step("bench.common:load_people_step", url, workdir, rows=rows))
    return _LOADED[key]


def load_people_step(*, rows: int) -> dict:
    """Step: migrate, make the town, generate and insert ``rows`` people raw (load_seconds counts
    both), then ANALYZE as bench/scope.py does (PostgreSQL's autovacuum would; Cordon never runs it on
    SQLite, so the search benchmark also measures SQLite without statistics)."""
    setup_django(migrate=True)
    from django.db import connection

    from bench.data import Generator, load_people

    town = build_town()
    note(f"{connection.vendor}: loading {rows} people and their arrivals")
    start = time.perf_counter()
    categories = load_people(Generator(), rows, actor_id=town["operator_id"])
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    analyze()
    return {
        "load_seconds": round(loaded, 1),
        "analyze_seconds": round(time.perf_counter() - start, 1),
        "arrivals_by_category": categories,
    }


def step(function: str, url: str, workdir: str, **params) -> dict:
    """Run ``function`` ("module:name") in a fresh Python process on the database; return its result.

    The child's stderr (progress notes) goes to ours; its result comes back as one JSON line.
    """
    module, name = function.split(":")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CORDON_VAR_DIR": workdir,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BENCH_STEP_PARAMS": json.dumps(params),
    }
    code = (
        "import json, os\n"
        f"from {module} import {name} as step\n"
        "result = step(**json.loads(os.environ['BENCH_STEP_PARAMS']))\n"
        f"print({_MARK!r} + json.dumps(result, ensure_ascii=False, default=str), flush=True)\n"
    )
    done = subprocess.run(  # noqa: S603 — our own interpreter running our own code
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(_MARK)]
    if done.returncode or not lines:
        raise RuntimeError(f"bench step {function} failed (exit status {done.returncode})")
    return json.loads(lines[-1][len(_MARK) :])


def setup_django(*, migrate: bool = False) -> None:
    """Django on DATABASE_URL (set by ``step``), as the server runs it (its start-up objects left out
    of the collector's passes, as config/wsgi.py does); migrated when asked."""
    import django

    from cordon.core.startup import freeze_loaded

    django.setup()
    freeze_loaded()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def note(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def build_town() -> dict:
    """The town, its villages and a commander of the town (the scope filter is then in every path).

    Made through Cordon's own services with the operator account, as ``cordon`` would.
    """
    from bench.data import ABOVE_TOWN, TOWN, VILLAGES
    from cordon.accounts import services
    from cordon.accounts.models import Role

    operator = services.operator_account()
    areas = {}
    for code, name in [*ABOVE_TOWN, TOWN, *VILLAGES]:
        areas[code] = services.area_create(actor=operator, code=code, name=name)
    commander, _password = services.user_create(
        actor=operator,
        username="zhihui",
        full_name="堂二里镇指挥长",
        area=areas[TOWN[0]],
        roles=[(Role.COMMANDER, areas[TOWN[0]])],
        password="Bench-password-2020",  # noqa: S106 — a throw-away account in a throw-away database
    )
    return {"operator_id": operator.pk, "commander_id": commander.pk}


def commander():
    """The town's commander, read afresh (no cached roles)."""
    from cordon.accounts.models import User

    return User.objects.get(username="zhihui")


def static_without_manifest():
    """Pages rendered in a benchmark's process, which has not run collectstatic: plain static files."""
    from django.test import override_settings

    return override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )


def analyze() -> None:
    """What a running database has done to freshly loaded tables by the time anyone reads them:
    statistics, and on PostgreSQL the visibility map too (VACUUM: autovacuum's work, which this
    machine's test cluster switches off), without which no index-only scan skips the table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def peak_rss_mb() -> dict:
    """This process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    status = Path("/proc/self/status").read_text()
    values = {}
    for line in status.splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return {"rss_mb": values.get("VmRSS"), "peak_rss_mb": values.get("VmHWM")}
