from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LockdownsConfig(AppConfig):
    name = "cordon.lockdowns"
    label = "lockdowns"
    verbose_name = _("Sealed areas and exit passes")

    def ready(self):
        from cordon.lockdowns import checks  # noqa: F401 — registers the pass-signing key check
