"""The daily report's pages and endpoints that name a record, for tests/test_scope_everywhere.py."""


def pages(world) -> dict:
    report = {"pk": world.daily_report.pk}
    return {f"reports:daily_{n}": ("post", report) for n in ("remarks", "send", "correct")}


def api_calls(world) -> dict:
    base = "/api/v1/reports/daily"
    pk = world.daily_report.pk
    return {
        ("get", f"{base}/{{report_id}}"): (f"{base}/{pk}", None),
        ("post", f"{base}/{{report_id}}/remarks"): (f"{base}/{pk}/remarks", {"remarks": "x"}),
        ("post", f"{base}/{{report_id}}/send"): (f"{base}/{pk}/send", None),
        ("post", f"{base}/{{report_id}}/correct"): (f"{base}/{pk}/correct", {"reason": "x"}),
    }
