"""What the registry tells the apps above it, without importing them (Django signals).

``arrivals_recorded`` is sent after arrivals were stored — one by the form or the API (``people``
names whose), or a ledger import (``people`` is None: every arrival of ``area``). Medical observation
answers it by opening the periods the rules in force owe those arrivals
(``cordon/observation/receivers.py``); each receiver returns how many records it opened.
"""

from django.dispatch import Signal

arrivals_recorded = Signal()  # kwargs: actor, area (an Area or its code), people (person ids or None)


def announce_arrivals(*, actor, area, people=None) -> int:
    """Send ``arrivals_recorded`` and return how many records its receivers opened."""
    answers = arrivals_recorded.send(sender="people", actor=actor, area=area, people=people)
    return sum(opened or 0 for _receiver, opened in answers)
