"""What the exit passes tell people: the events ``pass_apply`` and ``pass_decide`` raise."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.lockdowns.models import ExitPass
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind


def _link(exit_pass) -> str:
    return reverse("lockdowns:pass", args=[exit_pass.pk])


def _name(exit_pass) -> str:
    first = exit_pass.people.order_by("pk").first()
    return first.name if first else ""


def pass_waiting(*, exit_pass) -> None:
    """A pass waits for a decision: the village head's first, the town leader's next."""
    town = exit_pass.status == ExitPass.Status.PENDING_TOWN
    notifications.notify(
        kind=Kind.PASS_WAITING,
        key=f"{Kind.PASS_WAITING}:{exit_pass.pk}:{'town' if town else 'village'}",
        area=exit_pass.area_id,
        roles=(Role.COMMANDER,) if town else (Role.VILLAGE_HEAD,),
        subject=_("Exit pass to decide: {name}"),
        text=_("Exit pass %(code)s for {name} to %(destination)s waits for your decision.")
        % {"code": exit_pass.short_code, "destination": exit_pass.destination},
        link=_link(exit_pass),
        person_name=_name(exit_pass),
        exclude=[exit_pass.applied_by_id],
    )


def urgent_exit(*, exit_pass) -> None:
    """An urgent medical exit went out on the village head's word: the town reviews it."""
    notifications.notify(
        kind=Kind.URGENT_EXIT,
        key=f"{Kind.URGENT_EXIT}:{exit_pass.pk}",
        area=exit_pass.area_id,
        roles=(Role.COMMANDER,),
        subject=_("Urgent medical exit to review: {name}"),
        text=_("{name} left on an urgent medical exit (%(code)s) approved by the village. Review it.")
        % {"code": exit_pass.short_code},
        link=_link(exit_pass),
        person_name=_name(exit_pass),
    )


def pass_decided(*, exit_pass, level: str) -> None:
    """Close the decider's task; tell the applicant when the pass is finally decided; ask the next level."""
    notifications.tasks_close(key=f"{Kind.PASS_WAITING}:{exit_pass.pk}:{level}")
    if level == "town":
        notifications.tasks_close(key=f"{Kind.URGENT_EXIT}:{exit_pass.pk}")
    if exit_pass.status == ExitPass.Status.PENDING_TOWN:
        pass_waiting(exit_pass=exit_pass)
        return
    if exit_pass.town_review_pending:
        urgent_exit(exit_pass=exit_pass)
    notifications.notify(
        kind=Kind.PASS_DECIDED,
        key=f"{Kind.PASS_DECIDED}:{exit_pass.pk}:{exit_pass.status}",
        area=exit_pass.area_id,
        roles=(),
        users=[exit_pass.applied_by],
        subject=_("Exit pass %(status)s: {name}") % {"status": exit_pass.get_status_display()},
        text=_("Exit pass %(code)s for {name} is %(status)s.")
        % {"code": exit_pass.short_code, "status": exit_pass.get_status_display()},
        link=_link(exit_pass),
        person_name=_name(exit_pass),
        task=False,
    )
