"""Forms of the observation pages: shape only. The rules (dates, roles, thresholds) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form, to_choose
from cordon.observation import protocol
from cordon.observation.models import Alert, LabTest, Period

DATE = {"type": "date"}


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


def _reason(label=None, required=True):
    return forms.CharField(label=label or _("Reason"), max_length=200, required=required)


class OpenForm(Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=to_choose(Period.Reason.choices))
    reason_detail = forms.CharField(
        label=_("About the reason"),
        max_length=200,
        required=False,
        help_text=_("e.g. close contact of 廊坊市第23例, or fever at the 格达 station"),
    )
    exposure_date = _date(_("Last exposure (or arrival)"))
    mode = forms.ChoiceField(
        label=_("Mode"), choices=[("", _("As the protocol says")), *Period.Mode.choices], required=False
    )
    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=protocol.MAX_STAGE_DAYS,
        required=False,
        help_text=_("Leave empty to plan by the protocol in force."),
    )
    place = forms.CharField(label=_("Place of observation"), max_length=200, required=False)


class EndForm(Form):
    planned_end = _date(_("New planned end"))
    reason = _reason()


class TransferForm(Form):
    mode = forms.ChoiceField(label=_("New mode"), choices=[("", "—"), *Period.Mode.choices])
    place = forms.CharField(label=_("Place of observation"), max_length=200, required=False)
    reason = _reason()


class CloseForm(Form):
    outcome = forms.ChoiceField(
        label=_("Why it ends early"),
        choices=[("", "—"), *((k, v) for k, v in Period.Outcome.choices if k != Period.Outcome.COMPLETED)],
    )
    note = forms.CharField(
        label=_("Details"),
        max_length=200,
        required=False,
        help_text=_("Where to, for someone who left the area."),
    )
    ended_on = _date(_("Ended on"), required=False)


class CheckForm(Form):
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), required=False, widget=forms.CheckboxSelectMultiple
    )
    day = forms.DateField(required=False, widget=forms.HiddenInput)
    slot = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(k, v) for k, v in protocol.SLOT_LABELS.items()],
        widget=forms.HiddenInput,
    )
    client_id = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, symptoms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = [(s, s) for s in symptoms]


class AlertCloseForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Alert.Outcome.choices])
    temperature = forms.CharField(
        label=_("Re-measured temperature (°C)"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    clinic = forms.CharField(label=_("Fever clinic"), max_length=100, required=False)
    referred_at = forms.DateTimeField(
        label=_("Referred at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TestForm(Form):
    sample_date = _date(_("Sample date"))
    sample_type = forms.ChoiceField(label=_("Sample"), choices=LabTest.Sample.choices)
    lab = forms.CharField(label=_("Laboratory"), max_length=100, required=False)
    result = forms.ChoiceField(label=_("Result"), choices=LabTest.Result.choices)
    result_date = _date(_("Result date"), required=False)


class ResultForm(Form):
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—"), *LabTest.Result.choices])
    result_date = _date(_("Result date"), required=False)


class ReasonForm(Form):
    reason = _reason()


class ReplanForm(Form):
    reason = _reason()
    # The rules the preview was made with, so that a change in between is noticed (stale state).
    rules = forms.CharField(widget=forms.HiddenInput, max_length=8000)
