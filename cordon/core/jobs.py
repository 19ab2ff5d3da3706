"""Background jobs: queued as rows, claimed by ``cordon worker``, run by the handler of their kind.

A handler is registered by the app that owns the kind (``@handler("people.import")``) and receives the
job; it reports progress with ``progress(job, done, total)``. A claim is one conditional UPDATE, so two
workers never run the same job, on SQLite or PostgreSQL. A job left "running" by a worker that died is
put back in the queue when its heartbeat is older than ``STALE_AFTER``, or at once when the worker
that claimed it ran on this host and is gone; after ``MAX_ATTEMPTS`` runs that ended so, it is marked
failed with the reason instead (a file that crashes the worker every time must not crash it forever).
Progress is what the job committed: an import's rows are written in whole chunks, so a rerun finds
the rows already stored and changes nothing for them.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.db import close_old_connections
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.core.context import source
from cordon.core.models import Job

log = logging.getLogger("cordon.jobs")

HANDLERS: dict[str, Callable[[Job], dict]] = {}
# Called with every job that ended (done or failed), e.g. to tell whoever started it. A hook that
# fails is logged and never changes the job's outcome.
FINISHED_HOOKS: list[Callable[[Job], None]] = []
# Duties the worker runs every so often between jobs (the outbox's delivery): name -> (function, every).
PERIODIC: dict[str, tuple[Callable[[], object], timedelta]] = {}
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 3
_HEARTBEAT_EVERY = timedelta(seconds=5)


def handler(kind: str):
    """Register the function that runs jobs of ``kind``; it returns the job's result (a JSON dict)."""

    def register(function):
        HANDLERS[kind] = function
        return function

    return register


def periodic(name: str, *, every: timedelta):
    """Register a duty the worker runs at most every ``every`` (e.g. sending the outbox). It must be
    safe to run in two workers at once and must not raise for a bad row (it logs and moves on)."""

    def register(function):
        PERIODIC[name] = (function, every)
        return function

    return register


def run_periodic(last_run: dict[str, float], *, clock=time.monotonic) -> int:
    """Run the periodic duties whose time has come; ``last_run`` keeps when each last ran."""
    ran = 0
    for name, (function, every) in PERIODIC.items():
        now = clock()
        if now - last_run.get(name, float("-inf")) < every.total_seconds():
            continue
        last_run[name] = now
        try:
            function()
        except Exception as exc:
            log.error("periodic %s failed: %s", name, exc.__class__.__name__)
            log.debug("%s", traceback.format_exc())
        ran += 1
    return ran


def enqueue(*, kind: str, area, actor, params: dict, status: str = Job.Status.QUEUED, run_after=None) -> Job:
    """Queue a job; the worker picks it up (not before ``run_after`` when given). Within a
    transaction, it is queued when that commits.

    ``status="running"`` records work done in the caller's own process (a CLI import): a worker never
    picks it up.
    """
    area_code = area if isinstance(area, str) else area.code
    started = timezone.now() if status == Job.Status.RUNNING else None
    return Job.objects.create(
        kind=kind,
        area_id=area_code,
        created_by=actor,
        params=params,
        status=status,
        started_at=started,
        heartbeat_at=started,
        run_after=run_after,
    )


def progress(job: Job, done: int, total: int | None = None) -> None:
    """Record how far a job got, without touching the rest of its row (and at most every few seconds
    for the heartbeat), so the page polling it sees a moving bar."""
    now = timezone.now()
    job.done = done
    fields = {"done": done}
    if total is not None:
        job.total = total
        fields["total"] = total
    if job.heartbeat_at is None or now - job.heartbeat_at >= _HEARTBEAT_EVERY or total is not None:
        job.heartbeat_at = now
        fields["heartbeat_at"] = now
    Job.objects.filter(pk=job.pk).update(**fields)


def _worker_id() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def claim_next() -> Job | None:
    """Take the oldest queued job, or None. Safe with several workers."""
    _requeue_stale()
    due = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
    for candidate in (
        Job.objects.filter(due, status=Job.Status.QUEUED).order_by("id").values_list("id", flat=True)[:5]
    ):
        now = timezone.now()
        claimed = Job.objects.filter(pk=candidate, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            claimed_by=_worker_id(),
        )
        if claimed:
            return Job.objects.get(pk=candidate)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _requeue_stale() -> None:
    """Jobs whose worker died: queued again, or failed with the reason after MAX_ATTEMPTS runs."""
    cutoff = timezone.now() - STALE_AFTER
    host = socket.gethostname()[:80] + ":"
    orphans = []
    for pk, claimed_by in Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", "claimed_by"):
        pid = claimed_by[len(host) :]
        if claimed_by.startswith(host) and pid.isdigit() and not _alive(int(pid)):
            orphans.append(pk)
    dead = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(pk__in=orphans)
    )
    for job in dead.only("pk", "attempts", "kind"):
        if job.attempts >= MAX_ATTEMPTS:
            log.error("job %s (%s) failed: its worker stopped %s times", job.pk, job.kind, job.attempts)
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED,
                finished_at=timezone.now(),
                message=_(
                    "The worker stopped while running this job %(count)s times (the server ran out of "
                    "memory or was restarted); it was not tried again. What was saved before stays saved."
                )
                % {"count": job.attempts},
            )
        else:
            log.warning("job %s (%s): its worker stopped; queued again", job.pk, job.kind)
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(status=Job.Status.QUEUED)


def run(job: Job) -> Job:
    """Run one claimed job to the end and store its result or its failure."""
    function = HANDLERS.get(job.kind)
    try:
        if function is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        with source(job.params.get("source", "web")):
            result = function(job)
    except Exception as exc:
        log.error("job %s (%s) failed: %s", job.pk, job.kind, exc.__class__.__name__)
        log.debug("%s", traceback.format_exc())
        message = getattr(exc, "messages", None)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=("；".join(message) if message else _("The job failed unexpectedly; it was recorded."))[
                :500
            ],
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, finished_at=timezone.now(), result=result
        )
    job.refresh_from_db()
    for hook in FINISHED_HOOKS:
        try:
            hook(job)
        except Exception as exc:
            log.error("job %s hook failed: %s", job.pk, exc.__class__.__name__)
    return job


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs until none is left (or ``limit`` ran); returns how many ran. For tests and the CLI."""
    count = 0
    while limit is None or count < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        count += 1
    return count


def work_forever(poll_seconds: float = 1.0) -> None:  # pragma: no cover — the loop of ``cordon worker``
    log.info("worker started")
    last_run: dict[str, float] = {}
    while True:
        close_old_connections()
        run_periodic(last_run)
        job = claim_next()
        if job is None:
            time.sleep(poll_seconds)
            continue
        log.info("job %s (%s) started", job.pk, job.kind)
        run(job)
        log.info("job %s (%s) %s", job.pk, job.kind, job.status)
