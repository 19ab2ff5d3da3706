"""Sealing and lifting areas; exit passes: applying, the two decisions, revoking, and checking a pass
at a gate (each use recorded as a passage)."""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import (
    PASS_APPLICANTS,
    PASS_TOWN_DECIDERS,
    PASS_VILLAGE_DECIDERS,
    SEALERS,
)
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.core.privacy import mask_name
from cordon.lockdowns import tokens
from cordon.lockdowns.models import ExitPass, Lockdown, PassDecision
from cordon.people import validation
from cordon.people.models import Person

MAX_PASS_DAYS = 7
MAX_PEOPLE = 10
# Short codes avoid characters a guard may misread on a card (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


_text = validation.clean_text


def active_lockdown(area_code: str, *, at: datetime | None = None) -> Lockdown | None:
    """The lockdown in force over an area (now, or at an earlier moment): its own, or one of an area
    above it (a village sealed covers its grids)."""
    chain = []
    code = area_code
    while code and codes.level_of(code) not in (codes.TOWN, codes.COUNTY, codes.CITY, codes.PROVINCE):
        chain.append(code)
        code = codes.parent_of(code)
    at = at or timezone.now()
    return (
        Lockdown.objects.filter(area_id__in=chain, starts_at__lte=at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .order_by("-starts_at")
        .first()
    )


def moment_in_past(moment: datetime | None, now: datetime, field: str) -> datetime:
    """A time given for something done earlier: now when not given, never in the future."""
    if moment is None:
        return now
    if moment > now + timedelta(minutes=10):
        raise ValidationError({field: [_("This time is in the future.")]})
    return moment


@transaction.atomic
def lockdown_seal(
    *,
    actor: User,
    area: Area,
    starts_at: datetime | None = None,
    exit_reasons: list[str] | None = None,
    entry_exceptions: str = "",
    note: str = "",
) -> Lockdown:
    """Seal a village, a street or a grid from a time (now by default). The commander decides it."""
    require_role(actor, area, *SEALERS)
    if area.level not in (codes.VILLAGE, codes.GRID):
        raise ValidationError({"area": [_("Seal a village, a street or a grid.")]})
    exit_reasons = list(exit_reasons or Lockdown.Reason.values)
    if not exit_reasons or any(r not in Lockdown.Reason.values for r in exit_reasons):
        raise ValidationError({"exit_reasons": [_("Choose the reasons for which people may go out.")]})
    if Lockdown.objects.select_for_update().filter(area=area, ended_at__isnull=True).exists():
        raise ValidationError({"area": [_("%(area)s is already sealed.") % {"area": area.name}]})
    lockdown = Lockdown(
        area=area,
        starts_at=starts_at or timezone.now(),
        exit_reasons=exit_reasons,
        entry_exceptions=_text(entry_exceptions, "entry_exceptions", 200),
        note=_text(note, "note", 300),
        sealed_by=actor,
    )
    try:
        with transaction.atomic():
            lockdown.save()
    except IntegrityError:
        raise ValidationError({"area": [_("%(area)s is already sealed.") % {"area": area.name}]}) from None
    audit.record(
        actor=actor,
        action="lockdown.seal",
        target=lockdown,
        area=area,
        changes={"starts_at": [None, lockdown.starts_at.isoformat()], "exit_reasons": [None, exit_reasons]},
    )
    return lockdown


@transaction.atomic
def lockdown_lift(*, actor: User, lockdown: Lockdown, note: str = "") -> Lockdown:
    """Lift a seal. Passes of the sealed area stop being needed; their cards no longer check."""
    require_role(actor, lockdown.area_id, *SEALERS)
    lockdown = Lockdown.objects.select_for_update().get(pk=lockdown.pk)
    if lockdown.ended_at is not None:
        raise ValidationError(_("This seal was already lifted."))
    lockdown.ended_at = timezone.now()
    lockdown.ended_by = actor
    lockdown.save(update_fields=["ended_at", "ended_by"])
    audit.record(
        actor=actor,
        action="lockdown.lift",
        target=lockdown,
        area=lockdown.area_id,
        changes={"ended_at": [None, lockdown.ended_at.isoformat()]},
        reason=_text(note, "note", 200),
    )
    return lockdown


def _short_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@transaction.atomic
def pass_apply(
    *,
    actor: User,
    area: Area,
    people: list[Person],
    reason: str,
    destination: str,
    valid_from: datetime,
    valid_until: datetime,
    reason_detail: str = "",
    urgent_medical: bool = False,
    applied_at: datetime | None = None,
) -> ExitPass:
    """Apply for an exit pass on behalf of residents of a sealed village: for listed reasons, a window
    of at most seven days, people of that village only. ``applied_at`` records an application made
    earlier on paper (the demo's February 2020, an importer): every rule is then checked as of that
    moment — the area sealed then, the window not yet over then."""
    require_role(actor, area, *PASS_APPLICANTS)
    now = timezone.now()
    applied_at = moment_in_past(applied_at, now, "applied_at")
    lockdown = active_lockdown(area.code, at=applied_at)
    if lockdown is None:
        raise ValidationError(
            {"area": [_("%(area)s is not sealed: no pass is needed.") % {"area": area.name}]}
        )
    if not people:
        raise ValidationError({"people": [_("Choose who goes out.")]})
    if len(people) > MAX_PEOPLE:
        raise ValidationError({"people": [_("At most %(n)s people on one pass.") % {"n": MAX_PEOPLE}]})
    outside = [p.name for p in people if not codes.covers(codes.prefix_of(area.code), p.area_id)]
    if outside:
        raise ValidationError(
            {
                "people": [
                    _("Not residents of %(area)s: %(names)s.")
                    % {"area": area.name, "names": "、".join(outside)}
                ]
            }
        )
    if reason not in lockdown.exit_reasons:
        raise ValidationError({"reason": [_("Going out is allowed only for the listed reasons.")]})
    if urgent_medical and reason != Lockdown.Reason.ILLNESS:
        raise ValidationError({"urgent_medical": [_("An urgent exit is a medical one.")]})
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": [_("The pass ends after it begins.")]})
    if valid_until - valid_from > timedelta(days=MAX_PASS_DAYS):
        raise ValidationError(
            {"valid_until": [_("A pass is valid for at most %(n)s days.") % {"n": MAX_PASS_DAYS}]}
        )
    if valid_until <= applied_at:
        raise ValidationError({"valid_until": [_("This window is already over.")]})
    exit_pass = ExitPass(
        area=area,
        lockdown=lockdown,
        reason=reason,
        reason_detail=_text(reason_detail, "reason_detail", 200),
        destination=_text(destination, "destination", 100, required=True),
        valid_from=valid_from,
        valid_until=valid_until,
        urgent_medical=urgent_medical,
        applied_by=actor,
        created_at=applied_at,
    )
    for _attempt in range(5):
        exit_pass.short_code = _short_code()
        try:
            with transaction.atomic():
                exit_pass.save()
            break
        except IntegrityError:
            continue
    exit_pass.people.set(people)
    audit.record(
        actor=actor,
        action="pass.apply",
        target=exit_pass,
        area=area,
        changes={
            "reason": [None, reason],
            "people": [None, len(people)],
            "urgent_medical": [None, urgent_medical],
        },
    )
    return exit_pass


@transaction.atomic
def pass_decide(
    *, actor: User, exit_pass: ExitPass, approve: bool, comment: str = "", decided_at: datetime | None = None
) -> ExitPass:
    """The next decision on a pass: the village head's first, then the town leader's. An urgent medical
    exit is valid on the village head's approval alone and waits for the town's review; a town that
    rejects it on review revokes it. Nobody decides on a pass they applied for. ``decided_at`` records
    a decision taken earlier (on paper, by phone): not in the future, not before the application."""
    exit_pass = ExitPass.objects.select_for_update().get(pk=exit_pass.pk)
    decided_at = moment_in_past(decided_at, timezone.now(), "decided_at")
    if decided_at < exit_pass.created_at:
        raise ValidationError({"decided_at": [_("A decision comes after the application.")]})
    comment = _text(comment, "comment", 200)
    if exit_pass.status == ExitPass.Status.PENDING_VILLAGE:
        level = PassDecision.Level.VILLAGE
        require_role(actor, exit_pass.area_id, *PASS_VILLAGE_DECIDERS)
    elif exit_pass.status == ExitPass.Status.PENDING_TOWN or exit_pass.town_review_pending:
        level = PassDecision.Level.TOWN
        require_role(actor, exit_pass.area_id, *PASS_TOWN_DECIDERS)
    else:
        raise ValidationError(
            _("This pass is already %(status)s.") % {"status": exit_pass.get_status_display()}
        )
    if exit_pass.applied_by_id == actor.pk:
        raise ValidationError(_("You applied for this pass: someone else decides on it."))
    if not approve and not comment:
        raise ValidationError({"comment": [_("Say why it is rejected.")]})
    try:
        with transaction.atomic():
            PassDecision.objects.create(
                exit_pass=exit_pass, level=level, approved=approve, comment=comment, by=actor, at=decided_at
            )
    except IntegrityError:
        raise ValidationError(_("Someone decided on this pass a moment ago.")) from None
    before = exit_pass.status
    if level == PassDecision.Level.VILLAGE:
        if not approve:
            exit_pass.status = ExitPass.Status.REJECTED
        elif exit_pass.urgent_medical:
            exit_pass.status = ExitPass.Status.APPROVED
            exit_pass.town_review_pending = True
        else:
            exit_pass.status = ExitPass.Status.PENDING_TOWN
    else:
        exit_pass.town_review_pending = False
        if approve:
            exit_pass.status = ExitPass.Status.APPROVED
        elif exit_pass.status == ExitPass.Status.APPROVED:  # an urgent exit rejected on review
            exit_pass.status = ExitPass.Status.REVOKED
            exit_pass.revoked_at = decided_at
            exit_pass.revoke_reason = comment
            exit_pass.token_version += 1
        else:
            exit_pass.status = ExitPass.Status.REJECTED
    exit_pass.save()
    audit.record(
        actor=actor,
        action="pass.decide",
        target=exit_pass,
        area=exit_pass.area_id,
        changes={"status": [before, exit_pass.status], "level": [None, level]},
        reason=comment,
    )
    return exit_pass


@transaction.atomic
def pass_revoke(*, actor: User, exit_pass: ExitPass, reason: str) -> ExitPass:
    """Revoke an approved pass (the village head or the town): its card stops checking once online."""
    require_role(actor, exit_pass.area_id, *PASS_VILLAGE_DECIDERS, *PASS_TOWN_DECIDERS)
    exit_pass = ExitPass.objects.select_for_update().get(pk=exit_pass.pk)
    if exit_pass.status != ExitPass.Status.APPROVED:
        raise ValidationError(_("Only an approved pass can be revoked."))
    exit_pass.status = ExitPass.Status.REVOKED
    exit_pass.revoked_at = timezone.now()
    exit_pass.revoke_reason = _text(reason, "reason", 200, required=True)
    exit_pass.token_version += 1
    exit_pass.save()
    audit.record(
        actor=actor,
        action="pass.revoke",
        target=exit_pass,
        area=exit_pass.area_id,
        changes={"status": [ExitPass.Status.APPROVED, ExitPass.Status.REVOKED]},
        reason=exit_pass.revoke_reason,
    )
    return exit_pass


def identity_hint(person: Person) -> str:
    """尹** ·0011: enough to match the card to the ID card in hand, nothing to misuse."""
    tail = person.document_number[-4:] if person.document_number else ""
    return f"{mask_name(person.name)}{' ·' + tail if tail else ''}"


def pass_token(exit_pass: ExitPass) -> str:
    """The signed token printed as the card's QR code (only for an approved pass)."""
    if exit_pass.status != ExitPass.Status.APPROVED:
        raise ValidationError(_("Only an approved pass has a card."))
    return tokens.sign(
        {
            "p": exit_pass.pk,
            "v": exit_pass.token_version,
            "c": exit_pass.short_code,
            "a": codes.prefix_of(exit_pass.lockdown.area_id),  # the checkpoints inside it start so
            "f": int(exit_pass.valid_from.timestamp()),
            "u": int(exit_pass.valid_until.timestamp()),
            "h": [identity_hint(p) for p in exit_pass.people.order_by("id")],
        }
    )
