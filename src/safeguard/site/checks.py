"""System checks: refuse to run in production with demo secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

_DEMO_MARKERS = ("insecure-demo-key", "demo-checkpoint-key")


@register(Tags.security, deploy=True)
def production_secrets(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if any(m in settings.SECRET_KEY for m in _DEMO_MARKERS):
        errors.append(
            Error("SAFEGUARD_SECRET_KEY is the demo key", id="safeguard.E001", hint="Set it.")
        )
    key = str(settings.AUDIT_CHECKPOINT_KEY)
    if any(m in key for m in _DEMO_MARKERS) or key == settings.SECRET_KEY:
        errors.append(
            Error(
                "SAFEGUARD_AUDIT_CHECKPOINT_KEY is the demo key or equals the secret key",
                id="safeguard.E002",
                hint="Set a separate key.",
            )
        )
    from safeguard.site import crypto

    if crypto.keyring().is_demo:
        errors.append(
            Error(
                "field encryption uses the demo keys",
                id="safeguard.E004",
                hint="Set SAFEGUARD_FIELD_KEYS(_FILE) and SAFEGUARD_BLIND_INDEX_KEY.",
            )
        )
    if not settings.REQUIRE_TWO_FACTOR:
        errors.append(Error("two-factor sign-in is off", id="safeguard.E003"))
    return errors
