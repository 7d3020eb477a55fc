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
    origins = list(getattr(settings, "WEBAUTHN_ORIGINS", []))
    if not getattr(settings, "WEBAUTHN_RP_ID", "") or not origins:
        errors.append(
            Error(
                "security keys have no relying-party id or origins",
                id="safeguard.E005",
                hint="Set SAFEGUARD_WEBAUTHN_RP_ID and SAFEGUARD_WEBAUTHN_ORIGINS.",
            )
        )
    elif any(not o.startswith("https://") for o in origins):
        errors.append(
            Error("a security-key origin is not https", id="safeguard.E006", hint="Use https.")
        )
    return errors


def durability_problems(connection: Any) -> list[str]:
    """What is off on a PostgreSQL server that must be on for an acknowledged write to survive
    a crash (security.md R4): fsync, synchronous_commit and full_page_writes."""
    if connection.vendor != "postgresql":
        return []
    problems = []
    with connection.cursor() as cursor:
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"SHOW {name}")  # a fixed name from the tuple above
            (value,) = cursor.fetchone()
            if str(value).lower() in ("off", "local"):
                problems.append(f"{name} is {value}")
    return problems


@register(Tags.database)
def database_durability(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[Error]:
    """Run by `safeguard migrate` and `check --database default`: refuse a non-durable server."""
    from django.db import connections

    errors: list[Error] = []
    for alias in databases or []:
        for problem in durability_problems(connections[alias]):
            errors.append(
                Error(
                    f"database {alias!r}: {problem}",
                    id="safeguard.E007",
                    hint="Acknowledged writes could be lost in a crash: turn it on.",
                )
            )
    return errors


@register()
def monitoring_evaluation(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A mistyped evaluation mode would refuse every feed batch (store_batch raises before its
    commit, so nothing is lost, but nothing is stored): say so at `check` and `migrate`
    instead (ADR 0112)."""
    mode = getattr(settings, "MONITORING_EVALUATION", "request")
    errors: list[Error] = []
    if mode not in ("request", "queue"):
        errors.append(
            Error(
                f"SAFEGUARD_MONITORING_EVALUATION is {mode!r}",
                id="safeguard.E008",
                hint='Use "request" (evaluate in the request) or "queue" (evaluator processes).',
            )
        )
    if int(getattr(settings, "MONITORING_EVALUATOR_SHARDS", 1)) < 1:
        errors.append(
            Error(
                "SAFEGUARD_MONITORING_EVALUATOR_SHARDS is below 1",
                id="safeguard.E008",
                hint="Use 1 or more, and run one `safeguard monitor evaluator` per shard.",
            )
        )
    return errors
