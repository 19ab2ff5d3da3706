"""The job worker's field-operations duty: every hour, the disinfection rounds overdue."""

from datetime import timedelta

from cordon.core import jobs
from cordon.operations import events


@jobs.periodic("operations.overdue_rounds", every=timedelta(hours=1))
def overdue_rounds_hourly() -> int:
    return events.raise_overdue_rounds()
