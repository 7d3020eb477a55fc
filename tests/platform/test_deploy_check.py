"""Production settings pass Django's deployment checks at WARNING level; demo secrets fail."""

from __future__ import annotations

import os
import subprocess
import sys

from safeguard.site import crypto


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Start from this environment without Safeguard's settings and without the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (which the deploy check rightly refuses).
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAFEGUARD_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    full.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=safeguard.site.settings",
        ],
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "SAFEGUARD_PRODUCTION": "true",
    "SAFEGUARD_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-9f8e7d6c5b4a",
    "SAFEGUARD_AUDIT_CHECKPOINT_KEY": "another-separate-checkpoint-signing-key-0a1b2c3d",
    "SAFEGUARD_ALLOWED_HOSTS": "safeguard.example.org",
    "SAFEGUARD_FIELD_KEYS": "prod1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
    "SAFEGUARD_BLIND_INDEX_KEY": "a-separate-blind-index-key-for-production-77",
    "SAFEGUARD_WEBAUTHN_RP_ID": "safeguard.example.org",
    "SAFEGUARD_WEBAUTHN_ORIGINS": "https://safeguard.example.org",
}


def test_production_settings_pass_check_deploy() -> None:
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_secrets_fail_check_deploy() -> None:
    result = _check(
        {**PRODUCTION, "SAFEGUARD_SECRET_KEY": ""}
        | {"SAFEGUARD_SECRET_KEY": "insecure-demo-key-x" + "0" * 40}
    )
    assert result.returncode != 0
    assert "safeguard.E001" in result.stdout + result.stderr
    demo_keys = _check(
        {**PRODUCTION, "SAFEGUARD_FIELD_KEYS": ""} | {"SAFEGUARD_FIELD_KEYS": crypto.DEMO_KEYRING}
    )
    assert "safeguard.E004" in demo_keys.stdout + demo_keys.stderr
    no_2fa = _check({**PRODUCTION, "SAFEGUARD_REQUIRE_TWO_FACTOR": "false"})
    assert "safeguard.E003" in no_2fa.stdout + no_2fa.stderr


def test_security_keys_need_a_configured_relying_party_in_production() -> None:
    unset = _check({**PRODUCTION, "SAFEGUARD_WEBAUTHN_RP_ID": ""})
    assert unset.returncode != 0
    assert "safeguard.E005" in unset.stdout + unset.stderr
    plain_http = _check(
        {**PRODUCTION, "SAFEGUARD_WEBAUTHN_ORIGINS": "http://safeguard.example.org"}
    )
    assert "safeguard.E006" in plain_http.stdout + plain_http.stderr


def test_a_mistyped_tag_feed_evaluation_mode_stops_the_server_starting() -> None:
    queued = _check({**PRODUCTION, "SAFEGUARD_MONITORING_EVALUATION": "queue"})
    assert queued.returncode == 0, queued.stdout + queued.stderr
    typo = _check({**PRODUCTION, "SAFEGUARD_MONITORING_EVALUATION": "queued"})
    assert typo.returncode != 0
    assert "safeguard.E008" in typo.stdout + typo.stderr
