"""A generated town for the report consistency check: the test world plus 3,000 people of bench.data's
generator (one arrival each), the Hubei arrivals observed (a few never), some moved to centralised
observation and some of those home again, some completed, some closed early; cases over the 60
days, each with contacts traced on the night, half of the close contacts placed in quarantine and
released when their period may end. Built once per test process (``shared_world``); every record is
written through the services, but the people and arrivals, loaded raw as the benchmarks load them."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from types import SimpleNamespace

import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

START = dt.date(2020, 1, 20)
END = START + dt.timedelta(days=59)
PEOPLE = 3000
CASES = 15
CONTACTS_PER_CASE = 12


def build_generated_town():
    from bench.data import VILLAGES, Generator, load_people
    from cordon.accounts import services as accounts
    from cordon.accounts.models import Area
    from cordon.cases import services as cases
    from cordon.cases import services_quarantine
    from cordon.observation import services as observation
    from cordon.observation.models import Period
    from cordon.people.models import Arrival, Person
    from cordon.testing import build_world

    rng = random.Random(15)
    moves = random.Random(1515)  # its own draws, so the rest of the town stays as it was
    moment = timezone.make_aware(dt.datetime.combine(END, dt.time(20)))
    with time_machine.travel(moment, tick=False):
        world = build_world(extensions=())
        known = set(Area.objects.values_list("code", flat=True))
        for code, name in VILLAGES:
            if code not in known:
                accounts.area_create(actor=world.operator, code=code, name=name)
        first = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        load_people(Generator(seed=15), PEOPLE, actor_id=world.operator.pk)
        people = list(Person.objects.filter(pk__gt=first).order_by("pk"))
        health = world.health
        hubei = Arrival.objects.filter(person__in=people, category_id__in=("wuhan", "hubei")).select_related(
            "person"
        )
        never = 0
        for arrival in hubei.order_by("pk"):
            if rng.random() < 0.05:
                never += 1  # never observed: an unresolved item of the report
                continue
            try:
                period = observation.period_open(
                    actor=health,
                    person=arrival.person,
                    reason=Period.Reason.ARRIVAL,
                    exposure_date=arrival.arrival_date,
                    opened_on=max(arrival.arrival_date, START),
                    arrival=arrival,
                )
            except ValidationError:
                continue
            if moves.random() < 0.1:
                _move(observation, period, moves, health)
            _settle(observation, period, rng, health)
        site = services_quarantine.site_save(
            actor=health, area=world.town, data={"name": "生成镇隔离点", "capacity": 5000}
        )
        pool = [p for p in people if not p.observation_periods.exists()]
        rng.shuffle(pool)
        for n in range(CASES):
            day = START + dt.timedelta(days=rng.randrange(5, 55))
            patient = pool.pop()
            case = cases.case_register(
                actor=health,
                person=patient,
                classification=rng.choice(["confirmed", "confirmed", "suspected", "asymptomatic"]),
                classified_on=day,
                data={"authority": "生成市", "number": str(100 + n), "onset_date": day - dt.timedelta(2)},
            )
            group = [{"person": pool.pop()} for _ in range(CONTACTS_PER_CASE)]
            links = cases.contact_add(
                actor=health,
                case=case,
                people=group,
                setting=rng.choice(["household", "meal", "work"]),
                last_exposure=day - dt.timedelta(days=1),
                traced_on=day,
            )
            for link in links[: len(links) // 2]:
                if link.period_id is None:
                    continue
                placement = services_quarantine.placement_create(
                    actor=health, person=link.person, site=site, placed_on=day, contact=link
                )
                period = Period.objects.get(pk=link.period_id)
                if period.planned_end <= END and rng.random() < 0.9:
                    # a test missing leaves them in quarantine
                    with contextlib.suppress(ValidationError):
                        services_quarantine.placement_release(
                            actor=health, placement=placement, released_on=period.planned_end
                        )
    return SimpleNamespace(world=world, never=never, start=START, end=END)


def _move(observation, period, rng, actor) -> None:
    """Move a period to a centralised site some days after it opened, and some of those home again a
    few days later, each move dated the day it happened (recorded on the town's last day)."""
    last = min(period.planned_end - dt.timedelta(days=1), END)
    there = period.opened_on + dt.timedelta(days=rng.randrange(1, 6))
    if there > last:
        return
    observation.period_transfer(
        actor=actor, period=period, mode="centralised", place="生成镇隔离点", reason="转集中观察", on=there
    )
    back = there + dt.timedelta(days=rng.randrange(1, 5))
    if back <= last and rng.random() < 0.5:
        observation.period_transfer(actor=actor, period=period, mode="home", reason="返回居家观察", on=back)


def _settle(observation, period, rng, actor) -> None:
    """End a period as towns did: most completed on their planned end, a few closed early."""
    from cordon.observation.models import Period

    if period.planned_end <= END and rng.random() < 0.85:
        with contextlib.suppress(ValidationError):
            observation.period_complete(actor=actor, period=period, completed_on=period.planned_end)
    elif rng.random() < 0.1:
        ended = min(period.opened_on + dt.timedelta(days=rng.randrange(1, 7)), END)
        observation.period_close(
            actor=actor, period=period, outcome=Period.Outcome.LEFT_AREA, note="返回原籍", ended_on=ended
        )
