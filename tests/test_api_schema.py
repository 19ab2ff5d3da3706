"""The OpenAPI document says exactly what each operation takes and answers, proven by exercising the
whole document against the running code (Schemathesis) as the town's commander."""

import pydantic
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api

# A few examples per operation, valid and invalid, made the same way on every run: the whole document
# in well under a minute on two cores.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 3, "deterministic": True},
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)
# No 5xx, and every answer one the operation declares, in the declared shape and content type. (A
# valid-looking request may still be refused — an ID number's checksum, a record out of scope.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"), config=CONFIG)
schema.app = get_wsgi_application()


def _models(annotation, found):
    model = isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)
    if model and annotation not in found:
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found)
    for argument in getattr(annotation, "__args__", ()):
        _models(argument, found)


def test_no_two_schemas_share_a_component_name():
    document = api.get_openapi_schema(path_prefix="/api/v1")
    assert document.conflicts == []
    found = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *(operation.response_models or {}).values()]:
                    _models(model, found)
    by_name = {}
    for model in found:
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}


@pytest.fixture
def commander_token(world):
    """The commander's token, and the test's database connection kept across the calls: the app is
    called as WSGI, whose request signals would close a connection inside the test's transaction
    (Django's test client unhooks them the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    from cordon.accounts import services

    _token, secret = services.token_create(actor=world.commander, name="schemathesis")
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield secret
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_within_its_schema(case, commander_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {commander_token}"}, checks=CHECKS)


@pytest.mark.parametrize("body", ["true", "3", '"张三"', "null", "[]"])
def test_a_body_that_is_not_an_object_is_refused(world, api_client, body):
    client = api_client(world.commander)
    person = world.case_person
    response = client.patch(f"/api/v1/people/{person.pk}", body, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    assert response.json()["code"] in ("invalid_input", "bad_request")
    assert response.json()["message"]
