"""What a hand-over tells people: the receiving town's staff that a person waits to be taken in (a
task, closed when they accept or decline), and nothing else: the sender sees the decision on its page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.accounts.permissions import HANDOVER_RECEIVERS
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind

# The receiver's town-level roles: a hand-over is addressed to a town, so a village's clerk is told
# only once the person is in their village.
TOLD = tuple(r for r in HANDOVER_RECEIVERS if r not in (Role.VILLAGE_HEAD, Role.VILLAGE_CLERK))


def waiting_key(handover) -> str:
    return f"{Kind.HANDOVER_WAITING}:{handover.pk}"


def handover_waiting(*, handover) -> None:
    """A hand-over was asked: the receiving town's command centre and health worker are told."""
    notifications.notify(
        kind=Kind.HANDOVER_WAITING,
        key=waiting_key(handover),
        area=handover.to_area_id,
        roles=TOLD,
        subject=_("Hand-over waiting: {name}"),
        text=_("%(town)s asks to hand over {name}. Accept or decline it.") % {"town": handover.area.name},
        link=reverse("handovers:index"),
        person_name=handover.person.name,
    )


def handover_decided(*, handover) -> None:
    notifications.tasks_close(key=waiting_key(handover))
