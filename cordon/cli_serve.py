"""``cordon serve`` and ``cordon worker``: gunicorn and the job worker, supervised side by side."""

from __future__ import annotations

import sys
import time

from django.utils.translation import gettext as _

from cordon.cli_common import _setup


def gunicorn_command(
    host: str, port: int, workers: int, application: str = "config.wsgi:application", chdir: str | None = None
) -> list[str]:
    """The production web server: gunicorn, ``workers`` processes × 4 threads, importing the
    application from ``chdir`` (Cordon's own directory, wherever it is started). bench/passages_http.py
    runs its bare Django floor with this same command."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        application,
        *(["--chdir", chdir] if chdir else []),
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        "--timeout",
        "60",
        "--access-logfile",
        "-",
        # Path only: query strings may carry search terms, and personal data never goes to logs.
        "--access-logformat",
        '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
    ]


def cmd_serve(args) -> int:
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    refusals = _serious_checks()
    if refusals:
        for message in refusals:
            print(message, file=sys.stderr)
        return 1
    if not settings.DEBUG:
        # Without debug, pages name their static files through the collected manifest.
        call_command("collectstatic", interactive=False, verbosity=0)
        if settings.HTTPS and args.host not in ("127.0.0.1", "localhost"):
            print(
                _(
                    "Note: cookies are sent over HTTPS only (CORDON_HTTPS). Served over plain HTTP on an "
                    "intranet, set CORDON_HTTPS=0 or logging in will fail."
                ),
                file=sys.stderr,
            )
    web = gunicorn_command(args.host, args.port, args.workers, chdir=str(settings.BASE_DIR))
    worker = [sys.executable, "-m", "cordon.cli", "worker"]
    # Both run from Cordon's own directory: `python -m` puts the working directory first on the path,
    # and started from another project's folder (one holding a `config` package) it would serve that.
    return _supervise(web, None if args.no_worker else worker, cwd=str(settings.BASE_DIR))


def _serious_checks() -> list[str]:
    """Django's checks that stop a server (an error, such as passes without their signing key)."""
    from django.core import checks

    return [f"{m.id}: {m.msg}" for m in checks.run_checks() if m.is_serious()]


def _supervise(
    web_command: list[str],
    worker_command: list[str] | None,
    *,
    max_backoff: float = 60.0,
    cwd: str | None = None,
) -> int:
    """Run the web server and the job worker side by side.

    The web server is what the town needs: when the worker dies (a file that crashed it, the kernel's
    OOM killer), it is started again after a pause that doubles each time it dies young (1 s, 2 s, 4 s,
    up to ``max_backoff``), and the web server keeps serving. When the web server stops, or on
    SIGTERM/SIGINT, both stop.
    """
    import signal
    import subprocess

    web = subprocess.Popen(web_command, cwd=cwd)  # noqa: S603 — our own interpreter
    worker = subprocess.Popen(worker_command, cwd=cwd) if worker_command else None  # noqa: S603
    started = time.monotonic()
    backoff = 1.0
    restart_at = None
    stopping = []

    def stop(*_args):
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while web.poll() is None and not stopping:
            time.sleep(0.2)
            if worker is None or worker_command is None:
                continue
            if restart_at is None and worker.poll() is not None:
                ran = time.monotonic() - started
                backoff = 1.0 if ran > 5 * max_backoff else backoff
                print(
                    _("The job worker stopped (exit code %(code)s); starting it again in %(seconds)s s.")
                    % {"code": worker.returncode, "seconds": f"{backoff:g}"},
                    file=sys.stderr,
                    flush=True,
                )
                restart_at = time.monotonic() + backoff
                backoff = min(backoff * 2, max_backoff)
            elif restart_at is not None and time.monotonic() >= restart_at:
                worker = subprocess.Popen(worker_command, cwd=cwd)  # noqa: S603
                started, restart_at = time.monotonic(), None
    finally:
        for child in (web, worker):
            if child is not None and child.poll() is None:
                child.terminate()
        for child in (web, worker):
            if child is None:
                continue
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0 if stopping else (web.returncode or 0)


def cmd_worker(args) -> int:
    from cordon.core import jobs

    jobs.work_forever()
    return 0
