"""Quarantine sites and placements: who is where, from when, and how each stay ended.

A site never holds more people than its capacity on any day; a person is at one site at a time; a
release comes only when the person's observation period may complete (its end reached, no open
alert, no missing test — a health worker may waive a missing test, with a reason, on the period).
"""

from collections import Counter
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import CASE_WORKERS
from cordon.accounts.scope import require_role
from cordon.cases.models import ContactLink, Placement, QuarantineSite
from cordon.core import audit
from cordon.observation import services as observation
from cordon.observation.models import Period
from cordon.people.models import Person
from cordon.people.validation import clean_text as _text

SITE_FIELDS = ("name", "address", "capacity", "rooms", "contact", "is_active")


@transaction.atomic
def site_save(*, actor: User, area: Area, data: dict, site: QuarantineSite | None = None) -> QuarantineSite:
    """Add or edit a quarantine site. Its capacity cannot drop below the people it holds today."""
    require_role(actor, area, *CASE_WORKERS)
    if site is not None:
        require_role(actor, site.area_id, *CASE_WORKERS)
        site = QuarantineSite.objects.select_for_update().get(pk=site.pk)
    name = _text(data.get("name"), "name", 100)
    if not name:
        raise ValidationError({"name": [_("Give the site's name.")]})
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 10_000:
        raise ValidationError({"capacity": [_("The capacity is a number of people from 1 to 10000.")]})
    if site is not None:
        held = site.placements.filter(left_on__isnull=True).count()
        if capacity < held:
            raise ValidationError(
                {
                    "capacity": [
                        _("The site holds %(n)s people today: the capacity cannot be lower.") % {"n": held}
                    ]
                }
            )
    before = {} if site is None else {field: getattr(site, field) for field in SITE_FIELDS}
    site = site or QuarantineSite()
    site.area = area
    site.name = name
    site.address = _text(data.get("address"), "address", 200)
    site.rooms = _text(data.get("rooms"), "rooms", 200)
    site.contact = _text(data.get("contact"), "contact", 100)
    site.capacity = capacity
    site.is_active = bool(data.get("is_active", True))
    if QuarantineSite.objects.filter(area=area, name=name).exclude(pk=site.pk).exists():
        raise ValidationError({"name": [_("A site of this name already exists here.")]})
    site.save()
    audit.record(
        actor=actor,
        action="site.create" if not before else "site.update",
        target=site,
        area=site.area_id,
        changes=audit.diff(before, {field: getattr(site, field) for field in SITE_FIELDS}),
    )
    return site


def occupancy(site: QuarantineSite, start: date, end: date) -> dict[date, int]:
    """{day: people at the site} for each day from ``start`` to ``end``: a stay counts on the days from
    its arrival up to the day before it left."""
    stays = site.placements.filter(Q(left_on__isnull=True) | Q(left_on__gt=start), placed_on__lte=end)
    counts: Counter = Counter()
    for placed_on, left_on in stays.values_list("placed_on", "left_on"):
        day = max(placed_on, start)
        last = min(left_on - timedelta(days=1) if left_on else end, end)
        while day <= last:
            counts[day] += 1
            day += timedelta(days=1)
    return {
        start + timedelta(days=i): counts[start + timedelta(days=i)] for i in range((end - start).days + 1)
    }


