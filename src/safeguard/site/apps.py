from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "safeguard.site"
    label = "site"
    verbose_name = "Safeguard site"

    def ready(self) -> None:
        from safeguard.site import checks  # noqa: F401 - registers the system checks
        from safeguard.site.logging import install_record_factory

        install_record_factory()
