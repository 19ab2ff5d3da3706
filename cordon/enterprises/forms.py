"""Forms for the enterprise pages: shape and type only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form, to_choose
from cordon.enterprises import checklist
from cordon.enterprises.models import Enterprise, ReopeningApplication

DATE = {"type": "date"}
YES_NO = (("yes", _("Yes")), ("no", _("No")))


class EnterpriseForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, as on the business licence."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    area = forms.ChoiceField(label=_("Village"))
    address = forms.CharField(label=_("Address"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=to_choose(Enterprise.Sector.choices))
    employees = forms.IntegerField(
        label=_("Employees"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    from_outside = forms.IntegerField(
        label=_("Of whom from outside the town"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    from_hubei = forms.IntegerField(
        label=_("Of whom from Hubei"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=40)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ChecklistForm(Form):
    """The checklist's items as yes/no with a note each, and the dormitory's numbers."""

    has_dormitory = forms.BooleanField(label=_("Staff sleep on site (dormitory)"), required=False)
    dorm_people_per_room = forms.IntegerField(
        label=_("People per room"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    dorm_m2_per_person = forms.DecimalField(
        label=_("m² per person"),
        required=False,
        max_digits=6,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in checklist.ITEMS:
            self.fields[key] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Note"), max_length=checklist.NOTE_LIMIT, required=False
            )

    def items(self):
        return [(self[key], self[f"{key}_note"], key in checklist.DORMITORY_ITEMS) for key in checklist.KEYS]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            key: {
                "ok": {"yes": True, "no": False}.get(data.get(key) or ""),
                "note": data.get(f"{key}_note", ""),
            }
            for key in checklist.KEYS
        }

    def checklist_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": self.answers(),
            "has_dormitory": data["has_dormitory"],
            "dorm_people_per_room": data.get("dorm_people_per_room"),
            "dorm_m2_per_person": data.get("dorm_m2_per_person"),
        }


class ApplicationForm(ChecklistForm):
    planned_on = forms.DateField(label=_("Planned reopening date"), widget=forms.DateInput(attrs=DATE))
    prevention_plan = forms.CharField(
        label=_("Prevention plan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Who is responsible, how staff come back, masks and disinfection, what happens on a fever."
        ),
    )

    field_order = ["planned_on", "prevention_plan"]


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(c, label) for c, label in ReopeningApplication.Decision.choices if c],
        widget=forms.RadioSelect,
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for an approval with conditions."),
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=300, required=False, help_text=_("Required for a rejection.")
    )


FINDING_ROWS = 3


class InspectionForm(ChecklistForm):
    inspected_on = forms.DateField(label=_("Inspection date"), widget=forms.DateInput(attrs=DATE))
    rectified = forms.MultipleChoiceField(
        label=_("Earlier findings rectified"), required=False, widget=forms.CheckboxSelectMultiple
    )
    rectification_note = forms.CharField(label=_("How they were rectified"), max_length=300, required=False)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)
    suspend = forms.BooleanField(label=_("Suspend the enterprise for a serious finding"), required=False)
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)

    def __init__(self, *args, open_findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rectified"].choices = [
            (str(f.pk), f"{f.description}（{f.deadline:%m-%d}）") for f in open_findings
        ]
        for i in range(1, FINDING_ROWS + 1):
            self.fields[f"finding_{i}"] = forms.CharField(
                label=_("Finding %(i)s") % {"i": i}, max_length=300, required=False
            )
            self.fields[f"finding_{i}_deadline"] = forms.DateField(
                label=_("Rectify by"), required=False, widget=forms.DateInput(attrs=DATE)
            )
            self.fields[f"finding_{i}_serious"] = forms.BooleanField(label=_("Serious"), required=False)
            self.fields[f"finding_{i}_photo"] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
            )

    def finding_rows(self):
        return [
            (
                self[f"finding_{i}"],
                self[f"finding_{i}_deadline"],
                self[f"finding_{i}_serious"],
                self[f"finding_{i}_photo"],
            )
            for i in range(1, FINDING_ROWS + 1)
        ]


class RectifyForm(Form):
    note = forms.CharField(
        label=_("How it was rectified"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class SuspendForm(Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class ExportForm(Form):
    format = forms.ChoiceField(choices=(("xlsx", "Excel (.xlsx)"), ("csv", "CSV")))
