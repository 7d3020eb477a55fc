from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "safeguard.licences"
    label = "licences"
    verbose_name = "Licences"
