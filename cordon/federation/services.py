"""Federation: the peers, sending a report to the parent (queued, retried with backoff, or written to
a file), and taking a package from a child (verified, then stored, or refused with nothing stored).

Who: the command centre (commander) of the server's area sets up the peers; the CLI acts as the
operator. Receiving needs no account: the package's signature, by a child's known key, is its
authority, and a child reports only for its own area.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import SERVER_LINKERS
from cordon.accounts.scope import has_role
from cordon.accounts.services import operator_account
from cordon.core import audit, codes, jobs
from cordon.federation import keys, packages
from cordon.federation.models import Inbox, Outbox, Peer
from cordon.reports import events as report_events
from cordon.reports import services as reports
from cordon.reports.figures import end_of_day
from cordon.reports.models import DailyReport

log = logging.getLogger("cordon.federation")

PUSH_JOB = "federation.push"
PUSH_PATH = "/api/v1/federation/packages"
BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)
TIMEOUT_SECONDS = 10


def backoff(attempts: int) -> dt.timedelta:
    """The wait after ``attempts`` failed tries: 30 s, 1 min, 2 min, … at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _require_commander(actor: User, area_code: str) -> None:
    if not (actor.is_superuser or has_role(actor, area_code, *SERVER_LINKERS)):
        raise PermissionDenied(_("Only the command centre's commander sets up the other servers."))


@transaction.atomic
def peer_add(
    *, actor: User, kind: str, name: str, url: str, area_code: str, public_key: str, own_area: str
) -> Peer:
    """Add the parent or a child server, known by its public key.

    The commander of ``own_area`` (this server's area) does it. A child's area lies below
    ``own_area``; the parent's lies above it. Refuses a key that is not an Ed25519 public key, a
    second parent, a key already known."""
    _require_commander(actor, own_area)
    errors = {}
    if kind not in Peer.Kind.values:
        errors["kind"] = _("Choose parent, child or neighbour.")
    if not codes.is_valid_code(area_code):
        errors["area_code"] = _("%(code)s is not a 12-digit division code.") % {"code": area_code}
    elif kind == Peer.Kind.CHILD and not (
        area_code != own_area and codes.covers(codes.prefix_of(own_area), area_code)
    ):
        errors["area_code"] = _("A child server's area must lie below this server's area.")
    elif kind == Peer.Kind.PARENT and not (
        area_code != own_area and codes.covers(codes.prefix_of(area_code), own_area)
    ):
        errors["area_code"] = _("The parent server's area must lie above this server's area.")
    elif kind == Peer.Kind.NEIGHBOUR and (
        codes.covers(codes.prefix_of(own_area), area_code)
        or codes.covers(codes.prefix_of(area_code), own_area)
    ):
        errors["area_code"] = _("A neighbouring server's area lies beside this server's area.")
    try:
        keys.parse_public(public_key)
    except ValueError:
        errors["public_key"] = _(
            "The public key must be 32 bytes in base64, as `cordon federation key` prints."
        )
    if kind == Peer.Kind.PARENT and Peer.objects.filter(kind=Peer.Kind.PARENT).exists():
        errors["kind"] = _("This server already has a parent; remove it first.")
    if errors:
        raise ValidationError(errors)
    public_key = public_key.strip()
    peer = Peer(
        kind=kind,
        name=name.strip()[:100] or area_code,
        url=url.strip(),
        area_code=area_code,
        public_key=public_key,
        key_id=keys.key_id_of(public_key),
        created_by=actor,
    )
    if Peer.objects.filter(key_id=peer.key_id).exists():
        raise ValidationError({"public_key": _("This key is already known.")})
    peer.full_clean()
    peer.save()
    audit.record(
        actor=actor,
        action="federation.peer_add",
        target=peer,
        area=own_area,
        changes={"kind": kind, "area_code": area_code, "key_id": peer.key_id, "url": peer.url},
    )
    return peer


def parent() -> Peer | None:
    return Peer.objects.filter(kind=Peer.Kind.PARENT).first()


# Sending -----------------------------------------------------------------------------------------


