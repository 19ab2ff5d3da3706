from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cordon.reports"
    label = "reports"

    def ready(self):
        # The worker's hourly duty: reports past their deadline.
        from cordon.reports import jobs  # noqa: F401
