"""Follow-up assignment: an observation period is given to one member of the village's team, whose
list then shows their people; the town sees how many each member follows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import RoleAssignment, User
from cordon.accounts.permissions import FOLLOW_UP_ASSIGNERS, FOLLOW_UP_WORKERS
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.observation.models import Period
from cordon.observation.services import _locked, _require_active

# Who assigns: the village's head, the command centre, the health worker. Who can be assigned: the
# people who measure and visit — clerks (grid workers), field team members, health workers.
ASSIGNERS = FOLLOW_UP_ASSIGNERS
FOLLOWERS = FOLLOW_UP_WORKERS


def followers_for(area_code: str):
    """The active users who may follow up a period of this area: a follower role held at the area or
    above it (a town's health worker) — so they reach the period; a grid's worker follows the grid's."""
    ancestors, current = [], area_code
    while current:
        ancestors.append(current)
        current = codes.parent_of(current)
    held = RoleAssignment.objects.filter(role__in=FOLLOWERS, user__is_active=True, area_id__in=ancestors)
    return User.objects.filter(pk__in=held.values("user_id")).order_by("full_name", "username")


@transaction.atomic
def period_assign(*, actor: User, period: Period, worker: User | None) -> Period:
    """Give an active period to a team member of its area (or take it back with ``None``)."""
    require_role(actor, period.area_id, *ASSIGNERS)
    period = _locked(period)
    _require_active(period)
    if worker is not None and not followers_for(period.area_id).filter(pk=worker.pk).exists():
        raise ValidationError(
            {"worker": [_("%(name)s does not work in this village's team.") % {"name": worker}]}
        )
    before = period.follow_up_by
    if (before.pk if before else None) == (worker.pk if worker else None):
        return period
    period.follow_up_by = worker
    period.updated_at = timezone.now()
    period.save(update_fields=["follow_up_by", "updated_at"])
    audit.record(
        actor=actor,
        action="observation.assign",
        target=period,
        area=period.area_id,
        changes={"follow_up_by": [str(before) if before else None, str(worker) if worker else None]},
    )
    return period


def my_follow_ups(user: User):
    """The active periods a worker follows, within the areas the worker reaches."""
    return (
        Period.objects.visible_to(user)
        .filter(follow_up_by=user, status=Period.Status.ACTIVE)
        .select_related("person", "area")
        .order_by("area_id", "planned_end", "id")
    )


def follow_up_load(user: User, area_code: str = "") -> list[dict]:
    """How many active periods each team member follows (and how many nobody follows), within the
    viewer's areas — for the town's page."""
    periods = Period.objects.visible_to(user).filter(status=Period.Status.ACTIVE)
    if area_code:
        periods = periods.within(area_code)
    rows = (
        periods.order_by()
        .values("follow_up_by", "follow_up_by__full_name", "follow_up_by__username")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [
        {
            "worker": row["follow_up_by"],
            "name": row["follow_up_by__full_name"] or row["follow_up_by__username"] or "",
            "count": row["n"],
        }
        for row in rows
    ]
