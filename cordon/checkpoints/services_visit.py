"""Self-registration at the gate (扫码登记): a visitor scans the gate's QR code and fills in their own
entry on their own phone, with no account; the guard then checks the person and decides.

The QR code carries a link signed for one checkpoint that expires (``LINK_HOURS``): a forged or
expired link, or one of a closed checkpoint, opens nothing. The visitor's fields are checked by the
same functions as the guard's form. Entries are limited per device and per checkpoint, so a flood
cannot bury the guard's queue. A device is the form's cookie, or — for a post that comes without
it, as a script's would — its network address. The address alone is no limit: a village's phones
share their carrier's, and behind the town's reverse proxy every visitor has the proxy's. The
visitor is shown nothing back about anyone — not whether they are registered, flagged or known.
An entry is not a passage: it waits in the guard's queue until the guard decides
(``gate.passages.passage_record``).
"""

import hashlib
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import User
from cordon.accounts.permissions import GUARDS
from cordon.accounts.scope import require_role
from cordon.checkpoints.models import Checkpoint, Passage, SelfRegistration
from cordon.core import audit
from cordon.observation import protocol
from cordon.people import validation

LINK_HOURS = 12  # a QR code shown at the start of a shift serves that shift
_SALT = "cordon.checkpoints.visit"
# At most this many entries in the window, per device and per checkpoint.
WINDOW = timedelta(minutes=30)
PER_DEVICE = 3
PER_CHECKPOINT = 60
QUEUE_HOURS = 12  # the guard's queue shows the entries of the last hours; older ones lapse


class TooMany(Exception):
    """Too many entries from this device, address or checkpoint just now."""


def visit_link_token(*, actor: User, checkpoint: Checkpoint) -> str:
    """The signed token of a checkpoint's self-registration link (its QR code), for its guard."""
    require_role(actor, checkpoint.area_id, *GUARDS)
    return signing.TimestampSigner(salt=_SALT).sign(str(checkpoint.pk))


def visit_link_expires(token: str) -> datetime:
    _value, stamp, _signature = token.rsplit(":", 2)
    return datetime.fromtimestamp(signing.b62_decode(stamp), tz=timezone.get_current_timezone()) + timedelta(
        hours=LINK_HOURS
    )


