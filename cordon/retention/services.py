"""Retention: a town sets how long closed records are kept, by kind; ``cordon retention run`` removes
what is past it, audited.

- passages: deleted (with their occupants). The report's passage figures read the daily roll-up
  (``PassageDayCount``), which stays, so no figure of any report changes.
- counselling notes: anonymised — the concerns and the note are erased; the date, the mode and the
  link to the person stay (the counts of sessions are unchanged).
- access logs: deleted.
- completed observation periods of people not otherwise needed: the person is anonymised (name,
  document, phones, addresses, birth date, note erased; the household link dropped) and the periods'
  free text erased; the rows stay, so every count (arrivals by category, periods, releases) is the
  same. "Not otherwise needed": no period still open or ended on or after the cutoff, no arrival on
  or after it, not a case, not a contact, no quarantine stay, no exit pass, no counselling, no
  disinfection of their home, no hand-over awaiting an answer.

Sent reports keep their frozen figures whatever is removed: they are read from their stored JSON.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import RETENTION_SETTERS
from cordon.accounts.scope import require_role
from cordon.cases.models import Case, ContactLink, Placement
from cordon.checkpoints.models import Passage
from cordon.core import audit, codes
from cordon.core.models import AccessLog
from cordon.federation.models import RemoteHandover
from cordon.handovers.models import Handover
from cordon.lockdowns.models import ExitPass
from cordon.observation.models import Period
from cordon.operations.models import CounsellingSession, DisinfectionTask
from cordon.people.models import Arrival, Person
from cordon.retention.models import RetentionPolicy

MIN_DAYS = 28  # two observation periods: nothing is removed while it may still be asked about
MAX_DAYS = 36500  # a hundred years: longer is "keep", and a larger number would not fit the column
ERASED = "（已按保留期限匿名化）"
ANONYMOUS = "已匿名"


def _people_not_needed(code: str, cutoff: dt.date):
    """People of ``code`` whose every observation period ended before ``cutoff`` and whom nothing
    else still needs (see the module's docstring); not yet anonymised."""
    periods = Period.objects.filter(person=OuterRef("pk"))
    recent = periods.filter(Q(actual_end__isnull=True) | Q(actual_end__gte=cutoff) | ~Q(status__in=DONE))
    return (
        Person.objects.within(code)
        .exclude(name=ANONYMOUS)
        .filter(Exists(periods))
        .exclude(Exists(recent))
        .exclude(Exists(Arrival.objects.filter(person=OuterRef("pk"), arrival_date__gte=cutoff)))
        .exclude(Exists(Case.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(ContactLink.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(Placement.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(ExitPass.people.through.objects.filter(person_id=OuterRef("pk"))))
        .exclude(Exists(CounsellingSession.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(DisinfectionTask.people.through.objects.filter(person_id=OuterRef("pk"))))
        .exclude(Exists(Handover.objects.filter(person=OuterRef("pk"), status="pending")))
        .exclude(Exists(RemoteHandover.objects.filter(person=OuterRef("pk"), status="pending")))
    )


DONE = ("completed", "closed")


def _anonymise(people) -> None:
    ids = list(people.values_list("pk", flat=True))
    Person.objects.filter(pk__in=ids).update(
        name=ANONYMOUS,
        name_pinyin="",
        name_initials="",
        birth_date=None,
        document_number="",
        document_reversed="",
        phone="",
        phone_other="",
        household=None,
        address="",
        registered_address="",
        note="",
        updated_at=timezone.now(),
    )
    Period.objects.filter(person_id__in=ids).update(place="", outcome_note="", reason_detail="")
    Arrival.objects.filter(person_id__in=ids).update(plate="", transport_number="", route="")


@transaction.atomic
def policy_set(*, actor: User, area: Area, kind: str, days: int) -> RetentionPolicy:
    """The town's command centre sets how long ``kind`` is kept in its area (at least ``MIN_DAYS``)."""
    require_role(actor, area, *RETENTION_SETTERS)
    if codes.level_of(area.code) != codes.TOWN:
        raise ValidationError(_("Retention periods are set by a town."))
    if kind not in RetentionPolicy.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of record: %(kind)s.") % {"kind": kind}})
    if days < MIN_DAYS:
        raise ValidationError({"days": _("Keep records at least %(n)s days.") % {"n": MIN_DAYS}})
    if days > MAX_DAYS:
        raise ValidationError({"days": _("Keep records at most %(n)s days.") % {"n": MAX_DAYS}})
    policy, _created = RetentionPolicy.objects.update_or_create(
        area=area, kind=kind, defaults={"days": days, "set_by": actor, "set_at": timezone.now()}
    )
    audit.record(actor=actor, action="retention.set", target=policy, area=area, changes={kind: days})
    return policy


def _targets(policy: RetentionPolicy, cutoff: dt.date):
    code = policy.area_id
    if policy.kind == RetentionPolicy.Kind.PASSAGES:
        return Passage.objects.within(code).filter(day__lt=cutoff)
    if policy.kind == RetentionPolicy.Kind.COUNSELLING:
        return CounsellingSession.objects.within(code).filter(held_on__lt=cutoff).exclude(concerns=ERASED)
    if policy.kind == RetentionPolicy.Kind.OBSERVATION:
        return _people_not_needed(code, cutoff)
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return AccessLog.objects.within(code).filter(at__lt=start)


def retention_run(
    *, actor: User, today: dt.date | None = None, dry_run: bool = False, area: Area | None = None
) -> list[dict]:
    """Apply every town's periods (or only ``area``'s): per policy, what is (or, with ``dry_run``,
    would be) removed. Each policy is one transaction and one audit entry; a dry run changes and
    records nothing. Who may run it is the caller's check (the CLI's operator; ``services_town.py``)."""
    today = today or timezone.localdate()
    results = []
    policies = RetentionPolicy.objects.select_related("area").order_by("area_id", "kind")
    for policy in policies.filter(area=area) if area is not None else policies:
        cutoff = today - dt.timedelta(days=policy.days)
        with transaction.atomic():
            targets = _targets(policy, cutoff)
            count = targets.count()
            if count and not dry_run:
                if policy.kind == RetentionPolicy.Kind.COUNSELLING:
                    targets.update(concerns=ERASED, note="")
                elif policy.kind == RetentionPolicy.Kind.OBSERVATION:
                    _anonymise(targets)
                else:
                    targets.delete()
                audit.record(
                    actor=actor,
                    action=f"retention.{policy.kind}",
                    target=policy,
                    area=policy.area_id,
                    changes={"before": cutoff.isoformat(), "count": count},
                )
        results.append(
            {
                "area": policy.area_id,
                "kind": policy.kind,
                "days": policy.days,
                "before": cutoff.isoformat(),
                "count": count,
                "done": not dry_run,
            }
        )
    return results
