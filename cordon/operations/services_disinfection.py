"""Disinfection (消杀): tasks on a target, their planned rounds, and the record of each round.

A task plans all its rounds when it is created: start date, every N days, so many rounds (or until an
end date). A round is recorded once — a retried submission finds it done and changes nothing — never
before the task starts, never in the future, never for a day after it was done. A round whose planned
date has passed without a record is overdue.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import (
    CASE_WORKERS,
    DISINFECTION_FROM_CASE,
    DISINFECTION_PLANNERS,
    DISINFECTION_RECORDERS,
)
from cordon.accounts.scope import has_role, require_role
from cordon.core import audit, codes
from cordon.core.pictures import picture_type
from cordon.operations import events
from cordon.operations import fields as check
from cordon.operations.models import DisinfectionRound, DisinfectionTask

MAX_ROUNDS = 120
MAX_EVERY_DAYS = 30
MAX_AREA_M2 = Decimal("10000000")  # 10 km²: a whole village's roads, never more
# Above these a number is a typing slip: no disinfectant is used stronger (a 5% hypochlorite stock
# is 50,000 mg/L; alcohol 75%).
MAX_CONCENTRATION = {
    DisinfectionTask.Unit.MG_L: Decimal("50000"),
    DisinfectionTask.Unit.PERCENT: Decimal("100"),
    DisinfectionTask.Unit.PPM: Decimal("50000"),
}
PHOTO_MAX_BYTES = 5 * 1024 * 1024

FIELDS = (
    "kind",
    "target",
    "agent",
    "concentration",
    "concentration_unit",
    "method",
    "area_m2",
    "starts_on",
    "every_days",
    "rounds",
    "team",
    "note",
)


def _schedule(data: dict, starts_on: date) -> tuple[int, int]:
    """(every_days, rounds) from "every N days" and either a number of rounds or an end date."""
    try:
        raw = data.get("every_days")
        every = 1 if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        every = 0
    if not 1 <= every <= MAX_EVERY_DAYS:
        raise ValidationError({"every_days": [_("Every 1 to %(n)s days.") % {"n": MAX_EVERY_DAYS}]})
    ends_on = check.day(data.get("ends_on"), "ends_on", required=False)
    if ends_on is not None and data.get("rounds") in (None, ""):
        if ends_on < starts_on:
            raise ValidationError({"ends_on": [_("The last day is before the first round.")]})
        rounds = (ends_on - starts_on).days // every + 1
    else:
        try:
            rounds = int(data.get("rounds") or 0)
        except (TypeError, ValueError):
            rounds = 0
    if not 1 <= rounds <= MAX_ROUNDS:
        field = "rounds" if ends_on is None else "ends_on"
        raise ValidationError({field: [_("From 1 to %(n)s rounds.") % {"n": MAX_ROUNDS}]})
    return every, rounds


def _values(data: dict) -> dict:
    """The task's fields from ``data``, each checked with a message naming it."""
    unit = check.choice(
        data.get("concentration_unit") or DisinfectionTask.Unit.MG_L,
        "concentration_unit",
        DisinfectionTask.Unit,
    )
    starts_on = check.day(data.get("starts_on"), "starts_on")
    every, rounds = _schedule(data, starts_on)
    return {
        "kind": check.choice(data.get("kind"), "kind", DisinfectionTask.Kind),
        "target": check.text(data.get("target"), "target", 200, required=True),
        "agent": check.text(data.get("agent"), "agent", 60, required=True),
        "concentration": check.number(
            data.get("concentration"),
            "concentration",
            maximum=MAX_CONCENTRATION[unit],
            message=_("Give a concentration above zero and at most %(max)s %(unit)s, e.g. 500 mg/L.")
            % {"max": MAX_CONCENTRATION[unit], "unit": unit},
        ).quantize(Decimal("0.01")),
        "concentration_unit": unit,
        "method": check.choice(data.get("method"), "method", DisinfectionTask.Method),
        "area_m2": check.number(
            data.get("area_m2"),
            "area_m2",
            maximum=MAX_AREA_M2,
            message=_("Give the area covered in m², above zero, e.g. 120."),
        ).quantize(Decimal("0.1")),
        "starts_on": starts_on,
        "every_days": every,
        "rounds": rounds,
        "note": check.text(data.get("note"), "note", 300),
    }


