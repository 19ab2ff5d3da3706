from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.core.forms import Form
from cordon.retention.services import MAX_DAYS, MIN_DAYS


class PolicyForm(Form):
    """One kind's period on the retention page (one small form per kind, so a mistake in one changes
    nothing else; the kind is the form's prefix). The bounds are the service's, checked there."""

    days = forms.IntegerField(
        label=_("Kept for (days)"),
        error_messages={"invalid": _("Enter a whole number of days."), "required": _("Enter the days.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5, "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].help_text = _("From %(min)s to %(max)s days.") % {
            "min": MIN_DAYS,
            "max": MAX_DAYS,
        }
