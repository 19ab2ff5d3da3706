from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form, to_choose
from cordon.people.models import Arrival, Person


class RegisterForm(Form):
    """One short form for a person and their arrival, in the order a clerk asks at the door.

    Shape only: the numbers are checked by the same functions the importer uses (people.services).
    """

    document_type = forms.ChoiceField(
        label=_("Document"), choices=Person.Document.choices, initial=Person.Document.MAINLAND_ID
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    name = forms.CharField(label=_("Full name"), max_length=60)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)
    area = forms.ChoiceField(label=_("Village of residence"))
    address = forms.CharField(label=_("Current address"), max_length=200, required=False)
    origin_text = forms.CharField(
        label=_("Came from"), max_length=100, help_text=_("Province, city, county, e.g. 湖北省武汉市江汉区")
    )
    arrival_date = forms.CharField(label=_("Arrival date"), max_length=20)
    means = forms.ChoiceField(
        label=_("Means of travel"), required=False, choices=[("", "—"), *Arrival.Means.choices]
    )
    plate = forms.CharField(label=_("Plate"), max_length=20, required=False)
    transport_number = forms.CharField(label=_("Train or flight number"), max_length=30, required=False)
    phone_other = forms.CharField(label=_("Other phone"), max_length=30, required=False)
    registered_address = forms.CharField(label=_("Registered address"), max_length=200, required=False)
    route = forms.CharField(label=_("Route"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # One per form shown: a second press of "登记" (or a resent POST) finds the first one's person.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks these (and says what is missing), so that a clerk sees every problem of the
        # form at once rather than the empty fields first and the wrong numbers after.
        for name in ("name", "origin_text", "arrival_date"):
            self.fields[name].required = False
            self.fields[name].checked_by_service = True
        self.fields["area"].choices = to_choose(area_choices)
        attrs = {
            # A known number fills the form from the existing person (people:lookup answers with the fields).
            "document_number": {
                "inputmode": "text",
                "autocomplete": "off",
                "autocapitalize": "characters",
                # POST, not GET: the form carries a name, an ID number and phones, which never go in a URL.
                "hx-post": reverse("people:lookup"),
                "hx-trigger": "change",
                "hx-target": "#register-fields",
                "hx-select": "#register-fields",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            },
            "phone": {"inputmode": "tel", "autocomplete": "off"},
            "phone_other": {"inputmode": "tel", "autocomplete": "off"},
            "arrival_date": {"type": "date"},
            "plate": {"autocapitalize": "characters", "autocomplete": "off"},
            "name": {"autocomplete": "off"},
        }
        for name, values in attrs.items():
            self.fields[name].widget.attrs.update(values)

    PERSON_FIELDS = (
        "document_type",
        "document_number",
        "name",
        "phone",
        "phone_other",
        "address",
        "registered_address",
        "note",
    )
    ARRIVAL_FIELDS = ("origin_text", "arrival_date", "means", "plate", "transport_number", "route")

    def person_data(self) -> dict:
        return {f: self.cleaned_data.get(f, "") for f in self.PERSON_FIELDS}

    def arrival_data(self) -> dict:
        return {f: self.cleaned_data.get(f, "") for f in self.ARRIVAL_FIELDS}


class PersonForm(Form):
    document_type = forms.ChoiceField(label=_("Document"), choices=Person.Document.choices)
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    name = forms.CharField(label=_("Full name"), max_length=60)
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "—"), *Person.Sex.choices],
        help_text=_("Read from a resident ID number when there is one."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)
    phone_other = forms.CharField(label=_("Other phone"), max_length=30, required=False)
    area = forms.ChoiceField(label=_("Village of residence"))
    address = forms.CharField(label=_("Current address"), max_length=200, required=False)
    registered_address = forms.CharField(label=_("Registered address"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = to_choose(area_choices)
        self.fields["phone"].widget.attrs.update(inputmode="tel")
        self.fields["phone_other"].widget.attrs.update(inputmode="tel")


class ReclassifyForm(Form):
    category = forms.ChoiceField(label=_("Category"))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, category_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = to_choose(category_choices)


class MergeForm(Form):
    other = forms.IntegerField(
        label=_("Record number of the duplicate"),
        min_value=1,
        help_text=_("The number shown as “No.” on the other record's page."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class HouseholdForm(Form):
    address = forms.CharField(label=_("Household address"), max_length=200)
    contact_phone = forms.CharField(label=_("Household phone"), max_length=30, required=False)


class LedgerFilterForm(Form):
    area = forms.ChoiceField(label=_("Village"), required=False)
    date_from = forms.DateField(
        label=_("Arrived from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Arrived until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Arrival.Status.choices]
    )

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")), *area_choices]


class ImportUploadForm(Form):
    file = forms.FileField(label=_("Ledger file"), help_text=_(".xlsx, .xls or .csv, up to 50 MB"))
    area = forms.ChoiceField(label=_("Ledger of"))

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = to_choose(area_choices)
        self.fields["file"].widget.attrs.update(accept=".xlsx,.xls,.csv,.txt,.ods")


class ExportForm(Form):
    FORMATS = [("xlsx", "Excel (.xlsx)"), ("csv", "CSV")]
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="xlsx")
    unmasked = forms.BooleanField(label=_("Whole ID numbers and phones"), required=False)
    reason = forms.CharField(label=_("Reason for whole numbers"), max_length=200, required=False)


class CategoryForm(Form):
    name = forms.CharField(label=_("Name"), max_length=30)
    priority = forms.IntegerField(
        label=_("Priority"), min_value=0, max_value=1000, help_text=_("Smaller numbers are tried first.")
    )
    origins = forms.CharField(
        label=_("Origins"),
        max_length=200,
        help_text=_(
            "Division-code prefixes separated by commas (4201 武汉, 42 湖北); @county and @province "
            "for the county or province of the village; * for any other known origin; ? for an origin "
            "that could not be placed."
        ),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
