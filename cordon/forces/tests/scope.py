"""The forces' pages and endpoints that name a record, for tests/test_scope_everywhere.py: each answers
404 to the clerk of 小湾村 and to the commander of 南孟镇."""


def pages(world) -> dict:
    personnel = {"pk": world.guard_personnel.pk}
    team = {"pk": world.team.pk}
    membership = {"pk": world.membership.pk}
    return {
        "forces:personnel": ("get", personnel),
        "forces:personnel_assign": ("post", personnel),
        "forces:team": ("get", team),
        "forces:member_add": ("post", team),
        "forces:team_active": ("post", team),
        "forces:team_assign": ("post", team),
        "forces:member_remove": ("post", membership),
        "forces:team_leader": ("post", membership),
        "forces:assignment_cancel": ("post", {"pk": world.assignment.pk}),
        "forces:contribution_person": ("get", personnel),
        "forces:commend": ("post", personnel),
    }


def api_calls(world) -> dict:
    p = world.guard_personnel.pk
    t = world.team.pk
    a = world.assignment.pk
    base = "/api/v1/forces"
    return {
        ("get", f"{base}/personnel/{{personnel_id}}"): (f"{base}/personnel/{p}", None),
        ("patch", f"{base}/personnel/{{personnel_id}}"): (f"{base}/personnel/{p}", {"unit": "x"}),
        ("get", f"{base}/teams/{{team_id}}"): (f"{base}/teams/{t}", None),
        ("post", f"{base}/teams/{{team_id}}/members"): (
            f"{base}/teams/{t}/members",
            {"personnel": world.xw_personnel.pk},
        ),
        ("post", f"{base}/teams/{{team_id}}/members/{{personnel_id}}/remove"): (
            f"{base}/teams/{t}/members/{world.volunteer.pk}/remove",
            {},
        ),
        ("post", f"{base}/assignments/{{assignment_id}}/cancel"): (f"{base}/assignments/{a}/cancel", None),
        ("get", f"{base}/contribution/{{personnel_id}}"): (f"{base}/contribution/{p}", None),
        ("post", f"{base}/contribution/{{personnel_id}}/notes"): (
            f"{base}/contribution/{p}/notes",
            {"kind": "note", "text": "x"},
        ),
    }
