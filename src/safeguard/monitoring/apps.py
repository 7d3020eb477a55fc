from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "safeguard.monitoring"
    label = "monitoring"
    verbose_name = "Electronic monitoring"
