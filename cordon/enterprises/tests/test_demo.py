"""The seed town's enterprises load through the services: invented and marked so, codes that pass the
check, February 2020 dates, one conditional approval, one finding rectified and one still open."""

from cordon.enterprises.models import Enterprise, Finding, ReopeningApplication
from cordon.enterprises.validation import parse_uscc


def test_the_demo_loads_the_enterprises_of_the_seed_town(seed_town):
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == 6 and all("虚构" in e.note for e in enterprises)
    assert all(parse_uscc(e.uscc) == e.uscc for e in enterprises)
    assert {e.status for e in enterprises} == {"closed", "applied", "approved", "findings"}
    decisions = set(ReopeningApplication.objects.values_list("decision", flat=True))
    assert decisions == {"", "approve", "conditional", "reject"}
    assert all(
        a.submitted_at.year == 2020 and a.submitted_at.month == 2 for a in ReopeningApplication.objects.all()
    )
    assert Finding.objects.filter(rectified_at__isnull=False).count() == 1
    assert Finding.objects.filter(rectified_at__isnull=True).count() == 1
