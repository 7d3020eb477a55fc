from django.apps import AppConfig


class RecallConfig(AppConfig):
    name = "safeguard.recall"
    label = "recall"
    verbose_name = "Breach and recall"