def _check_team(actor: User, team, area_code: str) -> None:
    if team is None:
        return
    from cordon.forces.models import Team

    if not Team.objects.visible_to(actor).filter(pk=team.pk).exists():
        raise ValidationError({"team": [_("No such team.")]})


@transaction.atomic
def task_create(
    *,
    actor: User,
    area: Area,
    data: dict,
    people=(),
    household=None,
    case=None,
    team=None,
    client_id: str = "",
) -> tuple[DisinfectionTask, bool]:
    """Plan a disinfection task and all its rounds. Returns (task, created): a retried submission with
    the same ``client_id`` returns the task it already made. People and the household must live in
    the task's area."""
    require_role(actor, area, *DISINFECTION_PLANNERS)
    client_id = check.text(client_id, "client_id", 36)
    if client_id:
        existing = DisinfectionTask.objects.filter(created_by=actor, client_id=client_id).first()
        if existing is not None:
            return existing, False
    values = _values(data)
    prefix = codes.prefix_of(area.code)
    people = list(people)
    for someone in [*people, household]:
        if someone is not None and not someone.area_id.startswith(prefix):
            raise ValidationError({"people": [_("%(who)s does not live in this area.") % {"who": someone}]})
    _check_team(actor, team, area.code)
    task = DisinfectionTask(
        area=area, household=household, case=case, team=team, created_by=actor, client_id=client_id, **values
    )
    task.full_clean(exclude=["people"])
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:  # the same client_id saved by a concurrent retry
        return DisinfectionTask.objects.get(created_by=actor, client_id=client_id), False
    if people:
        task.people.set(people)
    DisinfectionRound.objects.bulk_create(
        DisinfectionRound(task=task, planned_on=task.starts_on + timedelta(days=i * task.every_days))
        for i in range(task.rounds)
    )
    audit.record(
        actor=actor,
        action="disinfection.create",
        target=task,
        area=task.area_id,
        changes={
            k: [None, str(v) if isinstance(v, Decimal) else v]
            for k, v in audit.snapshot(task, FIELDS).items()
        },
    )
    return task, True


def _check_photo(photo) -> None:
    """A JPEG, PNG or WebP of at most 5 MB, by its bytes; stored under a name of our own with the
    extension of what it is (the sender's file name is never used to serve it)."""
    if photo is None:
        return
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": [_("The photo is larger than 5 MB.")]})
    kind = picture_type(photo.read(12))
    photo.seek(0)
    if kind is None:
        raise ValidationError({"photo": [_("The photo must be a JPEG, PNG or WebP picture.")]})
    photo.name = f"{uuid.uuid4().hex}.{kind[1]}"


@transaction.atomic
def round_record(
    *,
    actor: User,
    task: DisinfectionTask,
    planned_on: date | str,
    done_at: datetime | None = None,
    note: str = "",
    photo=None,
) -> tuple[DisinfectionRound, bool]:
    """Record the round of ``task`` planned for ``planned_on`` as done. Returns (round, recorded).

    Refused before the task's first day, in the future, or for a round planned after the day it was
    done. A round already recorded is returned unchanged (a retried submission is absorbed)."""
    require_role(actor, task.area_id, *DISINFECTION_RECORDERS)
    planned_on = check.day(planned_on, "planned_on")
    now = timezone.now()
    done_at = done_at or now
    if timezone.is_naive(done_at):
        done_at = timezone.make_aware(done_at)
    round_ = DisinfectionRound.objects.select_for_update().filter(task=task, planned_on=planned_on).first()
    if round_ is None:
        raise ValidationError(
            {"planned_on": [_("This task has no round planned on %(day)s.") % {"day": planned_on}]}
        )
    if round_.done_at is not None:
        return round_, False
    done_day = timezone.localdate(done_at)
    if done_at > now + timedelta(minutes=5):
        raise ValidationError({"done_at": [_("This time is in the future.")]})
    if done_day < task.starts_on:
        raise ValidationError(
            {
                "done_at": [
                    _("The task starts on %(day)s: a round cannot be done before.") % {"day": task.starts_on}
                ]
            }
        )
    if planned_on > done_day:
        raise ValidationError(
            {
                "planned_on": [
                    _("This round is planned for %(day)s, after the day it was done.") % {"day": planned_on}
                ]
            }
        )
    _check_photo(photo)
    round_.done_at = done_at
    round_.done_by = actor
    round_.note = check.text(note, "note", 200)
    if photo is not None:
        round_.photo = photo
    round_.full_clean()
    round_.save()
    audit.record(
        actor=actor,
        action="disinfection.round",
        target=task,
        area=task.area_id,
        changes={"round": [None, planned_on.isoformat()], "done_at": [None, done_at.isoformat()]},
    )
    events.round_done(round_=round_)
    return round_, True


