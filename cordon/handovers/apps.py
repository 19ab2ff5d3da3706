from django.apps import AppConfig


class HandoversConfig(AppConfig):
    name = "cordon.handovers"
    verbose_name = "Hand-overs"
