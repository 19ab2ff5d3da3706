from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "cordon.federation"
    verbose_name = "Federation"

    def ready(self):
        from cordon.federation import checks, jobs  # noqa: F401 — the key check, the push handler
