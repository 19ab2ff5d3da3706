from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "cordon.federation"
    verbose_name = "Federation"

    def ready(self):
        from cordon.federation import jobs  # noqa: F401 — registers the push handler
