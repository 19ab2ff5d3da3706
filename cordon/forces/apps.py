from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForcesConfig(AppConfig):
    name = "cordon.forces"
    label = "forces"
    verbose_name = _("Forces: personnel and teams")
