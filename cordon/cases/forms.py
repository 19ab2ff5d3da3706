"""Forms of the cases pages: shape only. The rules (dates, roles, loops, capacity) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.cases.models import Case, ContactLink, Placement
from cordon.core.forms import Form, to_choose
from cordon.observation.forms import _date


def _classification(label):
    """A classification with no default: a case starts as what the health worker chose."""
    return forms.ChoiceField(label=label, choices=[("", "—"), *Case.Classification.choices])


class CaseForm(Form):
    document_number = forms.CharField(
        label=_("ID number of the person"),
        max_length=30,
        required=False,
        help_text=_("A person registered in your areas. Leave empty for a case known only elsewhere."),
    )
    external_name = forms.CharField(
        label=_("Name (case known only elsewhere)"), max_length=40, required=False
    )
    external_note = forms.CharField(label=_("Where the case lives"), max_length=200, required=False)
    authority = forms.CharField(
        label=_("Numbering authority"), max_length=40, required=False, help_text=_("e.g. 廊坊市")
    )
    number = forms.CharField(label=_("Case number"), max_length=20, required=False, help_text=_("e.g. 23"))
    classification = _classification(_("Classification"))
    classified_on = _date(_("Classified on"))
    onset_date = _date(_("Onset"), required=False)
    confirmed_on = _date(_("Confirmed on"), required=False)
    isolated_on = _date(_("Isolated on"), required=False)
    hospital = forms.CharField(label=_("Hospital"), max_length=100, required=False)
    reporting_source = forms.CharField(label=_("Reported by"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    source_authority = forms.CharField(label=_("Source case: authority"), max_length=40, required=False)
    source_number = forms.CharField(label=_("Source case: number"), max_length=20, required=False)
    source_setting = forms.ChoiceField(
        label=_("Exposure to the source case"),
        choices=[("", "—"), *ContactLink.Setting.choices],
        required=False,
    )
    source_last_exposure = _date(_("Last exposure to the source case"), required=False)


class ClassifyForm(Form):
    classification = _classification(_("New classification"))
    on = _date(_("Date"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CaseUpdateForm(Form):
    authority = forms.CharField(label=_("Numbering authority"), max_length=40, required=False)
    number = forms.CharField(label=_("Case number"), max_length=20, required=False)
    onset_date = _date(_("Onset"), required=False)
    confirmed_on = _date(_("Confirmed on"), required=False)
    isolated_on = _date(_("Isolated on"), required=False)
    hospital = forms.CharField(label=_("Hospital"), max_length=100, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Case.Outcome.choices], required=False
    )
    outcome_on = _date(_("Outcome date"), required=False)
    reporting_source = forms.CharField(label=_("Reported by"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class IdentifyForm(Form):
    document_number = forms.CharField(label=_("ID number of the person"), max_length=30)


class ContactsForm(Form):
    """What a night's tracing shares: the exposure. The people come as rows (see the view)."""

    degree = forms.ChoiceField(label=_("Degree"), choices=to_choose(ContactLink.Degree.choices))
    setting = forms.ChoiceField(label=_("Setting"), choices=[("", "—"), *ContactLink.Setting.choices])
    first_exposure = _date(_("First exposure"), required=False)
    last_exposure = _date(_("Last exposure"))
    via = forms.TypedChoiceField(
        label=_("Through close contact"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, via_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["via"].choices = [("", "—"), *via_choices]


class ToCaseForm(Form):
    classification = _classification(_("Classification"))
    classified_on = _date(_("Classified on"))
    authority = forms.CharField(label=_("Numbering authority"), max_length=40, required=False)
    number = forms.CharField(label=_("Case number"), max_length=20, required=False)


class SiteForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    area = forms.ChoiceField(label=_("Area"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=10_000)
    rooms = forms.CharField(label=_("Rooms"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = to_choose(area_choices)


class PlaceForm(Form):
    site = forms.TypedChoiceField(label=_("Quarantine site"), coerce=int)
    placed_on = _date(_("In on"))
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    transport = forms.CharField(
        label=_("Transport"), max_length=100, required=False, help_text=_("e.g. 连夜送往")
    )

    def __init__(self, *args, site_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = to_choose(site_choices)


class ReleaseForm(Form):
    released_on = _date(_("Released on"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class EndStayForm(Form):
    outcome = forms.ChoiceField(
        label=_("How the stay ends"),
        choices=to_choose(
            [
                (Placement.Outcome.HOSPITAL, Placement.Outcome.HOSPITAL.label),
                (Placement.Outcome.MOVED, Placement.Outcome.MOVED.label),
            ]
        ),
    )
    ended_on = _date(_("Out on"))
    note = forms.CharField(label=_("Where to"), max_length=200)


class RemoveForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
