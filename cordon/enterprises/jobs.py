"""The job worker's enterprise duty: every hour, the inspection findings past their deadline."""

from datetime import timedelta

from cordon.core import jobs
from cordon.enterprises import events


@jobs.periodic("enterprises.overdue_findings", every=timedelta(hours=1))
def overdue_findings_hourly() -> int:
    return events.raise_overdue_findings()
