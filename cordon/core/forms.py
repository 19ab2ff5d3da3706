from django import forms
from django.core.exceptions import ValidationError

from cordon.core import edge


class EdgeCheckedForm:
    """What the edge refuses (control characters, impossible dates: ``core/edge.py``) shown as an error
    on the field that held it, the page re-rendered with everything else the user typed. Every form
    of Cordon's is one (tests/test_edge_forms.py)."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        refused = getattr(self.data, "edge_problems", {})
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            message = refused.get(key) or _problem_in(
                field.widget.value_from_datadict(self.data, self.files, key)
            )
            if message:
                self.add_error(name, message)
                getattr(self.data, "edge_shown", set()).add(key)


class Form(EdgeCheckedForm, forms.Form):
    """Cordon's forms' base: Django's, with the edge's refusals on their fields."""


def _problem_in(value) -> str:
    for item in value if isinstance(value, list | tuple) else [value]:
        if isinstance(item, str) and (message := edge.problem(item)):
            return message
    return ""


# The empty first option of a choice the user must make: a form never starts on a choice of its own.
UNCHOSEN = ("", "—")


def to_choose(choices) -> list:
    """``choices`` with an empty first option, so that the field starts unchosen (a select without one
    shows its first option as chosen); kept as they are when there is only one to choose."""
    choices = list(choices)
    return choices if len(choices) == 1 else [UNCHOSEN, *choices]


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def cleaned_or_raise(form) -> dict:
    """The form's cleaned data, or a ValidationError whose messages name each field: for the small
    action forms of a record's page, whose errors are shown as one message above it."""
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label}：{e}" if f in form.fields else e
                for f, errors in form.errors.items()
                for e in errors
            ]
        )
    return form.cleaned_data


def act_and_return(request, action, url: str):
    """Run ``action`` (a service call returning a success message) for a record's page and go back to
    ``url``, saying what happened or what is wrong."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        message = action()
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages.error(request, " ".join(m for ms in problems.values() for m in ms))
    else:
        messages.success(request, message)
    return redirect(url)
