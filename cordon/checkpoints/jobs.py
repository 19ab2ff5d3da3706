"""The job worker's checkpoint work: every hour, self-registrations nobody checked lapse and what
they held is erased (``services_visit.visits_lapse``); every day, on PostgreSQL, the passages'
partitions for this month and the next two are made, and passages waiting in the DEFAULT partition
moved into their month's (``partitions.passage_months_make``)."""

from datetime import timedelta

from cordon.checkpoints import partitions, services_visit
from cordon.core import jobs


@jobs.periodic("checkpoints.self_registrations_lapse", every=timedelta(hours=1))
def self_registrations_lapse() -> int:
    return services_visit.visits_lapse()


@jobs.periodic("checkpoints.passage_months", every=timedelta(days=1))
def passage_months() -> list[str]:
    return partitions.passage_months_make()
