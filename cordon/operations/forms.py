"""Forms: shape and type only. The rules (ranges, dates, roles) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form, to_choose
from cordon.operations.models import CounsellingSession, DisinfectionTask, Notice, Rumour

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}
NUMERIC = {"inputmode": "decimal"}


class ScheduleForm(Form):
    """Agent, method and schedule: shared by one task and by "every home of a case"."""

    agent = forms.CharField(label=_("Agent"), max_length=60, initial="含氯消毒剂")
    concentration = forms.DecimalField(
        label=_("Concentration"),
        max_digits=10,
        decimal_places=2,
        initial=500,
        widget=forms.TextInput(NUMERIC),
    )
    concentration_unit = forms.ChoiceField(
        label=_("Unit"), choices=DisinfectionTask.Unit.choices, initial=DisinfectionTask.Unit.MG_L
    )
    method = forms.ChoiceField(label=_("Method"), choices=to_choose(DisinfectionTask.Method.choices))
    area_m2 = forms.DecimalField(
        label=_("Area covered (m²)"), max_digits=10, decimal_places=1, widget=forms.TextInput(NUMERIC)
    )
    starts_on = forms.DateField(label=_("First round"), widget=forms.DateInput(DATE, format="%Y-%m-%d"))
    every_days = forms.IntegerField(
        label=_("Every how many days"),
        initial=1,
        help_text=_("1 = daily, 2 = every other day"),
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    rounds = forms.IntegerField(
        label=_("Number of rounds"), required=False, widget=forms.NumberInput({"inputmode": "numeric"})
    )
    ends_on = forms.DateField(
        label=_("Or until"),
        required=False,
        widget=forms.DateInput(DATE, format="%Y-%m-%d"),
        help_text=_("Give the number of rounds or the last day."),
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TaskForm(ScheduleForm):
    area = forms.ChoiceField(label=_("Village or area"))
    kind = forms.ChoiceField(label=_("Target kind"), choices=to_choose(DisinfectionTask.Kind.choices))
    target = forms.CharField(label=_("Target"), max_length=200, help_text=_("e.g. 四间房村东街、村委会广场"))
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)

    field_order = ["area", "kind", "target"]


class RoundForm(Form):
    planned_on = forms.ChoiceField(label=_("Round of"))
    done_at = forms.DateTimeField(
        label=_("Done at"),
        required=False,
        widget=forms.DateTimeInput(DATETIME, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput({"accept": "image/*", "capture": "environment"}),
    )


class CounsellingForm(Form):
    id_number = forms.CharField(
        label=_("ID number of the person"),
        max_length=18,
        required=False,
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    household_address = forms.CharField(
        label=_("Or the household's address"),
        max_length=200,
        required=False,
        help_text=_("As registered, e.g. 四间房村东街1号"),
    )
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(DATE, format="%Y-%m-%d"))
    mode = forms.ChoiceField(
        label=_("Counselling mode"), choices=CounsellingSession.Mode.choices, widget=forms.RadioSelect
    )
    concerns = forms.CharField(label=_("Concerns"), max_length=2000, widget=forms.Textarea({"rows": 3}))
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_on = forms.DateField(
        label=_("Follow-up on"), required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)


class NoticeForm(Form):
    area = forms.ChoiceField(label=_("Issued for"))
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea({"rows": 6}))
    audience = forms.MultipleChoiceField(
        label=_("Audience"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the whole area it is issued for."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Notice.Channel.choices, widget=forms.CheckboxSelectMultiple
    )


class RumourForm(Form):
    area = forms.ChoiceField(label=_("Village"))
    place = forms.CharField(label=_("Place"), max_length=100, required=False, help_text=_("e.g. 村口小卖部"))
    heard_on = forms.DateField(label=_("Heard on"), widget=forms.DateInput(DATE, format="%Y-%m-%d"))
    content = forms.CharField(label=_("What was heard"), max_length=2000, widget=forms.Textarea({"rows": 3}))
    reported_by_name = forms.CharField(label=_("Reporter"), max_length=40)
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)


class VerifyForm(Form):
    verification = forms.ChoiceField(
        label=_("Verification"),
        choices=[c for c in Rumour.Verification.choices if c[0] != Rumour.Verification.REPORTED],
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(
        label=_("Finding"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )


class RebutForm(Form):
    town_wide = forms.BooleanField(label=_("For the whole town"), required=False)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea({"rows": 5}))
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Notice.Channel.choices, widget=forms.CheckboxSelectMultiple
    )