@transaction.atomic
def placement_create(
    *,
    actor: User,
    person: Person,
    site: QuarantineSite,
    placed_on: date,
    room: str = "",
    transport: str = "",
    contact: ContactLink | None = None,
) -> Placement:
    """Place a person at a site from ``placed_on`` (today or earlier). Refused when the site would hold
    more than its capacity on any day since, or when the person is at another site. The person's open
    observation period moves to centralised observation at this site."""
    require_role(actor, person.area_id, *CASE_WORKERS)
    require_role(actor, site.area_id, *CASE_WORKERS)
    today = timezone.localdate()
    if contact is not None and contact.person_id != person.pk:
        raise ValidationError({"contact": [_("This contact link is someone else's.")]})
    if placed_on > today:
        raise ValidationError({"placed_on": [_("This date is in the future.")]})
    site = QuarantineSite.objects.select_for_update().get(pk=site.pk)
    if not site.is_active:
        raise ValidationError({"site": [_("This site is no longer in use.")]})
    Person.objects.select_for_update().filter(pk=person.pk).first()
    elsewhere = Placement.objects.filter(person=person).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=placed_on)
    )
    other = elsewhere.select_related("site").first()
    if other is not None:
        raise ValidationError(
            _("%(name)s is at %(site)s since %(date)s: end that stay first.")
            % {"name": person.name, "site": other.site.name, "date": other.placed_on}
        )
    full = [day for day, n in occupancy(site, placed_on, today).items() if n >= site.capacity]
    if full:
        raise ValidationError(
            {
                "site": [
                    _("%(site)s is full on %(date)s (%(capacity)s places).")
                    % {"site": site.name, "date": full[0], "capacity": site.capacity}
                ]
            }
        )
    period = Period.objects.filter(person=person, status=Period.Status.ACTIVE).first()
    placement = Placement(
        person=person,
        area_id=person.area_id,
        site=site,
        room=_text(room, "room", 20),
        placed_on=placed_on,
        transport=_text(transport, "transport", 100),
        period=period,
        contact=contact,
        placed_by=actor,
    )
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError:
        raise ValidationError(_("%(name)s was placed a moment ago.") % {"name": person.name}) from None
    if period is not None and (period.mode != Period.Mode.CENTRALISED or period.place != site.name):
        observation.period_transfer(
            actor=actor,
            period=period,
            mode=Period.Mode.CENTRALISED,
            place=site.name,
            reason=_("Quarantine placement"),
        )
    audit.record(
        actor=actor,
        action="placement.create",
        target=placement,
        area=placement.area_id,
        changes={"site": [None, site.name], "placed_on": [None, placed_on.isoformat()]},
    )
    return placement


def _locked_open(placement: Placement) -> Placement:
    placement = Placement.objects.select_for_update().select_related("site", "person").get(pk=placement.pk)
    if placement.left_on is not None:
        raise ValidationError(_("This stay already ended on %(date)s.") % {"date": placement.left_on})
    return placement


@transaction.atomic
def placement_release(*, actor: User, placement: Placement, released_on: date, note: str = "") -> Placement:
    """Release from quarantine: refused before the observation period ends and while an alert or a
    due test is open. The period is completed on the same day."""
    require_role(actor, placement.area_id, *CASE_WORKERS)
    placement = _locked_open(placement)
    today = timezone.localdate()
    if released_on > today or released_on < placement.placed_on:
        raise ValidationError({"released_on": [_("The release lies between the arrival and today.")]})
    period = placement.period
    if period is not None and period.is_active:
        if released_on < period.planned_end:
            raise ValidationError(
                {
                    "released_on": [
                        _("The observation period ends on %(date)s.") % {"date": period.planned_end}
                    ]
                }
            )
        blockers = observation.completion_blockers(period, today=released_on)
        if blockers:
            raise ValidationError(blockers)
        observation.period_complete(actor=actor, period=period, completed_on=released_on)
    return _end(actor, placement, Placement.Outcome.RELEASED, released_on, note)


@transaction.atomic
def placement_end(
    *, actor: User, placement: Placement, outcome: str, ended_on: date, note: str = ""
) -> Placement:
    """End a stay otherwise than by release: moved to hospital, to another site (with where), or the
    person became a case (registered through the cases services, which end the stay themselves)."""
    require_role(actor, placement.area_id, *CASE_WORKERS)
    if outcome not in (Placement.Outcome.HOSPITAL, Placement.Outcome.MOVED):
        raise ValidationError({"outcome": [_("Choose how the stay ends.")]})
    placement = _locked_open(placement)
    today = timezone.localdate()
    if ended_on > today or ended_on < placement.placed_on:
        raise ValidationError({"ended_on": [_("The end lies between the arrival and today.")]})
    if not _text(note, "note", 200):
        raise ValidationError({"note": [_("Say where to.")]})
    return _end(actor, placement, outcome, ended_on, note)


def placements_end_for_case(*, actor: User, person: Person, on: date) -> None:
    """A person who became a case leaves quarantine on that day (called by the cases services)."""
    for placement in Placement.objects.filter(person=person, left_on__isnull=True):
        ended = min(max(on, placement.placed_on), timezone.localdate())
        _end(actor, _locked_open(placement), Placement.Outcome.BECAME_CASE, ended, "")


def _end(actor: User, placement: Placement, outcome: str, on: date, note: str) -> Placement:
    placement.left_on = on
    placement.outcome = outcome
    placement.outcome_note = _text(note, "note", 200)
    placement.save(update_fields=["left_on", "outcome", "outcome_note"])
    audit.record(
        actor=actor,
        action="placement.end",
        target=placement,
        area=placement.area_id,
        changes={"left_on": [None, on.isoformat()], "outcome": [None, outcome]},
        reason=placement.outcome_note,
    )
    return placement
