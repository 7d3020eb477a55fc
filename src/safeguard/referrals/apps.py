from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "safeguard.referrals"
    label = "referrals"
    verbose_name = "Concerns front door"
    default_auto_field = "django.db.models.BigAutoField"
