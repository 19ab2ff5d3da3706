"""What observation tells people: the events its services raise through ``cordon.notifications``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.permissions import ALERT_RESPONDERS
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind

# Who acts on an alert: the town's health worker (referral, case) and the village's clerk (re-measure).
ALERT_ROLES = ALERT_RESPONDERS


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
