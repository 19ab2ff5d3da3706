"""The enterprise pages and endpoints that name a record, for tests/test_scope_everywhere.py."""


def pages(world) -> dict:
    enterprise = {"pk": world.enterprise.pk}
    finding = {"pk": world.finding.pk}
    return {
        **{f"enterprises:{n}": ("get", enterprise) for n in ("detail", "edit", "apply", "inspect")},
        **{f"enterprises:{n}": ("post", enterprise) for n in ("suspend", "resume")},
        "enterprises:decide": ("post", {"pk": world.application.pk}),
        "enterprises:rectify": ("post", finding),
        "enterprises:photo": ("get", finding),
    }


def api_calls(world) -> dict:
    base = "/api/v1/enterprises"
    e, a, i, f = world.enterprise.pk, world.application.pk, world.inspection.pk, world.finding.pk
    checklist = {"answers": {}, "has_dormitory": False}
    return {
        ("get", f"{base}/{{enterprise_id}}"): (f"{base}/{e}", None),
        ("patch", f"{base}/{{enterprise_id}}"): (f"{base}/{e}", {"name": "x"}),
        ("post", f"{base}/{{enterprise_id}}/suspend"): (f"{base}/{e}/suspend", {"reason": "x"}),
        ("post", f"{base}/{{enterprise_id}}/applications"): (
            f"{base}/{e}/applications",
            {**checklist, "planned_on": "2020-02-24", "prevention_plan": "x"},
        ),
        ("post", f"{base}/applications/{{application_id}}/decide"): (
            f"{base}/applications/{a}/decide",
            {"decision": "approve"},
        ),
        ("post", f"{base}/{{enterprise_id}}/inspections"): (
            f"{base}/{e}/inspections",
            {**checklist, "inspected_on": "2020-02-26"},
        ),
        ("get", f"{base}/inspections/{{inspection_id}}"): (f"{base}/inspections/{i}", None),
        ("post", f"{base}/findings/{{finding_id}}/rectify"): (f"{base}/findings/{f}/rectify", {"note": "x"}),
    }
