from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "safeguard.site"
    label = "site"
    verbose_name = "Safeguard site"
