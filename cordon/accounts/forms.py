from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cordon.accounts.models import ApiToken, Area, Role, User
from cordon.accounts.selectors import area_choices
from cordon.core.forms import EdgeCheckedForm, Form, to_choose


class LoginForm(EdgeCheckedForm, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong user name or password."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class ManagedAreaField(forms.ChoiceField):
    """An area the acting commander manages; the choices come from the scope, never from the client."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Area"))
        super().__init__(*args, **kwargs)


def _with_managed_areas(form, user, *names):
    choices = area_choices(user, roles=[Role.COMMANDER])
    for name in names:
        form.fields[name].choices = (
            [("", "—"), *choices] if not form.fields[name].required else to_choose(choices)
        )


class UserCreateForm(Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    area = ManagedAreaField(help_text=_("Where the account belongs."))
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)
    role_area = ManagedAreaField(
        label=_("Role held at"),
        required=False,
        help_text=_("Leave empty to hold the role where the account belongs."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _with_managed_areas(self, user, "area", "role_area")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["username"].widget.attrs.update(autocapitalize="none", autocomplete="off")


class UserEditForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    area = ManagedAreaField(help_text=_("Where the account belongs."))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _with_managed_areas(self, user, "area")
        self.fields["phone"].widget.attrs.update(inputmode="tel")


class RoleForm(Form):
    """Granting a role starts empty: a preset (指挥长 @ the town) is one careless tap from giving
    someone everything."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    area = ManagedAreaField(label=_("Held at"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _with_managed_areas(self, user, "area")
        self.fields["area"].choices = [("", "—"), *self.fields["area"].choices]


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class PasswordChangeForm(Form):
    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits; not a common password."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class TokenForm(Form):
    EXPIRY_CHOICES = [("30", _("30 days")), ("90", _("90 days")), ("365", _("1 year"))]

    name = forms.CharField(
        label=_("Token name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. “county reporting script”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Valid for"), choices=EXPIRY_CHOICES, coerce=int, initial="90"
    )


class AreaCreateForm(Form):
    code = forms.CharField(
        label=_("Division code"),
        max_length=15,
        min_length=12,
        help_text=_("12 digits for a village or street; 15 (the village's code + 3) for a grid."),
    )
    name = forms.CharField(label=_("Name"), max_length=Area._meta.get_field("name").max_length)

    def __init__(self, *args, parent: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.fields["code"].widget.attrs.update(inputmode="numeric", pattern="[0-9]*")
        self.fields["code"].initial = parent.prefix

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.startswith(self.parent.prefix) or code == self.parent.code:
            raise forms.ValidationError(
                _("The code of an area below %(name)s starts with %(prefix)s.")
                % {"name": self.parent.name, "prefix": self.parent.prefix}
            )
        return code
