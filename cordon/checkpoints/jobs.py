"""The job worker's checkpoint work: every hour, self-registrations nobody checked lapse and what
they held is erased (``services_visit.visits_lapse``)."""

from datetime import timedelta

from cordon.checkpoints import services_visit
from cordon.core import jobs


@jobs.periodic("checkpoints.self_registrations_lapse", every=timedelta(hours=1))
def self_registrations_lapse() -> int:
    return services_visit.visits_lapse()
