from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "cordon.retention"
    verbose_name = "Retention"
