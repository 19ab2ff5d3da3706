from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cordon.core.audit import ACTION_LABELS

register = template.Library()

# Pseudo-fields that audit entries use for related records.
FIELD_LABELS = {
    "roles": _("roles"),
    "tokens": _("API tokens"),
    "alert": _("alert"),
    "test": _("nucleic acid test"),
    "test_days": _("test days"),
    "check": _("health check"),
    "link": _("self-report link"),
    "symptoms": _("symptoms"),
    "temperature": _("temperature (°C)"),
    # The field apps' audit entries name these, which are no single field of the record.
    "member": _("team member"),
    "role": _("role in the team"),
    "text": _("text"),
    "round": _("round planned for"),
    "done_at": _("done at"),
    "rectified": _("findings rectified"),
    "failed_items": _("checklist items answered no"),
    "dormitory": _("dormitory"),
    "cancelled_at": _("called off at"),
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def change_rows(entry) -> list[tuple[str, str, str]]:
    """An audit entry's changes as (field label, before, after), the way the pages show them.

    Field names become the model's verbose names, choice values their labels, booleans 是/否.
    """
    try:
        model = apps.get_model(entry.target_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, pair in entry.changes.items():
        field = None
        if model is not None and name not in FIELD_LABELS:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if field is not None and field.auto_created and not field.concrete:
            # A reverse relation (an inspection's findings): named by the related model, shown as is.
            label, field = str(field.related_model._meta.verbose_name_plural), None
        else:
            label = str(FIELD_LABELS.get(name) or (field.verbose_name if field is not None else name))
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        rows.append((label, _display(field, before), _display(field, after)))
    return rows


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        items = value if isinstance(value, list) else [f"{k}: {v}" for k, v in value.items()]
        return "、".join(_display(field, item) for item in items) or "—"
    choices = dict(field.flatchoices) if field is not None and getattr(field, "flatchoices", None) else {}
    return str(choices.get(value, value))


# Pages that show a record's history, by the audit entry's target type.
RECORD_PAGES = {
    "accounts.user": "accounts:user_detail",
    "checkpoints.checkpoint": "checkpoints:detail",
    "people.person": "people:detail",
    "observation.period": "observation:period",
    "cases.case": "cases:detail",
    "cases.quarantinesite": "cases:site",
}


@register.filter
def record_url(entry) -> str:
    """The page of the record an audit entry is about, where there is one (it checks access itself)."""
    name = RECORD_PAGES.get(entry.target_type)
    return reverse(name, kwargs={"pk": entry.target_id}) if name else ""
