from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
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
        extra = (
            _nested_choices(model) if field is not None and not getattr(field, "flatchoices", None) else {}
        )
        areas = _area_names(field, before, after)
        rows.append((label, _display(field, before, extra, areas), _display(field, after, extra, areas)))
    return rows


def _nested_choices(model) -> dict:
    """The labels of a model's own choice classes (Notice.Channel…), for a list kept in a JSON field:
    the log read "chat、loudspeaker、van" where the page says 微信群、大喇叭、宣传车."""
    found = {}
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, models.Choices):
            found.update({str(k): v for k, v in value.choices})
    return found


def _area_names(field, *values) -> dict:
    """Area codes of a field that points at areas, by name (one query for the pair)."""
    if field is None or getattr(field, "related_model", None) is None:
        return {}
    if field.related_model._meta.label != "accounts.Area":
        return {}
    codes = set()
    for value in values:
        codes.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    if not codes:
        return {}
    return dict(field.related_model.objects.filter(code__in=codes).values_list("code", "name"))


def _display(field, value, extra=None, areas=None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        items = value if isinstance(value, list) else [f"{k}: {v}" for k, v in value.items()]
        return "、".join(_display(field, item, extra, areas) for item in items) or "—"
    if areas and str(value) in areas:
        return areas[str(value)]
    choices = dict(field.flatchoices) if field is not None and getattr(field, "flatchoices", None) else {}
    if value in choices:
        return str(choices[value])
    if extra and str(value) in extra:
        return str(extra[str(value)])
    if isinstance(value, str) and "T" in value and len(value) >= 16:
        moment = parse_datetime(value)  # an ISO timestamp, as the log keeps it: shown as the pages do
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{moment:%Y-%m-%d %H:%M}"
    return str(value)


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
