"""The flags list a guard's phone keeps for a shift without signal.

At the start of the shift, while online, the gate page downloads the people of its own village who
carry a flag (under observation, in centralised quarantine, from a sealed area without a valid pass),
so that an ID number typed without a network is still checked. The list is as small as the check
needs: the name masked as on a pass card (尹某*), the ID number's last four characters, the flags and
their end date; the ID number itself only as a salted SHA-256, the salt new with each download, so the
phone holds no list of ID numbers to read off. It expires at the end of the guard's duty shift (or
``NO_SHIFT_HOURS`` from the download when no shift of theirs is under way), after which the page
drops it. Another village's people are never in it, whatever the guard's role reaches.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from cordon.accounts.models import User
from cordon.accounts.permissions import GUARDS
from cordon.accounts.scope import require_role
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.core import codes
from cordon.core.access import log_access
from cordon.core.privacy import card_name
from cordon.gate.passages import FLAG_LABELS, _day_text, _with_flag_facts
from cordon.people import validation
from cordon.people.models import Person

# A guard downloading the list off the roster (a stand-in, a 24-hour gate without a roster) keeps it
# this long: one ordinary shift.
NO_SHIFT_HOURS = 8
# A village of a few thousand people has tens, at worst hundreds, flagged; a cap keeps the phone's
# copy and the download bounded whatever happens.
MAX_PEOPLE = 5000
LISTED = ("under_observation", "in_quarantine", "sealed_no_pass")


def number_key(salt: str, number: str) -> str:
    """The salted SHA-256 of a document number as the gate form compacts it (the phone computes the
    same from what the guard types)."""
    return hashlib.sha256(f"{salt}{validation.compact(number).upper()}".encode()).hexdigest()


def village_code(checkpoint: Checkpoint) -> str:
    """The area whose people a gate's list covers: the checkpoint's village (a grid's gate: the
    village the grid is in; a town's inspection station: the town)."""
    return checkpoint.area_id[:12]


def current_shift(actor: User, checkpoint: Checkpoint, now: datetime) -> DutyShift | None:
    return (
        DutyShift.objects.filter(checkpoint=checkpoint, people=actor, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at")
        .first()
    )


def _flags_of(person) -> tuple[list[str], str]:
    """The listed flags of an annotated person and the end date of the observation or stay, as
    ``passages.person_flags`` reads them (without the purchase turn, which needs a query each)."""
    flags, until = [], ""
    if person.flag_stay:
        flags.append("in_quarantine")
        until = _day_text(person.flag_stay_until)
    if person.flag_period_until is not None:
        flags.append("under_observation")
        until = until or _day_text(person.flag_period_until)
    if person.flag_sealed and not person.flag_pass:
        flags.append("sealed_no_pass")
    return flags, until


def flag_list(*, actor: User, checkpoint: Checkpoint, now: datetime | None = None) -> dict:
    """The flagged people of the gate's own village that ``actor`` may see, masked, for the phone to
    check against offline until ``expires_at`` (the end of the actor's shift under way here)."""
    require_role(actor, checkpoint.area_id, *GUARDS)
    now = now or timezone.now()
    shift = current_shift(actor, checkpoint, now)
    expires = shift.ends_at if shift else now + timedelta(hours=NO_SHIFT_HOURS)
    village = village_code(checkpoint)
    people = (
        Person.objects.visible_to(actor, roles=GUARDS)
        .within(village)
        .exclude(document_number="")
        .only("pk", "name", "document_number", "area_id")
    )
    people = _with_flag_facts(people, now=now).filter(
        Q(flag_stay=True) | Q(flag_period_until__isnull=False) | Q(flag_sealed=True, flag_pass=False)
    )
    salt = secrets.token_hex(16)
    listed = []
    for person in people.order_by("pk")[:MAX_PEOPLE]:
        if not codes.covers(codes.prefix_of(village), person.area_id):
            continue  # belt and braces: never another village's person
        flags, until = _flags_of(person)
        if not flags:
            continue
        listed.append(
            {
                "key": number_key(salt, person.document_number),
                "name": card_name(person.name),
                "tail": person.document_number[-4:],
                "flags": flags,
                "until": until,
            }
        )
    # A list of people leaves the server for a phone: the access log says who took it, when, where.
    log_access(
        actor=actor,
        kind="export",
        target_type="gate.flag_list",
        target_label=f"{checkpoint.name} ({len(listed)})",
        area=checkpoint.area_id,
    )
    return {
        "checkpoint": checkpoint.pk,
        "generated_at": now.isoformat(),
        "expires_at": expires.isoformat(),
        "shift": shift and {"starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat()},
        "salt": salt,
        "labels": {f: str(FLAG_LABELS[f]) for f in LISTED},
        "people": listed,
    }
