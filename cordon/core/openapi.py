"""The OpenAPI document says exactly what each operation takes and answers.

django-ninja keeps one schema per name for the whole document: two ``CheckIn`` classes in two apps
became one component, and eleven operations documented another endpoint's body. ``CordonOpenAPI``
notes every name defined twice with a different shape (``conflicts``, kept empty by
tests/test_api_schema.py), and declares on every operation the errors every operation can answer —
400, 401, 403, 404, 409, 422, and 413 where a body is taken — with the one error shape
(``config/api.py`` writes them all).
"""

from __future__ import annotations

from typing import Annotated

from ninja.openapi.schema import OpenAPISchema
from pydantic import WithJsonSchema

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "title": "Code"},
        "message": {"type": "string", "title": "Message"},
        "errors": {
            "type": "array",
            "title": "Errors",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "title": "Field"},
                    "message": {"type": "string", "title": "Message"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["code", "message", "errors"],
}

ERRORS = {
    400: "The request could not be read (a body that is not JSON, a wrong content type).",
    401: "No valid access token or session.",
    403: "The role does not allow this here, or the CSRF check failed.",
    404: "No such record — or one outside the caller's areas: the two are not told apart.",
    409: "The record changed or is in a state that does not allow this.",
    422: "The input is refused; `errors` names each field.",
}
TOO_LARGE = "The request body is larger than the server accepts."
ERROR_REF = {"$ref": "#/components/schemas/Error"}


class CordonOpenAPI(OpenAPISchema):
    """ninja's document, with shared error answers and a record of clashing schema names."""

    def __init__(self, api, path_prefix: str) -> None:
        self.conflicts: list[str] = []
        super().__init__(api, path_prefix)
        self["components"]["schemas"].setdefault("Error", ERROR_SCHEMA)

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                self.conflicts.append(name)
        super().add_schema_definitions(definitions)

    def operation_details(self, operation) -> dict:
        details = super().operation_details(operation)
        responses = details["responses"]
        answers = dict(ERRORS)
        if "requestBody" in details:
            answers[413] = TOO_LARGE
        for status, description in answers.items():
            if status not in responses and str(status) not in responses:
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
        return details


def named_choices(choices: type, name: str):
    """A model's ``TextChoices`` as an API field, documented under ``name``: ``Period.Outcome`` and
    ``Alert.Outcome`` would otherwise both be the component "Outcome", one hiding the other."""
    return Annotated[
        choices, WithJsonSchema({"title": name, "type": "string", "enum": [str(v) for v in choices.values]})
    ]
