from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "cordon.observation"
    label = "observation"
    verbose_name = _("Medical observation")

    def ready(self):
        from cordon.observation.receivers import open_periods_for_arrivals
        from cordon.people.signals import arrivals_recorded

        arrivals_recorded.connect(open_periods_for_arrivals, dispatch_uid="observation.open_periods")
