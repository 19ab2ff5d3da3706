"""Observation's answers to what the apps below it announce (connected in ``apps.py``)."""

from cordon.observation.services import periods_open_for_arrivals


def open_periods_for_arrivals(sender, *, actor, area, people=None, **kwargs) -> int:
    """An arrival in a ledger the rules in force observe puts the person under observation now."""
    return periods_open_for_arrivals(actor=actor, area=area, people=people)