def checkpoint_for_link(token: str) -> Checkpoint | None:
    """The open checkpoint a link was signed for, or None when the link is forged, altered, expired
    or its checkpoint closed — one answer for all, so a prober learns nothing."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=timedelta(hours=LINK_HOURS))
    except signing.BadSignature:  # SignatureExpired is one
        return None
    checkpoint = Checkpoint.objects.filter(pk=int(value)).select_related("area").first()
    if checkpoint is None or checkpoint.status == Checkpoint.Status.CLOSED:
        return None
    return checkpoint


def _hash(text: str) -> str:
    return hashlib.sha256(f"{_SALT}:{text}".encode()).hexdigest()


def _clean(data: dict, now: datetime) -> dict:
    """The visitor's fields, checked as the guard's form checks them; every message at once."""
    errors: dict[str, list[str]] = {}

    def attempt(key, fn, default=""):
        try:
            return fn()
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
            return default

    today = timezone.localtime(now).date()
    cleaned = {
        "name": attempt("name", lambda: validation.parse_name(data.get("name"))),
        "document_number": attempt(
            "document_number",
            lambda: (
                validation.parse_document(
                    validation.MAINLAND_ID, data.get("document_number"), today=today
                ).number
            ),
        ),
        "phone": attempt("phone", lambda: validation.parse_phone(data.get("phone"))),
        "origin": attempt("origin", lambda: validation.clean_text(data.get("origin"), "origin", 100)),
        "purpose": attempt("purpose", lambda: validation.clean_text(data.get("purpose"), "purpose", 100)),
        "visited_name": attempt(
            "visited_name", lambda: validation.clean_text(data.get("visited_name"), "visited_name", 40)
        ),
        "visited_phone": attempt(
            "visited_phone", lambda: validation.parse_optional_phone(data.get("visited_phone"))
        ),
        "temperature": None,
    }
    if data.get("temperature") not in (None, ""):
        cleaned["temperature"] = attempt(
            "temperature", lambda: protocol.parse_temperature(data["temperature"]), None
        )
    if not cleaned["origin"]:
        errors.setdefault("origin", []).append(_("Say where you are coming from."))
    if not cleaned["purpose"]:
        errors.setdefault("purpose", []).append(_("Say why you are coming."))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def visit_register(
    *, checkpoint: Checkpoint, data: dict, device: str, now: datetime | None = None
) -> SelfRegistration:
    """A visitor's own entry at a checkpoint, waiting for the guard. Refused (``TooMany``) beyond the
    limits per device and per checkpoint; the fields checked as the guard's
    form checks them. No actor: the visitor has no account; the checkpoint comes from a signed link."""
    now = now or timezone.now()
    device_key = _hash(f"d:{device}")
    since = now - WINDOW
    recent = SelfRegistration.objects.filter(created_at__gte=since)
    if (
        recent.filter(device=device_key).count() >= PER_DEVICE
        or recent.filter(checkpoint=checkpoint).count() >= PER_CHECKPOINT
    ):
        raise TooMany
    cleaned = _clean(data, now)
    registration = SelfRegistration(
        checkpoint=checkpoint,
        area_id=checkpoint.area_id,
        created_at=now,
        device=device_key,
        **cleaned,
    )
    registration.full_clean()
    registration.save()
    return registration


def _not_waiting() -> ValidationError:
    return ValidationError(
        {"self_registration": [_("This self-registration is no longer waiting (decided, or lapsed).")]}
    )


def visit_queue(*, actor: User, checkpoint: Checkpoint, now: datetime | None = None):
    """The self-registrations waiting at a checkpoint for its guard, oldest first (the last
    ``QUEUE_HOURS``)."""
    require_role(actor, checkpoint.area_id, *GUARDS)
    now = now or timezone.now()
    return (
        SelfRegistration.objects.visible_to(actor)
        .filter(
            checkpoint=checkpoint,
            status=SelfRegistration.Status.WAITING,
            created_at__gte=now - timedelta(hours=QUEUE_HOURS),
        )
        .order_by("created_at", "id")
    )


def visit_waiting(*, actor: User, checkpoint: Checkpoint, pk) -> SelfRegistration:
    """One waiting self-registration of this checkpoint, or a refusal that says it is gone."""
    try:
        return visit_queue(actor=actor, checkpoint=checkpoint).get(pk=int(pk))
    except (SelfRegistration.DoesNotExist, TypeError, ValueError):
        raise _not_waiting() from None


def visit_decided(*, actor: User, registration: SelfRegistration, passage: Passage) -> None:
    """The guard decided on a self-registration: it becomes that passage, once. Called inside the
    passage's transaction, with the registration's row locked."""
    if registration.checkpoint_id != passage.checkpoint_id:
        raise PermissionDenied
    updated = SelfRegistration.objects.filter(
        pk=registration.pk, status=SelfRegistration.Status.WAITING
    ).update(status=SelfRegistration.Status.DECIDED, passage=passage, **ERASED)
    if not updated:
        raise _not_waiting()


# What a visitor typed: erased once the entry is decided (the passage holds what the guard checked),
# dismissed or lapsed. The row stays, so the rate limit and the count of entries stay true.
PERSONAL = ("name", "document_number", "phone", "origin", "purpose", "visited_name", "visited_phone")
ERASED = {**dict.fromkeys(PERSONAL, ""), "temperature": None}


@transaction.atomic
def visit_dismiss(*, actor: User, checkpoint: Checkpoint, pk) -> SelfRegistration:
    """The guard dismisses a waiting self-registration (a prank, a double entry, a visitor who left):
    it leaves the queue and what it held is erased; audited with no personal value."""
    registration = visit_waiting(actor=actor, checkpoint=checkpoint, pk=pk)
    SelfRegistration.objects.filter(pk=registration.pk).update(
        status=SelfRegistration.Status.DISMISSED, **ERASED
    )
    audit.record(
        actor=actor,
        action="checkpoints.self_registration_dismiss",
        target=checkpoint,
        area=checkpoint.area_id,
        changes={"self_registration": [registration.pk, str(SelfRegistration.Status.DISMISSED.label)]},
    )
    registration.refresh_from_db()
    return registration


def visits_lapse(*, now: datetime | None = None) -> int:
    """Self-registrations nobody checked within ``QUEUE_HOURS`` lapse, and what they held is erased
    (the worker's hourly duty). Safe to run again."""
    now = now or timezone.now()
    return SelfRegistration.objects.filter(
        status=SelfRegistration.Status.WAITING, created_at__lt=now - timedelta(hours=QUEUE_HOURS)
    ).update(status=SelfRegistration.Status.LAPSED, **ERASED)
