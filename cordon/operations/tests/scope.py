"""The operations pages and endpoints that name a record, for tests/test_scope_everywhere.py."""


def pages(world) -> dict:
    task = {"pk": world.disinfection.pk}
    notice = {"pk": world.notice.pk}
    rumour = {"pk": world.rumour.pk}
    return {
        "operations:task": ("get", task),
        "operations:round_record": ("post", task),
        "operations:round_photo": (
            "get",
            {"pk": world.disinfection.pk, "round_pk": world.disinfection_round.pk},
        ),
        "operations:from_case": ("get", {"case_pk": world.case.pk}),
        "operations:session": ("get", {"pk": world.counselling.pk}),
        "operations:notice": ("get", notice),
        "operations:notice_edit": ("get", notice),
        "operations:notice_publish": ("post", notice),
        "operations:notice_poster": ("get", notice),
        "operations:rumour": ("get", rumour),
        "operations:rumour_verify": ("post", rumour),
        "operations:rumour_rebut": ("post", rumour),
    }


def api_calls(world) -> dict:
    base = "/api/v1/operations"
    task = f"{base}/disinfection/tasks/{world.disinfection.pk}"
    notice = f"{base}/notices/{world.notice.pk}"
    rumour = f"{base}/rumours/{world.rumour.pk}"
    schedule = {
        "agent": "含氯消毒剂",
        "concentration": "500",
        "method": "spray",
        "area_m2": "100",
        "starts_on": "2020-02-10",
        "rounds": 1,
    }
    return {
        ("get", "/api/v1/operations/disinfection/tasks/{task_id}"): (task, None),
        ("post", "/api/v1/operations/disinfection/tasks/{task_id}/rounds"): (
            task + "/rounds",
            {"planned_on": world.disinfection.starts_on.isoformat()},
        ),
        ("post", "/api/v1/operations/disinfection/from-case/{case_id}"): (
            f"{base}/disinfection/from-case/{world.case.pk}",
            schedule,
        ),
        ("get", "/api/v1/operations/counselling/{session_id}"): (
            f"{base}/counselling/{world.counselling.pk}",
            None,
        ),
        ("get", "/api/v1/operations/notices/{notice_id}"): (notice, None),
        ("post", "/api/v1/operations/notices/{notice_id}/publish"): (notice + "/publish", None),
        ("get", "/api/v1/operations/rumours/{rumour_id}"): (rumour, None),
        ("post", "/api/v1/operations/rumours/{rumour_id}/verify"): (
            rumour + "/verify",
            {"verification": "false", "finding": "x"},
        ),
        ("post", "/api/v1/operations/rumours/{rumour_id}/rebut"): (
            rumour + "/rebut",
            {"title": "x", "body": "x", "channels": ["chat"]},
        ),
    }
