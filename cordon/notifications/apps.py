from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "cordon.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Register the outbox's delivery with the job worker's periodic duties.
        from cordon.notifications import delivery  # noqa: F401
