"""What each role has to do today, for the top of the home page: the guard's gate and shift, the
clerk's round and registers, the village head's passes to approve, the health worker's alerts and
tests, the command centre's dashboard and what waits for the town.

Each role's work is one section (a dict with ``key``, ``title``, ``actions`` and ``figures``), drawn by
``reports/_work_section.html``; a later list (a to-do list) is one more entry in a section or one more
section. Every count goes through the area scope.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Role
from cordon.accounts.scope import has_role
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.lockdowns.models import ExitPass
from cordon.observation.models import Alert, LabTest
from cordon.reports.models import DailyReport

TOWN_ROLES = (Role.COMMANDER, Role.COMMAND_STAFF)


def _figure(label, value, url, *, hot=False):
    return {"label": label, "value": value, "url": url, "hot": hot and bool(value)}


def _guard(user, now) -> dict:
    gates = [
        c
        for c in Checkpoint.objects.visible_to(user).select_related("area").order_by("name")
        if has_role(user, c.area_id, Role.CHECKPOINT_GUARD)
    ]
    shifts = (
        DutyShift.objects.filter(people=user, ends_at__gt=now)
        .select_related("checkpoint")
        .order_by("starts_at")[:2]
    )
    shift_lines = []
    for shift in shifts:
        start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        when = (
            f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"
            if start.date() != end.date()
            else f"{start:%m-%d %H:%M}–{end:%H:%M}"
        )
        state = _("On duty now") if shift.starts_at <= now else _("Next shift")
        shift_lines.append(f"{state}：{shift.checkpoint.name} {when}")
    # The gate of the shift under way first: one tap from home.
    current = next((s.checkpoint_id for s in shifts if s.starts_at <= now), None)
    gates.sort(key=lambda c: c.pk != current)
    return {
        "key": "guard",
        "title": _("At the gate"),
        "actions": [
            {
                "label": _("Log passages at %(gate)s") % {"gate": c.name},
                "url": reverse("checkpoints:gate", args=[c.pk]),
                "primary": n == 0,
            }
            for n, c in enumerate(gates)
        ]
        + [
            {"label": _("Check a pass"), "url": reverse("lockdowns:gate_scan"), "primary": False},
        ],
        "lines": shift_lines or [_("No duty shift of yours is on the roster.")],
        "figures": [],
        # How old the lists kept on this phone for each gate are (read by field-lists.js on the phone).
        "list_ages": [
            {
                "gate": c.name,
                "flags_url": reverse("checkpoints:gate_flags", args=[c.pk]),
                "revoked_url": reverse("lockdowns:gate_revoked", args=[c.pk]),
            }
            for c in gates
        ],
    }


def _clerk(user) -> dict:
    return {
        "key": "clerk",
        "title": _("Today in the village"),
        "actions": [
            {"label": _("Today's temperature round"), "url": reverse("observation:round"), "primary": True},
            {"label": _("Register a person"), "url": reverse("people:register"), "primary": False},
            {"label": _("Import a ledger"), "url": reverse("people:imports"), "primary": False},
        ],
        "lines": [],
        "figures": [],  # the triage counts follow in the area's section below
    }


def _head(user) -> dict:
    waiting = ExitPass.objects.visible_to(user).filter(status=ExitPass.Status.PENDING_VILLAGE).count()
    url = reverse("lockdowns:passes") + "?status=" + ExitPass.Status.PENDING_VILLAGE
    return {
        "key": "head",
        "title": _("Waiting for your approval"),
        "actions": [{"label": _("Passes to approve"), "url": url, "primary": bool(waiting)}],
        "lines": [],
        "figures": [_figure(_("Exit passes waiting for the village head"), waiting, url, hot=True)],
    }


def _health(user) -> dict:
    alerts = Alert.objects.visible_to(user).filter(closed_at__isnull=True).count()
    pending = LabTest.objects.visible_to(user).filter(result=LabTest.Result.PENDING).count()
    triage = reverse("observation:triage")
    return {
        "key": "health",
        "title": _("Fever alerts and tests"),
        "actions": [{"label": _("Open the fever list"), "url": triage + "?tab=symptomatic", "primary": True}],
        "lines": [],
        "figures": [
            _figure(_("Open fever and symptom alerts"), alerts, triage + "?tab=symptomatic", hot=True),
            _figure(_("Tests waiting for a result"), pending, triage),
        ],
    }


def _town(user, today) -> dict:
    waiting = ExitPass.objects.visible_to(user).filter(status=ExitPass.Status.PENDING_TOWN).count()
    passes = reverse("lockdowns:passes") + "?status=" + ExitPass.Status.PENDING_TOWN
    alerts = Alert.objects.visible_to(user).filter(closed_at__isnull=True).count()
    sent = DailyReport.objects.visible_to(user).filter(day=today, status=DailyReport.Status.SENT).exists()
    return {
        "key": "town",
        "title": _("Waiting for the town"),
        "actions": [
            {"label": _("Dashboard"), "url": reverse("dashboard:index"), "primary": True},
            {"label": _("Daily report"), "url": reverse("reports:daily"), "primary": False},
        ],
        "lines": [
            _("Today's daily report has been sent.") if sent else _("Today's daily report is not sent yet.")
        ],
        "figures": [
            _figure(_("Exit passes waiting for the town"), waiting, passes, hot=True),
            _figure(
                _("Open fever and symptom alerts"),
                alerts,
                reverse("observation:triage") + "?tab=symptomatic",
                hot=True,
            ),
        ],
    }


def day_work(user, roles, *, now=None) -> list[dict]:
    """The sections of the user's day, one per kind of work their roles give, in the order of a shift."""
    now = now or timezone.now()
    held = {r.role for r in roles}
    sections = []
    if Role.CHECKPOINT_GUARD in held:
        sections.append(_guard(user, now))
    if Role.VILLAGE_CLERK in held:
        sections.append(_clerk(user))
    if Role.VILLAGE_HEAD in held:
        sections.append(_head(user))
    if Role.HEALTH_WORKER in held:
        sections.append(_health(user))
    if held & set(TOWN_ROLES):
        sections.append(_town(user, timezone.localdate(now)))
    return sections
