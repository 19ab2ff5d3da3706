"""Exit passes at the gate: checking a card, and recording its use as the passages of its holders.

Above both checkpoints (where passages are stored) and lockdowns (where passes are issued), so that
neither of those imports the other.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordon.accounts.models import User
from cordon.accounts.permissions import GUARDS
from cordon.accounts.scope import require_role
from cordon.checkpoints.models import Checkpoint, Passage
from cordon.core import codes
from cordon.gate.passages import passage_record
from cordon.lockdowns import tokens
from cordon.lockdowns.models import ExitPass
from cordon.lockdowns.services import identity_hint, moment_in_past
from cordon.people import validation


@dataclass
class PassCheck:
    state: str  # one of STATE_LABELS
    exit_pass: ExitPass | None = None
    hints: tuple[str, ...] = ()


STATE_LABELS = {
    "valid": gettext_lazy("Valid pass"),
    "expired": gettext_lazy("Expired"),
    "not_yet_valid": gettext_lazy("Not yet valid"),
    "revoked": gettext_lazy("Revoked"),
    "replaced": gettext_lazy("Replaced by a newer card"),
    "wrong_checkpoint": gettext_lazy("Not for this checkpoint"),
    "not_approved": gettext_lazy("Not approved"),
    "invalid": gettext_lazy("Forged or altered"),
    "unknown": gettext_lazy("No such pass"),
}


def pass_check(
    *, actor: User, checkpoint: Checkpoint, token: str = "", short_code: str = "", at: datetime | None = None
) -> PassCheck:
    """Check a card at a gate, by its scanned token (the signature first) or its short code — now, or
    as of an earlier moment (a use at the gate recorded later: the demo's February 2020)."""

    require_role(actor, checkpoint.area_id, *GUARDS)
    version = None
    if token:
        read = tokens.read(token)
        if read.payload is None:
            return PassCheck("invalid")
        exit_pass = ExitPass.objects.filter(pk=read.payload.get("p")).select_related("lockdown").first()
        version = read.payload.get("v")
    else:
        code = validation.compact(short_code).upper()
        exit_pass = (
            ExitPass.objects.filter(short_code=code).select_related("lockdown").first() if code else None
        )
    if exit_pass is None:
        return PassCheck("unknown")
    hints = tuple(identity_hint(p) for p in exit_pass.people.order_by("id"))
    now = moment_in_past(at, timezone.now(), "at")
    if exit_pass.status == ExitPass.Status.REVOKED:
        state = "revoked"
    elif exit_pass.status != ExitPass.Status.APPROVED:
        state = "not_approved"
    elif version is not None and version != exit_pass.token_version:
        state = "replaced"
    elif not codes.covers(codes.prefix_of(exit_pass.lockdown.area_id), checkpoint.area_id):
        state = "wrong_checkpoint"
    elif now < exit_pass.valid_from:
        state = "not_yet_valid"
    elif now > exit_pass.valid_until:
        state = "expired"
    else:
        state = "valid"
    return PassCheck(state, exit_pass, hints)


def pass_use(
    *, actor: User, checkpoint: Checkpoint, exit_pass: ExitPass, direction: str, client_id: str = ""
) -> Passage:
    """Record a pass's use at a gate as a passage of each person on it (the pass must check valid)."""
    check = pass_check(actor=actor, checkpoint=checkpoint, short_code=exit_pass.short_code)
    if check.state != "valid":
        raise ValidationError(
            _("The pass is not valid here now: %(state)s.") % {"state": STATE_LABELS[check.state]}
        )
    first = None
    for index, person in enumerate(exit_pass.people.order_by("id")):
        passage, _created = passage_record(
            actor=actor,
            checkpoint=checkpoint,
            data={
                "direction": direction,
                "document_number": person.document_number,
                "document_type": person.document_type,
                "name": person.name,
                "destination": exit_pass.destination,
                "purpose": exit_pass.get_reason_display(),
                "decision": Passage.Decision.ALLOWED,
                "exit_pass": exit_pass,
            },
            client_id=f"{client_id}-{index}" if client_id else None,
        )
        first = first or passage
    return first
