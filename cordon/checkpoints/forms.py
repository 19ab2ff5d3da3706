from django import forms
from django.utils.translation import gettext_lazy as _

from cordon.checkpoints.models import Checkpoint
from cordon.core.forms import Form, to_choose


class CheckpointForm(Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=to_choose(Checkpoint.Kind.choices))
    area = forms.ChoiceField(label=_("Area"))
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    hours = forms.CharField(
        label=_("Hours"), max_length=60, required=False, help_text=_("e.g. 24 h, or 06:00–22:00")
    )
    status = forms.ChoiceField(label=_("Status"), choices=Checkpoint.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, area_choices, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = to_choose(area_choices)
        if editing:
            # A checkpoint does not move: close it and open another.
            del self.fields["area"]


class CheckpointFilterForm(Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Checkpoint.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Checkpoint.Status.choices]
    )

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")), *area_choices]
