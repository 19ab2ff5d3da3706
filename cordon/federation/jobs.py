"""The worker's part of federation: pushing a queued package, and trying again later with backoff."""

from cordon.core import jobs
from cordon.core.models import Job
from cordon.federation import services
from cordon.federation.models import Outbox


@jobs.handler(services.PUSH_JOB)
def push_job(job: Job) -> dict:
    """Push one package; when the parent is down, queue the next try (30 s, 1 min, 2 min … 1 h)."""
    entry = Outbox.objects.select_related("peer").get(pk=job.params["outbox"])
    if entry.status != Outbox.Status.QUEUED:
        return {"outcome": entry.status}
    outcome = services.push(entry)
    if outcome == "retry":
        jobs.enqueue(
            kind=services.PUSH_JOB,
            area=job.area_id,
            actor=job.created_by,
            params=job.params,
            run_after=entry.next_attempt_at,
        )
    return {"outcome": outcome, "attempts": entry.attempts, "error": entry.last_error}
