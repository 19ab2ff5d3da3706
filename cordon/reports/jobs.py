"""The job worker's reporting duty: every hour, the towns whose daily report is past its deadline."""

from datetime import timedelta

from cordon.core import jobs
from cordon.reports import events


@jobs.periodic("reports.late_reports", every=timedelta(hours=1))
def late_reports_hourly() -> int:
    return events.raise_late_reports()
