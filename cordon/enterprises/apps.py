from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "cordon.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprise reopening")

    def ready(self):
        # The worker's hourly duty: findings past their deadline.
        from cordon.enterprises import jobs  # noqa: F401
