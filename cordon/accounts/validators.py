from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's length rule, with a message our own catalogue translates (Django's Chinese lacks it)."""

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("This password is too short: it needs at least %(min_length)d characters."),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}
