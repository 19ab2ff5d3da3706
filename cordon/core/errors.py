"""How errors reach API clients: JSON with a machine code and a message in the user's language."""

from django.utils.translation import gettext_lazy as _


class ApiError(Exception):
    """An error with an HTTP status, a stable machine code and a human message."""

    def __init__(self, status: int, code: str, message, errors: list | None = None):
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []


# Messages for schema errors (pydantic's error types), so an API client gets them in Chinese too.
SCHEMA_MESSAGES = {
    "missing": _("This field is required."),
    "string_too_long": _("Too long: at most %(max_length)s characters."),
    "string_too_short": _("Too short: at least %(min_length)s characters."),
    "string_type": _("Must be text."),
    "int_parsing": _("Must be a whole number."),
    "int_type": _("Must be a whole number."),
    "bool_parsing": _("Must be true or false."),
    "bool_type": _("Must be true or false."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "literal_error": _("Not one of the allowed values."),
    "enum": _("Not one of the allowed values."),
    "json_invalid": _("The request body is not valid JSON."),
    "string_pattern_mismatch": _("Wrong format."),
    "date_from_datetime_parsing": _("Must be a date (YYYY-MM-DD)."),
    "date_parsing": _("Must be a date (YYYY-MM-DD)."),
    "extra_forbidden": _("Unknown field."),
}


def schema_error_message(error: dict) -> str:
    template = SCHEMA_MESSAGES.get(error.get("type", ""), _("Invalid value."))
    context = error.get("ctx") or {}
    try:
        return str(template) % context
    except (KeyError, TypeError, ValueError):
        return str(template)
