from __future__ import annotations

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "safeguard.alerts"
    label = "alerts"
    verbose_name = "Safeguarding alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The "chronology events recorded" listener registers itself on import.
        from safeguard.alerts import live, relink  # noqa: F401

        relink.connect()
