"""Forms: shape and type only. The rules (roles, what a store holds) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cordon.core.forms import Form

NUMERIC = {"inputmode": "decimal"}
DATETIME = {"type": "datetime-local"}


class MovementForm(Form):
    """Stock received, issued or used: the view drops the fields its kind does not ask for."""

    store = forms.ChoiceField(label=_("Store"))
    item = forms.ChoiceField(label=pgettext_lazy("stock", "Item"))
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0.01, widget=forms.TextInput(NUMERIC)
    )
    to = forms.ChoiceField(label=_("Issue to"))
    party = forms.CharField(
        label=_("From whom"), max_length=60, required=False, help_text=_("e.g. 县指挥部、爱心企业")
    )
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(DATETIME, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class DeliveryIssueForm(Form):
    item = forms.ChoiceField(label=pgettext_lazy("stock", "Item"))
    quantity = forms.DecimalField(
        label=_("Quantity in the item's unit"),
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.TextInput(NUMERIC),
        help_text=_("Leave empty when the delivery was counted in the item's unit."),
    )
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
