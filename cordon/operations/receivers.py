"""Field operations' answers to what the apps below it ask (connected in ``apps.py``)."""

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from cordon.accounts.permissions import COMMAND
from cordon.operations.models import DisinfectionRound, DisinfectionTask


def disinfection_rounds_done(sender, *, user, accounts, **kwargs):
    """For the forces' contribution record: ("rounds", [(account, day, rounds done)])."""
    tasks = DisinfectionTask.objects.visible_to(user, COMMAND)
    rows = (
        DisinfectionRound.objects.filter(task__in=tasks, done_by_id__in=accounts, done_at__isnull=False)
        .annotate(on=TruncDate("done_at", tzinfo=timezone.get_current_timezone()))
        .values_list("done_by_id", "on")
        .annotate(n=Count("id"))
        .order_by()
    )
    return "rounds", list(rows)
