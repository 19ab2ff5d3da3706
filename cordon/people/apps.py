from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "cordon.people"
    label = "people"
    verbose_name = _("People and arrivals")

    def ready(self):
        # Register the people registry's background job handlers (imports, large exports).
        from cordon.people import events, jobs  # noqa: F401