@transaction.atomic
def report_queue(*, actor: User, report: DailyReport) -> Outbox | None:
    """Make the signed package of a sent report and queue it for the parent (None without a parent).
    The worker pushes it; ``export_files`` writes it for a USB stick."""
    peer = parent()
    if peer is None or not report.is_sent:
        return None
    area = Area.objects.get(code=report.area_id)
    unresolved = reports.unresolved_items(
        viewer=actor, area=area, day=report.day, as_of=end_of_day(report.day)
    )
    package = packages.seal(
        kind="daily_report", sender_area=report.area_id, content=packages.report_content(report, unresolved)
    )
    entry = Outbox.objects.create(
        peer=peer,
        kind="daily_report",
        area_code=report.area_id,
        day=report.day,
        version=report.version,
        package=package,
    )
    if peer.url:
        jobs.enqueue(kind=PUSH_JOB, area=report.area_id, actor=actor, params={"outbox": entry.pk})
    return entry


def report_send(*, actor: User, report: DailyReport) -> DailyReport:
    """Send a report (frozen from now on) and, when this server has a parent, queue its package."""
    with transaction.atomic():
        report = reports.report_send(actor=actor, report=report)
        report_queue(actor=actor, report=report)
    return report


def push(entry: Outbox) -> str:
    """Try to hand ``entry`` to its peer once: "sent", "refused" (the receiver said no, with its
    message: retrying would not help) or "retry" (the peer is down or failed: tried again later)."""
    url = entry.peer.url.rstrip("/") + PUSH_PATH
    if not url.startswith(("http://", "https://")):
        raise ValidationError(_("A peer's address must start with http:// or https://."))
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked just above
        url,
        data=json.dumps(entry.package, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    now = timezone.now()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            answer.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (409,):  # already there: a retry after a lost answer
            outcome, error = "sent", ""
        elif 400 <= exc.code < 500:
            outcome, error = "refused", _message(exc)
        else:
            outcome, error = "retry", f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        outcome, error = "retry", str(getattr(exc, "reason", exc))[:300]
    else:
        outcome, error = "sent", ""
    entry.attempts += 1
    entry.last_error = error[:500]
    if outcome == "sent":
        entry.status, entry.delivered_at, entry.next_attempt_at = Outbox.Status.SENT, now, None
    elif outcome == "refused":
        entry.status, entry.next_attempt_at = Outbox.Status.REFUSED, None
    else:
        entry.next_attempt_at = now + backoff(entry.attempts)
    entry.save(update_fields=["attempts", "last_error", "status", "delivered_at", "next_attempt_at"])
    return outcome


def _message(exc: urllib.error.HTTPError) -> str:
    try:
        return json.loads(exc.read().decode())["message"]
    except Exception:
        return f"HTTP {exc.code}"


def push_due(*, now=None) -> dict:
    """Push every queued package whose time has come, oldest first (``cordon federation push``)."""
    now = now or timezone.now()
    counts = {"sent": 0, "refused": 0, "retry": 0}
    due = Outbox.objects.filter(status=Outbox.Status.QUEUED).exclude(peer__url="").select_related("peer")
    for entry in due.order_by("id"):
        if entry.next_attempt_at and entry.next_attempt_at > now:
            continue
        counts[push(entry)] += 1
    return counts


def export_files(directory) -> list:
    """Write every queued package to ``directory`` (a USB stick where the network is cut), one file
    each; they stay queued until the parent confirms (a push, or ``mark_delivered``)."""
    written = []
    for entry in Outbox.objects.filter(status=Outbox.Status.QUEUED).order_by("id"):
        path = (
            directory
            / f"cordon-{entry.kind}-{entry.area_code}-{entry.day or ''}-v{entry.version or 0}-{entry.pk}.json"
        )
        path.write_text(json.dumps(entry.package, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
    return written


# Receiving ---------------------------------------------------------------------------------------


class AlreadyReceived(ValidationError):
    """A package received before (a replay, or a retry after a lost answer): the API says 409."""


def _refuse(message: str, error=ValidationError):
    log.warning("package refused: %s", message)
    raise error(message)


def verified(package) -> tuple[dict, Peer]:
    """The body of ``package`` and the peer that signed it; refuses (ValidationError, a message saying
    why) a package not in the format, from an unknown key, or whose signature does not match."""
    if isinstance(package, bytes | str):
        try:
            package = json.loads(package)
        except ValueError:
            _refuse(_("This file is not a Cordon package (it is not JSON)."))
    if not isinstance(package, dict) or package.get("format") != packages.FORMAT:
        _refuse(_("This is not a Cordon package (format %(format)s expected).") % {"format": packages.FORMAT})
    body, signature = package.get("body"), package.get("signature")
    if not isinstance(body, dict) or not isinstance(signature, str):
        _refuse(_("The package has no body or no signature."))
    peer = Peer.objects.filter(key_id=str(body.get("key_id", ""))[:16]).first()
    if peer is None:
        _refuse(
            _("The package is signed by an unknown key (%(key)s): add the sending server first.")
            % {"key": str(body.get("key_id", ""))[:16]}
        )
    if not keys.verify(peer.public_key, packages.canonical(body), signature):
        _refuse(_("The package's signature does not match its content: it was altered or damaged."))
    return body, peer


@transaction.atomic
def receive(package, *, via: str = "api") -> DailyReport:
    """Take a package from a child server: verify it, then store the report version it carries,
    exactly as a report sent on this server (shown as sent above). Refuses, storing nothing: a
    package of another format, an unknown key, a bad signature, a sender reporting for an area not
    its own, a package already received, a version older than one already received."""
    body, peer = verified(package)
    if peer.kind != Peer.Kind.CHILD:
        _refuse(_("Only a child server sends reports to this server."))
    if body.get("kind") != "daily_report":
        _refuse(_("This server does not take packages of kind %(kind)s.") % {"kind": body.get("kind")})
    report = body.get("report") or {}
    area_code = str((report.get("area") or {}).get("code", ""))
    if body.get("sender", {}).get("area") != peer.area_code or area_code != peer.area_code:
        _refuse(
            _("%(peer)s reports for %(own)s only; this package is for %(other)s.")
            % {"peer": peer.name, "own": peer.area_code, "other": area_code or "?"}
        )
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        _refuse(_("Area %(code)s does not exist on this server.") % {"code": area_code})
    try:
        day = dt.date.fromisoformat(report["day"])
        version = int(report["version"])
        sent_at = dt.datetime.fromisoformat(report["sent_at"])
        figures, text = report["figures"], str(report["text"])
    except (KeyError, TypeError, ValueError):
        _refuse(_("The package's report is incomplete (day, version, sent time, figures, text)."))
    digest = packages.digest(body)
    if Inbox.objects.filter(digest=digest).exists():
        _refuse(
            _("This package was already received (version %(v)s of %(day)s).") % {"v": version, "day": day},
            AlreadyReceived,
        )
    latest = DailyReport.objects.filter(area=area, day=day).order_by("-version").first()
    if latest and version <= latest.version:
        _refuse(
            _("Version %(v)s of %(day)s is not newer than version %(latest)s already received.")
            % {"v": version, "day": day, "latest": latest.version}
        )
    operator = operator_account()
    stored = DailyReport(
        area=area,
        day=day,
        version=version,
        figures={
            "figures": figures,
            "columns": report.get("columns", []),
            "unresolved": report.get("unresolved", []),
        },
        text=text,
        remarks=str(report.get("remarks", ""))[:5000],
        status=DailyReport.Status.SENT,
        generated_by=operator,
        generated_at=timezone.now(),
        sent_at=sent_at,
        correction_reason=str(report.get("correction_reason", ""))[:200],
        received_from=peer.key_id,
    )
    stored.full_clean()
    try:
        with transaction.atomic():
            stored.save()
            Inbox.objects.create(
                key_id=peer.key_id,
                kind="daily_report",
                area_code=area_code,
                day=day,
                version=version,
                digest=digest,
                package=package if isinstance(package, dict) else json.loads(package),
                via=via,
            )
            report_events.report_received(report=stored)
    except IntegrityError:  # the same version arriving twice at once
        _refuse(
            _("This package was already received (version %(v)s of %(day)s).") % {"v": version, "day": day},
            AlreadyReceived,
        )
    audit.record(
        actor=operator,
        action="federation.receive",
        target=stored,
        area=area,
        changes={"version": version, "key_id": peer.key_id, "via": via},
    )
    return stored
