from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "cordon.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self):
        # The worker's hourly duty: unchecked self-registrations lapse and are erased.
        from cordon.checkpoints import jobs  # noqa: F401
