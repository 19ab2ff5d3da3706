from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "cordon.operations"
    label = "operations"
    verbose_name = _("Field operations")

    def ready(self):
        from cordon.forces.signals import work_counted
        from cordon.operations.receivers import disinfection_rounds_done

        work_counted.connect(disinfection_rounds_done, dispatch_uid="operations.rounds")
        # The worker's hourly duty: disinfection rounds overdue.
        from cordon.operations import jobs  # noqa: F401
