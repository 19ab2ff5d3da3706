"""The REST API under /api/v1/: one NinjaAPI, each app's router, and one way of answering errors."""

import typing

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from cordon.accounts.api import router as accounts_router
from cordon.accounts.api_audit import router as audit_router
from cordon.accounts.auth import ActiveSessionAuth, TokenAuth, signed_in_for_docs
from cordon.cases.api import router as cases_router
from cordon.checkpoints.api import router as checkpoints_router
from cordon.colours.api import router as colours_router
from cordon.core.edge import EdgeParser
from cordon.core.errors import ApiError, schema_error_message
from cordon.core.openapi import CordonOpenAPI
from cordon.enterprises.api import router as enterprises_router
from cordon.federation.api import router as federation_router
from cordon.forces.api import router as forces_router
from cordon.handovers.api import router as handovers_router
from cordon.lockdowns.api import router as lockdowns_router
from cordon.notifications.api import router as notifications_router
from cordon.observation.api import router as observation_router
from cordon.operations.api import router as operations_router
from cordon.people.api import router as people_router
from cordon.reports.api import router as reports_router
from cordon.retention.api import router as retention_router
from cordon.stock.api import router as stock_router


class CordonNinjaAPI(NinjaAPI):
    """ninja's API with Cordon's OpenAPI document (``cordon/core/openapi.py``), and the parser told
    which operations take a JSON list as their body (every other body must be an object)."""

    def get_operation_url_name(self, operation, router) -> str:
        name = super().get_operation_url_name(operation, router)
        for model in operation.models:
            attribute = getattr(model, "__read_from_single_attr__", None)
            if (
                model.__ninja_param_source__ == "body"
                and attribute
                and typing.get_origin(model.model_fields[attribute].annotation) is list
            ):
                self.parser.list_bodies.add(name)
        return name

    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> CordonOpenAPI:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return CordonOpenAPI(self, path_prefix)


api = CordonNinjaAPI(
    title="Cordon API",
    version="1",
    description=(
        "Cordon's REST API. Authenticate with a personal access token (`Authorization: Bearer cdn_…`), "
        "created on your profile page. Every answer is limited to the areas where you hold a role; a "
        "record outside them answers 404, exactly like one that does not exist. Errors are JSON: "
        '`{"code": "...", "message": "...", "errors": [{"field": "...", "message": "..."}]}`.'
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Not public: for signed-in users and token holders (the reasons: accounts/auth.py, docs/api.md).
    docs_decorator=signed_in_for_docs,
    parser=EdgeParser(),
)
api.add_router("/accounts/", accounts_router)
api.add_router("/checkpoints/", checkpoints_router)
api.add_router("/people/", people_router)
api.add_router("/observation/", observation_router)
api.add_router("/cases/", cases_router)
api.add_router("/lockdowns/", lockdowns_router)
api.add_router("/forces/", forces_router)
api.add_router("/operations/", operations_router)
api.add_router("/stock/", stock_router)
api.add_router("/enterprises/", enterprises_router)
api.add_router("/reports/", reports_router)
api.add_router("/federation/", federation_router)
api.add_router("/handovers/", handovers_router)
api.add_router("/audit/", audit_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/colours/", colours_router)
api.add_router("/retention/", retention_router)


def error_response(request, status: int, code: str, message, errors=None):
    return api.create_response(
        request, {"code": code, "message": str(message), "errors": errors or []}, status=status
    )


@api.exception_handler(ApiError)
def on_api_error(request, exc: ApiError):
    return error_response(request, exc.status, exc.code, exc.message, exc.errors)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if field == "__all__" else field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": str(message)} for message in exc.messages]
    return error_response(
        request, 422, "invalid", errors[0]["message"] if errors else _("Invalid input."), errors
    )


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc: SchemaValidationError):
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:] if part not in ("payload",)),
            "message": schema_error_message(error),
        }
        for error in exc.errors
    ]
    return error_response(
        request, 422, "invalid_input", _("The request is not in the expected shape."), errors
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(
        request, 401, "unauthenticated", _("Log in, or send a valid access token (Authorization: Bearer …).")
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 403:
        return error_response(
            request, 403, "csrf_failed", _("The request was refused: reload the page and try again.")
        )
    if exc.status_code == 400 and isinstance(exc.__cause__, ApiError):  # refused by the EdgeParser
        cause = exc.__cause__
        return error_response(request, cause.status, cause.code, cause.message, cause.errors)
    if exc.status_code == 400:
        return error_response(request, 400, "bad_request", _("The request body could not be read."))
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(request, 403, "forbidden", str(exc) or _("Your role does not allow this here."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("No such record."))
