"""/api/v1/reports/: the daily report (日报) and the figures behind it."""

from ninja import Router

router = Router(tags=["reports"])
