"""A member of staff registers a security key and signs in with it, in Chromium, using the
browser's virtual authenticator (Chrome DevTools Protocol ``WebAuthn`` domain)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safeguard.accounts.models import WebAuthnCredential
from safeguard.accounts.roles import AgencyKind, Role
from tests import factories as f

pytestmark = pytest.mark.two_factor  # the production setting: a second factor is required


def _virtual_authenticator(page: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#username", "key.browser")
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")


def test_register_a_security_key_and_sign_in_with_it(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    team = f.team(f.agency("Testshire Probation", AgencyKind.PROBATION), "North")
    user = f.user(Role.PRACTITIONER, team, username="key.browser")
    cdp, authenticator = _virtual_authenticator(page)

    _sign_in(page, live_server.url)
    page.wait_for_selector("h1:has-text('Set up your authenticator app')")
    page.click("a:has-text('Use a security key instead')")
    page.wait_for_selector("h1:has-text('Register a security key')")
    page.fill("#name", "Virtual key")
    page.screenshot(path=str(artifacts_dir / "webauthn-register.png"), full_page=True)
    page.click("#register-security-key")
    page.wait_for_selector("h1:has-text('My caseload')")

    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(held) == 1
    stored = WebAuthnCredential.objects.get(user=user)
    assert stored.name == "Virtual key"
    assert stored.credential_id.rstrip("=") == held[0]["credentialId"].replace("+", "-").replace(
        "/", "_"
    ).rstrip("=")

    page.click("button:has-text('Sign out')")
    page.wait_for_selector("h1:has-text('Sign in')")
    _sign_in(page, live_server.url)
    page.wait_for_selector("h1:has-text('Use your security key')")
    page.goto(f"{live_server.url}/")  # the password alone opens nothing
    page.wait_for_selector("h1:has-text('Use your security key')")
    assert "/two-factor/security-key" in page.url
    page.screenshot(path=str(artifacts_dir / "webauthn-sign-in.png"), full_page=True)
    page.click("#use-security-key")
    page.wait_for_selector("h1:has-text('My caseload')")
    stored.refresh_from_db()
    assert stored.last_used_at is not None