def next_open_round(task: DisinfectionTask, today: date) -> DisinfectionRound | None:
    """The round a recorder most likely means today: the earliest not done, planned on or before today."""
    return task.round_set.filter(done_at__isnull=True, planned_on__lte=today).order_by("planned_on").first()


def homes_of_case(case, actor: User):
    """The distinct homes of the case's person and of its contacts the actor can see: a household where
    the person has one, else their current address in their village. People without either are
    returned apart, to be named."""
    from cordon.cases.models import ContactLink

    people = [case.person] if case.person_id else []
    links = ContactLink.objects.visible_to(actor).filter(case=case).select_related("person__household")
    people += [link.person for link in links.order_by("id")]
    homes: dict[tuple, dict] = {}
    homeless = []
    for someone in people:
        if someone.household_id:
            key = ("household", someone.household_id)
            home = homes.setdefault(
                key,
                {
                    "area": someone.household.area_id,
                    "address": someone.household.address,
                    "household": someone.household,
                    "people": [],
                },
            )
        elif someone.address.strip():
            key = ("address", someone.area_id, someone.address.strip())
            home = homes.setdefault(
                key,
                {
                    "area": someone.area_id,
                    "address": someone.address.strip(),
                    "household": None,
                    "people": [],
                },
            )
        else:
            homeless.append(someone)
            continue
        home["people"].append(someone)
    return list(homes.values()), homeless


def may_see_case(user, task: DisinfectionTask) -> bool:
    """Whether ``user`` may see that a task is a case's or a contact's home, and whose: the case's
    clinical readers (health workers and the command centre); a crew sees the address it needs."""

    return has_role(user, task.area_id, *CASE_WORKERS)


@transaction.atomic
def disinfection_for_homes(*, actor: User, case, data: dict, team=None) -> dict:
    """One house task for every distinct home of a case's person and its contacts, with the same agent,
    method and schedule (``data`` as for ``task_create``; kind and target are filled per home).

    A home that already has a task from this case is left as it is, so running it again after more
    contacts were traced adds only the new homes. Returns {"created", "existing", "without_address"}."""
    require_role(actor, case.area_id, *DISINFECTION_FROM_CASE)
    # The case locked first: two requests at once for one case make its homes' tasks once.
    type(case).objects.select_for_update().filter(pk=case.pk).first()
    homes, homeless = homes_of_case(case, actor)
    if not homes:
        raise ValidationError(_("Neither the case nor its contacts have a home address on record."))
    existing_tasks = DisinfectionTask.objects.filter(case=case, kind=DisinfectionTask.Kind.HOUSE)
    taken = {(t.area_id, t.target) for t in existing_tasks.only("area_id", "target")}
    areas = {a.code: a for a in Area.objects.filter(code__in={h["area"] for h in homes})}
    created, existing = [], 0
    for home in homes:
        if (home["area"], home["address"]) in taken:
            existing += 1
            continue
        task, _made = task_create(
            actor=actor,
            area=areas[home["area"]],
            data={**data, "kind": DisinfectionTask.Kind.HOUSE, "target": home["address"]},
            people=home["people"],
            household=home["household"],
            case=case,
            team=team,
        )
        created.append(task)
    return {"created": created, "existing": existing, "without_address": [p.name for p in homeless]}


def overdue_rounds(tasks, today: date):
    """The overdue rounds of ``tasks`` (a queryset already scoped): planned before today, not done."""
    return DisinfectionRound.objects.filter(task__in=tasks, done_at__isnull=True, planned_on__lt=today)
