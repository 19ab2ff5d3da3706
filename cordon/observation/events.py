"""What observation tells people: the events its services raise through ``cordon.notifications``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.accounts.permissions import ALERT_RESPONDERS
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind

# Who acts on an alert: the town's health worker (referral, case) and the village's clerk (re-measure).
ALERT_ROLES = ALERT_RESPONDERS
# Who takes the checks and is asked when two are missed.
CHECK_TAKERS = (Role.VILLAGE_CLERK,)


def alert_key(alert, kind: str = Kind.FEVER_ALERT) -> str:
    # An alert that turns into a positive test raises a second event (its own messages and tasks).
    return f"{kind}:{alert.pk}"


def alert_opened(*, alert, period) -> None:
    """A fever (or symptom) alert was opened: the health worker and the village's clerk are told, and
    each gets a task that closes with the alert."""
    if alert.kind == alert.Kind.POSITIVE_TEST:
        kind, subject = Kind.LAB_POSITIVE, _("Positive test: {name}")
        text = _("{name} under observation tested positive. Confirm the case and close the alert.")
    else:
        kind, subject = Kind.FEVER_ALERT, _("Fever alert: {name}")
        reading = f"{alert.temperature} °C" if alert.temperature is not None else "、".join(alert.symptoms)
        text = _("{name} under observation: %(reading)s. Close the alert with its outcome.") % {
            "reading": reading
        }
    notifications.notify(
        kind=kind,
        key=alert_key(alert, kind),
        area=period.area_id,
        roles=ALERT_ROLES,
        subject=subject,
        text=text,
        link=reverse("observation:period", args=[period.pk]),
        person_name=period.person.name,
    )


def alert_closed(*, alert) -> None:
    """The alert's tasks close with it (its fever task and, when it turned positive, that one)."""
    for kind in (Kind.FEVER_ALERT, Kind.LAB_POSITIVE):
        notifications.tasks_close(key=alert_key(alert, kind))


def _period_link(period) -> str:
    return reverse("observation:period", args=[period.pk])


def checks_missed(*, period, last_key: int) -> None:
    """The period's two latest checks were both missed: the village's clerk is asked to reach the person."""
    notifications.notify(
        kind=Kind.CHECKS_MISSED,
        key=f"{Kind.CHECKS_MISSED}:{period.pk}:{last_key}",
        area=period.area_id,
        roles=CHECK_TAKERS,
        subject=_("Two checks missed: {name}"),
        text=_("{name} has not reported the last two temperature checks. Reach them and enter the check."),
        link=_period_link(period),
        person_name=period.person.name,
    )


def check_entered(*, period) -> None:
    notifications.tasks_close_prefix(prefix=f"{Kind.CHECKS_MISSED}:{period.pk}:")


def test_due(*, period, day) -> None:
    """A test the protocol asks for is due tomorrow: the health worker and the clerk arrange the sample."""
    notifications.notify(
        kind=Kind.TEST_DUE,
        key=f"{Kind.TEST_DUE}:{period.pk}:{day.isoformat()}",
        area=period.area_id,
        roles=ALERT_ROLES,
        subject=_("Test due tomorrow: {name}"),
        text=_("{name}'s nucleic acid test of %(day)s is due tomorrow.") % {"day": day.strftime("%m-%d")},
        link=_period_link(period),
        person_name=period.person.name,
    )


def test_recorded(*, period, sample_date) -> None:
    """A sample taken closes the test-due tasks of that day and before."""
    from cordon.notifications.models import Task

    for key in Task.objects.filter(
        key__startswith=f"{Kind.TEST_DUE}:{period.pk}:", closed_at__isnull=True
    ).values_list("key", flat=True):
        if key.rsplit(":", 1)[1] <= sample_date.isoformat():
            notifications.tasks_close(key=key)
