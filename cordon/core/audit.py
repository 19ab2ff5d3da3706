"""The audit trail: every change made through a service records who, when, what (before and after)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from cordon.core.context import current_source
from cordon.core.models import AuditEntry

# What each action is called on the audit pages. A new service action adds its label here.
ACTION_LABELS = {
    "area.create": _("Area added"),
    "area.rename": _("Area renamed"),
    "user.create": _("Account created"),
    "user.update": _("Account changed"),
    "user.disable": _("Account disabled"),
    "user.enable": _("Account enabled"),
    "user.reset_password": _("Password reset"),
    "user.unlock": _("Login lock lifted"),
    "user.change_password": _("Own password changed"),
    "role.assign": _("Role granted"),
    "role.revoke": _("Role taken away"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "checkpoint.create": _("Checkpoint set up"),
    "checkpoint.update": _("Checkpoint changed"),
    "demo.load": _("Demo town loaded"),
    "person.create": _("Person registered"),
    "person.update": _("Person changed"),
    "person.transfer": _("Moved to another village"),
    "person.merge": _("Duplicate record merged in"),
    "person.merged_away": _("Record merged into another"),
    "arrival.create": _("Arrival recorded"),
    "arrival.update": _("Arrival changed"),
    "arrival.reclassify": _("Arrival moved to another ledger"),
    "people.import": _("Ledger imported"),
    "category.update": _("Ledger category changed"),
    "mapping.save": _("Column mapping remembered"),
    "observation.open": _("Put under observation"),
    "observation.extend": _("Observation extended"),
    "observation.shorten": _("Observation shortened"),
    "observation.transfer": _("Observation mode changed"),
    "observation.close": _("Observation closed early"),
    "observation.complete": _("Observation completed"),
    "observation.replan": _("Observation re-planned"),
    "observation.waive_tests": _("Missing tests waived"),
    "observation.check_correct": _("Health check corrected"),
    "observation.alert_open": _("Alert opened"),
    "observation.alert_close": _("Alert closed"),
    "observation.test": _("Nucleic acid test recorded"),
    "observation.link_create": _("Self-report link made"),
    "observation.link_revoke": _("Self-report link revoked"),
    "observation.protocol": _("Protocol in force changed"),
    "case.create": _("Case registered"),
    "case.classify": _("Case reclassified"),
    "case.update": _("Case corrected"),
    "case.identify": _("Case linked to its person"),
    "contact.create": _("Contact traced"),
    "contact.delete": _("Contact removed"),
    "site.create": _("Quarantine site added"),
    "site.update": _("Quarantine site changed"),
    "placement.create": _("Placed in quarantine"),
    "placement.end": _("Quarantine stay ended"),
    "shift.create": _("Shift put on the roster"),
    "shift.delete": _("Shift taken off the roster"),
    "lockdown.seal": _("Area sealed"),
    "lockdown.lift": _("Seal lifted"),
    "pass.apply": _("Exit pass applied for"),
    "pass.decide": _("Exit pass decided"),
    "pass.revoke": _("Exit pass revoked"),
    "supply.record": _("Supply delivery recorded"),
    "rotation.create": _("Purchase rotation made"),
    "rotation.rebalance": _("Purchase rotation rebalanced"),
    "personnel.register": _("Member of the forces registered"),
    "personnel.update": _("Member of the forces changed"),
    "team.create": _("Team formed"),
    "team.update": _("Team changed"),
    "team.member_add": _("Member joined a team"),
    "team.member_remove": _("Member left a team"),
    "assignment.create": _("Assignment made"),
    "assignment.cancel": _("Assignment called off"),
    "commendation.write": _("Commendation or note written"),
    "disinfection.create": _("Disinfection task set"),
    "disinfection.round": _("Disinfection round recorded"),
    "counselling.create": _("Counselling session recorded"),
    "notice.create": _("Notice drafted"),
    "notice.update": _("Notice draft changed"),
    "notice.publish": _("Notice published"),
    "rumour.report": _("Rumour reported"),
    "rumour.verify": _("Rumour verified"),
    "rumour.rebut": _("Rumour rebutted"),
    "enterprise.register": _("Enterprise registered"),
    "enterprise.update": _("Enterprise changed"),
    "enterprise.status": _("Enterprise status changed"),
    "reopening.apply": _("Reopening applied for"),
    "reopening.decide": _("Reopening application decided"),
    "inspection.record": _("Inspection recorded"),
    "finding.rectify": _("Finding rectified"),
    "report.generate": _("Daily report generated"),
    "report.remarks": _("Daily report remarks saved"),
    "report.send": _("Daily report sent"),
    "report.correct": _("Daily report corrected (new version)"),
    "retention.set": _("Retention period set"),
    "retention.run": _("Retention run"),
    "retention.passages": _("Passages past their period deleted"),
    "retention.counselling": _("Counselling notes past their period anonymised"),
    "retention.access_logs": _("Access logs past their period deleted"),
    "retention.observation": _("People past their period anonymised"),
}

# Never written to the trail, whatever a service passes.
SECRET_FIELDS = frozenset({"password", "key_hash"})


def _plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(_plain(item) for item in value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The values of ``fields`` on ``obj`` as JSON-able plain values (foreign keys as their key)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(obj, attname))
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed; secrets left out."""
    changed = {}
    for name in sorted(set(before) | set(after)):
        if name in SECRET_FIELDS:
            continue
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = [old, new]
    return changed


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    area=None,
    changes: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry for a change to ``target``, inside the caller's transaction."""
    area_code = area if isinstance(area, str) or area is None else area.code
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=getattr(actor, "username", "") or "system",
        source=current_source(),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        area_id=area_code,
        changes={k: v for k, v in (changes or {}).items() if k not in SECRET_FIELDS},
        reason=reason[:200],
    )
