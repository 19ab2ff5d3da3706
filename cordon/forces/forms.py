"""Forms of the forces' pages: shape only; the services check the rules and the numbers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form, to_choose
from cordon.forces.models import Commendation, Personnel, Team
from cordon.people.models import Person

DATE = {"type": "date"}


class PersonnelForm(Form):
    """Register a member of the forces: who they are (the people registry's fields) and how they serve."""

    document_type = forms.ChoiceField(
        label=_("Document"), choices=Person.Document.choices, initial=Person.Document.MAINLAND_ID
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=to_choose(Personnel.Kind.choices))
    area = forms.ChoiceField(label=_("Serves in"))
    unit = forms.CharField(
        label=_("Unit"), max_length=100, required=False, help_text=_("e.g. 村委会、镇卫生院")
    )
    skills = forms.CharField(
        label=_("Skills"), max_length=300, required=False, help_text=_("e.g. 驾驶、医护、电工")
    )
    availability = forms.ChoiceField(
        label=_("Availability"),
        choices=Personnel.Availability.choices,
        initial=Personnel.Availability.FULL_TIME,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    # One per form shown: a second press of the button (or a resent POST) finds the first one's record.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = to_choose(area_choices)
        # The service says what is missing, together with every other problem.
        self.fields["name"].checked_by_service = True
        self.fields["document_number"].checked_by_service = True

    def person_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "document_type": data["document_type"],
            "document_number": data["document_number"],
            "phone": data["phone"],
            "document_required": True,
        }

    def personnel_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("kind", "unit", "phone", "skills", "availability", "note")}


class PersonnelEditForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Personnel.Kind.choices)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=300, required=False)
    availability = forms.ChoiceField(label=_("Availability"), choices=Personnel.Availability.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    account = forms.ChoiceField(
        label=_("Account"), required=False, help_text=_("Only for those who use Cordon themselves.")
    )
    active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, account_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *account_choices]


class TeamForm(Form):
    name = forms.CharField(
        label=_("Team name"), max_length=100, required=False, help_text=_("e.g. 四间房村排查一组")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=to_choose(Team.Kind.choices))
    area = forms.ChoiceField(label=_("Area of work"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = to_choose(area_choices)
        self.fields["name"].checked_by_service = True


class MemberForm(Form):
    who = forms.CharField(
        label=_("ID number or name"),
        max_length=40,
        help_text=_("A member of the forces; for two people of the same name, the ID number."),
    )
    role = forms.CharField(
        label=_("Role in the team"), max_length=60, required=False, help_text=_("e.g. 组长、记录员")
    )


class AssignForm(Form):
    area = forms.ChoiceField(label=_("Village"), required=False)
    checkpoint = forms.ChoiceField(label=_("Checkpoint"), required=False)
    shift = forms.ChoiceField(label=_("Duty shift"), required=False)
    starts_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, area_choices, checkpoint_choices, shift_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—"), *area_choices]
        self.fields["checkpoint"].choices = [("", "—"), *checkpoint_choices]
        self.fields["shift"].choices = [("", "—"), *shift_choices]


class CommendationForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Commendation.Kind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Text"), max_length=600, widget=forms.Textarea(attrs={"rows": 3}))
