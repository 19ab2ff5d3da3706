"""Access in one place, checked everywhere.

Every model that carries an area is read only through the scope; every page and every API endpoint
that names a record answers a 404 to the clerk of another village and to the commander of another
town. A new model, page or endpoint that is not listed here makes these tests fail until it is.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cordon.accounts import services
from cordon.accounts.models import Area, RoleAssignment
from cordon.core import jobs
from cordon.core.scope import AreaScopedQuerySet, prefixes_q

ROOT = Path(__file__).resolve().parent.parent


def area_scoped_models():
    for model in apps.get_models():
        if model is Area:
            yield model, "code"
            continue
        try:
            field = model._meta.get_field("area")
        except Exception:  # noqa: S112 — the model has no area
            continue
        if getattr(field, "related_model", None) is Area:
            yield model, field.attname


def test_every_model_with_an_area_has_a_scoped_default_manager():
    found = list(area_scoped_models())
    assert {m.__name__ for m, _ in found} >= {"Area", "User", "RoleAssignment", "Checkpoint", "AuditEntry"}
    for model, column in found:
        queryset = model._default_manager.all()
        assert isinstance(queryset, AreaScopedQuerySet), f"{model.__name__} is not read through the scope"
        assert queryset.scope_field == column, (
            f"{model.__name__} scopes on {queryset.scope_field}, not {column}"
        )


def test_every_scoped_model_hides_rows_outside_the_users_areas(world):
    prefix = world.xw.prefix
    for model, column in area_scoped_models():
        rows = model._default_manager.visible_to(world.other_clerk).values_list(column, flat=True)
        outside = [code for code in rows if code is None or not code.startswith(prefix)]
        assert not outside, f"{model.__name__} shows {outside} to the clerk of 小湾村"
        assert model._default_manager.exclude(prefixes_q(column, [prefix])).exists(), (
            f"the world has no {model.__name__} outside 小湾村, so this test proves nothing for it"
        )


SCOPED_NAMES = {m.__name__ for m, _ in area_scoped_models()} | {"ApiToken"}


def _views_and_api_modules():
    return sorted(
        p for p in (ROOT / "cordon").rglob("*.py") if p.name.startswith("views") or p.name == "api.py"
    )


def test_views_and_api_never_read_a_scoped_model_around_the_scope():
    """``Model.objects.<anything but visible_to>`` in a view or an endpoint is a read around the scope."""
    offences = []
    for path in _views_and_api_modules():
        tree = ast.parse(path.read_text())
        passed_to_scope = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "get_visible_or_404":
                for arg in ast.walk(node.args[0]) if node.args else []:
                    passed_to_scope.add(id(arg))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "objects"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id in SCOPED_NAMES
                and node.attr != "visible_to"
                and id(node) not in passed_to_scope
            ):
                offences.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.value.value.id}.objects.{node.attr}"
                )
    assert not offences, "reads around the scope:\n" + "\n".join(offences)


# --- Every page and endpoint that names a record ------------------------------------------------------


def _pages(world):
    token, _secret = services.token_create(actor=world.commander, name="commander's")
    role = RoleAssignment.objects.get(user=world.clerk)
    clerk = {"pk": world.clerk.pk}
    yin = {"pk": world.yin.pk}
    job = {
        "pk": jobs.enqueue(
            kind="people.import",
            area=world.sjf,
            actor=world.clerk,
            params={"dry_run": True, "stored_file": "", "filename": "x.xlsx"},
        ).pk
    }
    export = {"pk": jobs.enqueue(kind="people.export", area=world.sjf, actor=world.clerk, params={}).pk}
    period = {"pk": world.yin_period.pk}
    lab = {"pk": _lab_job(world)}
    return {
        "accounts:area_detail": ("get", {"code": world.sjf.code}),
        "accounts:token_revoke": ("post", {"pk": token.pk}),
        "accounts:user_detail": ("get", clerk),
        "accounts:user_edit": ("get", clerk),
        "accounts:user_disable": ("post", clerk),
        "accounts:user_enable": ("post", clerk),
        "accounts:user_reset_password": ("post", clerk),
        "accounts:user_unlock": ("post", clerk),
        "accounts:role_add": ("post", clerk),
        "accounts:role_remove": ("post", {"pk": world.clerk.pk, "role_pk": role.pk}),
        "checkpoints:detail": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:edit": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:gate": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:gate_check": ("post", {"pk": world.sjf_gate.pk}),
        "checkpoints:gate_batch": ("post", {"pk": world.sjf_gate.pk}),
        "checkpoints:gate_flags": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:visit_qr": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:visit_dismiss": ("post", {"pk": world.sjf_gate.pk, "visit": world.self_registration.pk}),
        "checkpoints:passages": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:roster": ("get", {"pk": world.sjf_gate.pk}),
        "checkpoints:shift_delete": ("post", {"pk": world.shift.pk}),
        "lockdowns:lift": ("post", {"pk": world.lockdown.pk}),
        "lockdowns:detail": ("get", {"pk": world.lockdown.pk}),
        **{
            f"lockdowns:{n}": ("post", {"pk": world.lockdown.pk}) for n in ("supply", "rotation", "rebalance")
        },
        **{f"lockdowns:{n}": ("get", {"pk": world.exit_pass.pk}) for n in ("pass", "card")},
        **{f"lockdowns:{n}": ("post", {"pk": world.exit_pass.pk}) for n in ("decide", "revoke")},
        "lockdowns:gate_pass": ("get", {"pk": world.sjf_gate.pk}),
        "lockdowns:gate_revoked": ("get", {"pk": world.sjf_gate.pk}),
        "people:detail": ("get", yin),
        "people:edit": ("get", yin),
        "people:household": ("post", yin),
        "people:merge": ("post", yin),
        "people:reclassify": ("post", {"pk": world.yin.arrivals.get().pk}),
        "people:import_job": ("get", job),
        "people:import_progress": ("get", job),
        "people:import_mapping": ("post", job),
        "people:import_commit": ("post", job),
        "people:import_rejected": ("get", job),
        "people:export_job": ("get", export),
        "people:export_download": ("get", export),
        "observation:open": ("post", {"person_pk": world.yin.pk}),
        **{f"observation:{name}": ("get", period) for name in ("period", "notice")},
        **{
            f"observation:{name}": ("post", period)
            for name in (
                "check",
                "set_end",
                "transfer",
                "close",
                "complete",
                "waive_tests",
                "replan_one",
                "test_record",
                "link_create",
                "assign",
                "reminder",
            )
        },
        **{f"observation:{name}": ("get", lab) for name in ("lab_job", "lab_progress", "lab_rejected")},
        "observation:lab_commit": ("post", lab),
        "observation:test_result": ("post", {"pk": world.yin_period.tests.get().pk}),
        "observation:alert_close": ("post", {"pk": world.yin_period.alerts.get().pk}),
        "observation:link_revoke": ("post", {"pk": world.yin_period.links.get().pk}),
        **{
            f"cases:{name}": ("get", {"pk": world.case.pk})
            for name in ("detail", "contacts_add", "chain", "chain_json")
        },
        **{f"cases:{name}": ("post", {"pk": world.case.pk}) for name in ("classify", "update", "identify")},
        **{
            f"cases:{name}": ("post", {"pk": world.contact.pk})
            for name in ("to_case", "contact_remove", "place")
        },
        **{f"cases:{name}": ("get", {"pk": world.site.pk}) for name in ("site", "site_edit")},
        **{f"cases:{name}": ("post", {"pk": world.placement.pk}) for name in ("release", "placement_end")},
        **_field_apps_listed("pages", world),
        "notifications:retry": ("post", {"pk": world.sjf_message.pk}),
        **{
            f"notifications:{n}": ("post", {"pk": world.sjf_group.pk}) for n in ("group_test", "group_enable")
        },
    }


def _lab_job(world) -> int:
    """A finished lab-results preview of 四间房村 (its pages and endpoints name it)."""
    from cordon.core.models import Job
    from cordon.observation.jobs import LAB_JOB

    job = jobs.enqueue(
        kind=LAB_JOB,
        area=world.sjf,
        actor=world.health,
        params={"dry_run": True, "stored_file": "", "filename": "lab.xlsx"},
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result={"created": 1})
    return job.pk


def _field_apps_listed(kind: str, world) -> dict:
    """The field apps list their own pages and endpoints in ``<app>/tests/scope.py``."""
    from cordon.enterprises.tests import scope as enterprises
    from cordon.federation.tests import scope as federation
    from cordon.forces.tests import scope as forces
    from cordon.handovers.tests import scope as handovers
    from cordon.operations.tests import scope as operations
    from cordon.reports.tests import scope as reports
    from cordon.stock.tests import scope as stock

    listed = {}
    for module in (forces, operations, enterprises, reports, handovers, stock, federation):
        listed.update(getattr(module, kind)(world))
    return listed


def _named_patterns_with_parameters(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner.startswith("api"):
                continue  # the API is walked through its OpenAPI document below
            yield from _named_patterns_with_parameters(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.pattern.converters:
            yield f"{namespace}{pattern.name}"


# Pages whose key is a secret in the path rather than a login: they answer the same "no longer works"
# page to a wrong secret as to a revoked one (tested with them), and nothing to anyone else.
OPEN_BY_SECRET = {"self_report", "self_report_stop", "visit"}


def test_every_page_that_names_a_record_is_listed(world):
    assert set(_named_patterns_with_parameters()) - OPEN_BY_SECRET == set(_pages(world))


@pytest.mark.parametrize("outsider", ["other_clerk", "neighbour"])
def test_every_page_answers_404_to_an_outsider(world, client, outsider):
    client.force_login(getattr(world, outsider))
    for name, (method, kwargs) in _pages(world).items():
        response = getattr(client, method)(reverse(name, kwargs=kwargs))
        assert response.status_code == 404, f"{name} answered {response.status_code} to {outsider}"
    # and nothing changed
    world.clerk.refresh_from_db()
    assert world.clerk.is_active and RoleAssignment.objects.filter(user=world.clerk).exists()


def _api_calls(world):
    token, _secret = services.token_create(actor=world.commander, name="commander's")
    role = RoleAssignment.objects.get(user=world.clerk)
    u = world.clerk.pk
    p = world.yin.pk
    job = jobs.enqueue(
        kind="people.import",
        area=world.sjf,
        actor=world.clerk,
        params={"dry_run": True, "stored_file": "", "filename": "x.xlsx"},
    ).pk
    return {
        ("get", "/api/v1/accounts/areas/{code}"): (f"/api/v1/accounts/areas/{world.sjf.code}", None),
        ("get", "/api/v1/accounts/users/{user_id}"): (f"/api/v1/accounts/users/{u}", None),
        ("patch", "/api/v1/accounts/users/{user_id}"): (f"/api/v1/accounts/users/{u}", {"full_name": "x"}),
        ("post", "/api/v1/accounts/users/{user_id}/disable"): (f"/api/v1/accounts/users/{u}/disable", {}),
        ("post", "/api/v1/accounts/users/{user_id}/enable"): (f"/api/v1/accounts/users/{u}/enable", None),
        ("post", "/api/v1/accounts/users/{user_id}/reset-password"): (
            f"/api/v1/accounts/users/{u}/reset-password",
            None,
        ),
        ("post", "/api/v1/accounts/users/{user_id}/unlock"): (f"/api/v1/accounts/users/{u}/unlock", None),
        ("post", "/api/v1/accounts/users/{user_id}/roles"): (
            f"/api/v1/accounts/users/{u}/roles",
            {"role": "viewer", "area": world.sjf.code},
        ),
        ("delete", "/api/v1/accounts/users/{user_id}/roles/{role_id}"): (
            f"/api/v1/accounts/users/{u}/roles/{role.pk}",
            None,
        ),
        ("delete", "/api/v1/accounts/tokens/{token_id}"): (f"/api/v1/accounts/tokens/{token.pk}", None),
        ("get", "/api/v1/colours/people/{person_id}"): (f"/api/v1/colours/people/{p}", None),
        ("get", "/api/v1/colours/rules/{area}"): (f"/api/v1/colours/rules/{world.town.code}", None),
        ("put", "/api/v1/colours/rules/{area}"): (f"/api/v1/colours/rules/{world.town.code}", {"rules": {}}),
        ("get", "/api/v1/retention/{area}"): (f"/api/v1/retention/{world.town.code}", None),
        ("put", "/api/v1/retention/{area}/periods/{kind}"): (
            f"/api/v1/retention/{world.town.code}/periods/passages",
            {"days": 60},
        ),
        ("post", "/api/v1/retention/{area}/runs"): (
            f"/api/v1/retention/{world.town.code}/runs",
            {"key": "k"},
        ),
        ("get", "/api/v1/retention/{area}/history"): (f"/api/v1/retention/{world.town.code}/history", None),
        ("get", "/api/v1/checkpoints/{checkpoint_id}"): (f"/api/v1/checkpoints/{world.sjf_gate.pk}", None),
        ("patch", "/api/v1/checkpoints/{checkpoint_id}"): (
            f"/api/v1/checkpoints/{world.sjf_gate.pk}",
            {"name": "x"},
        ),
        ("get", "/api/v1/people/{person_id}"): (f"/api/v1/people/{p}", None),
        ("patch", "/api/v1/people/{person_id}"): (
            f"/api/v1/people/{p}",
            {"name": "x", "area": world.sjf.code},
        ),
        ("get", "/api/v1/people/{person_id}/arrivals"): (f"/api/v1/people/{p}/arrivals", None),
        ("post", "/api/v1/people/{person_id}/arrivals"): (
            f"/api/v1/people/{p}/arrivals",
            {"origin_text": "北京", "arrival_date": "2020-02-01"},
        ),
        ("get", "/api/v1/people/imports/{job_id}"): (f"/api/v1/people/imports/{job}", None),
        ("post", "/api/v1/people/imports/{job_id}/commit"): (f"/api/v1/people/imports/{job}/commit", None),
        ("get", "/api/v1/people/imports/{job_id}/rejected.xlsx"): (
            f"/api/v1/people/imports/{job}/rejected.xlsx",
            None,
        ),
        **_observation_calls(world),
        **_cases_calls(world),
        **_passage_calls(world),
        **_lockdown_calls(world),
        **_field_apps_listed("api_calls", world),
    }


def _lockdown_calls(world):
    base = f"/api/v1/lockdowns/passes/{world.exit_pass.pk}"
    lockdown = f"/api/v1/lockdowns/{world.lockdown.pk}"
    return {
        ("post", "/api/v1/lockdowns/{lockdown_id}/lift"): (f"/api/v1/lockdowns/{world.lockdown.pk}/lift", {}),
        ("get", "/api/v1/lockdowns/passes/{pass_id}"): (base, None),
        ("post", "/api/v1/lockdowns/passes/{pass_id}/decide"): (base + "/decide", {"approve": True}),
        ("post", "/api/v1/lockdowns/passes/{pass_id}/revoke"): (base + "/revoke", {"reason": "x"}),
        ("get", "/api/v1/lockdowns/passes/{pass_id}/token"): (base + "/token", None),
        ("get", "/api/v1/lockdowns/{lockdown_id}/supplies"): (f"{lockdown}/supplies", None),
        ("post", "/api/v1/lockdowns/{lockdown_id}/supplies"): (
            f"{lockdown}/supplies",
            {
                "kind": "grain",
                "description": "x",
                "quantity": "1",
                "unit": "袋",
                "supplier": "x",
                "received_by": "x",
            },
        ),
        ("get", "/api/v1/lockdowns/{lockdown_id}/rotation"): (f"{lockdown}/rotation", None),
        ("post", "/api/v1/lockdowns/{lockdown_id}/rotation"): (f"{lockdown}/rotation", {}),
        ("post", "/api/v1/lockdowns/{lockdown_id}/rotation/rebalance"): (
            f"{lockdown}/rotation/rebalance",
            {},
        ),
        ("post", "/api/v1/lockdowns/passes/{pass_id}/use"): (
            base + "/use",
            {"checkpoint": world.sjf_gate.pk, "direction": "out"},
        ),
    }


def _passage_calls(world):
    base = f"/api/v1/checkpoints/{world.sjf_gate.pk}"
    entry = {"client_id": "outsider-1", "direction": "in", "name": "x", "decision": "allowed"}
    return {
        ("post", "/api/v1/checkpoints/{checkpoint_id}/check"): (base + "/check", {"document_number": "x"}),
        ("post", "/api/v1/checkpoints/{checkpoint_id}/passages"): (base + "/passages", entry),
        ("get", "/api/v1/checkpoints/{checkpoint_id}/passages"): (base + "/passages", None),
        ("get", "/api/v1/checkpoints/{checkpoint_id}/flags"): (base + "/flags", None),
        ("get", "/api/v1/checkpoints/{checkpoint_id}/self-registrations"): (
            base + "/self-registrations",
            None,
        ),
        ("post", "/api/v1/checkpoints/{checkpoint_id}/self-registrations/{registration_id}/dismiss"): (
            f"{base}/self-registrations/{world.self_registration.pk}/dismiss",
            None,
        ),
        ("post", "/api/v1/checkpoints/{checkpoint_id}/passages/batch"): (base + "/passages/batch", [entry]),
    }


def _cases_calls(world):
    case = f"/api/v1/cases/cases/{world.case.pk}"
    stay = f"/api/v1/cases/placements/{world.placement.pk}"
    return {
        ("get", "/api/v1/cases/cases/{case_id}"): (case, None),
        ("patch", "/api/v1/cases/cases/{case_id}"): (case, {"hospital": "x"}),
        ("post", "/api/v1/cases/cases/{case_id}/classify"): (
            case + "/classify",
            {"classification": "excluded", "on": "2020-02-10"},
        ),
        ("post", "/api/v1/cases/cases/{case_id}/identify"): (case + "/identify", {"person": world.zhou.pk}),
        ("get", "/api/v1/cases/cases/{case_id}/contacts"): (case + "/contacts", None),
        ("post", "/api/v1/cases/cases/{case_id}/contacts"): (
            case + "/contacts",
            {"people": [{"person": world.zhou.pk}], "setting": "meal", "last_exposure": "2020-02-08"},
        ),
        ("get", "/api/v1/cases/cases/{case_id}/chain"): (case + "/chain", None),
        ("post", "/api/v1/cases/contacts/{contact_id}/case"): (
            f"/api/v1/cases/contacts/{world.contact.pk}/case",
            {"classification": "suspected"},
        ),
        ("get", "/api/v1/cases/sites/{site_id}/occupancy"): (
            f"/api/v1/cases/sites/{world.site.pk}/occupancy",
            None,
        ),
        ("post", "/api/v1/cases/placements/{placement_id}/release"): (
            stay + "/release",
            {"released_on": "2020-02-22"},
        ),
        ("post", "/api/v1/cases/placements/{placement_id}/end"): (
            stay + "/end",
            {"outcome": "hospital", "ended_on": "2020-02-22", "note": "x"},
        ),
    }


def _observation_calls(world):
    period = world.yin_period.pk
    base = "/api/v1/observation/periods/{period_id}"
    bodies = {
        "": ("get", None),
        "/end": ("post", {"planned_end": "2020-02-20", "reason": "x"}),
        "/transfer": ("post", {"mode": "home", "reason": "x"}),
        "/close": ("post", {"outcome": "other", "note": "x"}),
        "/complete": ("post", None),
        "/waive-tests": ("post", {"reason": "x"}),
        "/replan": ("post", {"reason": "x"}),
        "/checks": ("post", {"temperature": "36.5"}),
        "/tests": ("post", {"sample_date": "2020-01-28"}),
        "/links": ("post", None),
        "/assign": ("post", {"worker": None}),
        "/reminder": ("put", {"enabled": False}),
    }
    calls = {
        (method, base + suffix): (base.replace("{period_id}", str(period)) + suffix, body)
        for suffix, (method, body) in bodies.items()
    }
    for suffix in ("/replan", "/checks", "/tests", "/reminder"):
        calls[("get", base + suffix)] = (base.replace("{period_id}", str(period)) + suffix, None)
    test = world.yin_period.tests.get().pk
    alert = world.yin_period.alerts.get().pk
    link = world.yin_period.links.get().pk
    calls[("patch", "/api/v1/observation/tests/{test_id}")] = (
        f"/api/v1/observation/tests/{test}",
        {"result": "positive"},
    )
    calls[("post", "/api/v1/observation/alerts/{alert_id}/close")] = (
        f"/api/v1/observation/alerts/{alert}/close",
        {"outcome": "referred"},
    )
    calls[("delete", "/api/v1/observation/links/{link_id}")] = (f"/api/v1/observation/links/{link}", None)
    lab = f"/api/v1/observation/lab-results/{_lab_job(world)}"
    calls[("get", "/api/v1/observation/lab-results/{job_id}")] = (lab, None)
    calls[("post", "/api/v1/observation/lab-results/{job_id}/import")] = (lab + "/import", None)
    group = f"/api/v1/notifications/wecom-groups/{world.sjf_group.pk}"
    calls[("post", "/api/v1/notifications/wecom-groups/{group_id}/test")] = (group + "/test", None)
    calls[("post", "/api/v1/notifications/wecom-groups/{group_id}/enabled")] = (
        group + "/enabled",
        {"enabled": True},
    )
    return calls


def test_every_endpoint_that_names_a_record_is_listed(world, client):
    client.force_login(world.commander)
    document = client.get("/api/v1/openapi.json").json()
    with_parameters = {
        (method, path)
        for path, operations in document["paths"].items()
        if "{" in path
        for method in operations
    }
    assert with_parameters == set(_api_calls(world))


@pytest.mark.parametrize("outsider", ["other_clerk", "neighbour"])
def test_every_endpoint_answers_404_to_an_outsider(world, api_client, outsider):
    client = api_client(getattr(world, outsider))
    for (method, _path), (url, body) in _api_calls(world).items():
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 404, f"{method} {url} answered {response.status_code} to {outsider}"
        assert response.json()["code"] == "not_found"
