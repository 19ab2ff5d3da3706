"""Whether a user name is locked out after repeated login failures (kept by django-axes)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def is_locked_out(username: str) -> bool:
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
    ).exists()
