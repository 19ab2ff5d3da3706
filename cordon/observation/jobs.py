"""The job worker's observation duty: every hour, record the checks nobody entered and raise the
missed-checks events (the daily sweep does the same, and the test-due events, for cron)."""

from datetime import timedelta

from cordon.core import jobs
from cordon.observation import due_events, services_checks


@jobs.periodic("observation.missed_checks", every=timedelta(hours=1))
def missed_checks_hourly() -> dict:
    marked = services_checks.checks_mark_missed()
    return {"marked": marked, "checks_missed": due_events.raise_missed_checks()}
