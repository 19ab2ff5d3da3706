"""What the contribution record asks of the apps above forces, without importing them.

``work_counted`` is sent by ``selectors.contribution``: each receiver answers with
``(measure, rows)`` — the name of a ``Figures`` count and rows of (account, day, n) for the given
accounts, read as ``user`` may read them. Field operations answers with disinfection rounds
(``cordon/operations/receivers.py``).
"""

from django.dispatch import Signal

work_counted = Signal()  # kwargs: user, accounts (account ids); each receiver returns (measure, rows)


def work_from_above(*, user, accounts: list[int]):
    """Each answer to ``work_counted``: (measure, [(account, day, n), …])."""
    for _receiver, answer in work_counted.send(sender="forces", user=user, accounts=accounts):
        if answer:
            yield answer
