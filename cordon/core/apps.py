from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cordon.core"
    label = "core"
