from __future__ import annotations

from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguard.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding children"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Listeners of "chronology events recorded" register themselves on import.
        from safeguard.safeguarding import notify  # noqa: F401
