from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColoursConfig(AppConfig):
    name = "cordon.colours"
    label = "colours"
    verbose_name = _("Status colours")
