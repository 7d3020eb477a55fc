"""Security keys (WebAuthn) as a second factor: the registration and authentication ceremonies
accept a genuine authenticator and refuse a bad signature, a wrong or replayed challenge, a
foreign origin or relying party, a cloned key, and a key added by someone with the password only.

The authenticator here is a small software one (P-256, "none" attestation) built to the W3C
WebAuthn Level 2 formats; the browser test (tests/browser/test_webauthn.py) uses Chromium's own
virtual authenticator.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
import pyotp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from safeguard.accounts.models import TotpDevice, User, WebAuthnCredential
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

ORIGIN = "http://testserver"  # Django's test client: the request's own origin in development
RP_ID = "testserver"


@dataclass
class SoftKey:
    """A minimal WebAuthn authenticator: one P-256 credential, user presence and verification."""

    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    counter: int = 0

    def _cose_key(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict[str, Any], *, origin: str = ORIGIN, rp_id: str = RP_ID) -> str:
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([0x45])  # user present, user verified, attested credential data
            + struct.pack(">I", self.counter)
            + bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        key_id = bytes_to_base64url(self.credential_id)
        return json.dumps(
            {
                "id": key_id,
                "rawId": key_id,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["usb"],
                },
            }
        )

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str = ORIGIN,
        rp_id: str = RP_ID,
        tamper: bool = False,
        counter: int | None = None,
    ) -> str:
        self.counter = self.counter + 1 if counter is None else counter
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([0x05])
            + struct.pack(">I", self.counter)
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.private.sign(signed, ec.ECDSA(hashes.SHA256()))
        if tamper:  # another message's signature: valid DER, wrong content
            signature = self.private.sign(signed + b"x", ec.ECDSA(hashes.SHA256()))
        key_id = bytes_to_base64url(self.credential_id)
        return json.dumps(
            {
                "id": key_id,
                "rawId": key_id,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                },
            }
        )


def _options(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="webauthn-options" type="application/json">(.*?)</script>', html)
    assert found, "no WebAuthn options on the page"
    return dict(json.loads(found.group(1)))


@pytest.fixture
def user() -> User:
    return f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Probation", AgencyKind.PROBATION)))


def _password_only(user: User) -> Client:
    client = Client()
    response = client.post("/sign-in", {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def _register(client: Client, key: SoftKey, **kwargs: Any) -> Any:
    page = client.get("/two-factor/security-key/setup")
    assert page.status_code == 200
    return client.post(
        "/two-factor/security-key/setup",
        {"name": "Blue key", "credential": key.create(_options(page.content.decode()), **kwargs)},
    )


def _registered(user: User) -> SoftKey:
    key = SoftKey()
    response = _register(_password_only(user), key)
    assert response.status_code == 302, response.content.decode()
    return key


def _sign_in_with(user: User, key: SoftKey, **kwargs: Any) -> tuple[Client, Any]:
    client = _password_only(user)
    page = client.get("/two-factor", follow=True)
    assert page.redirect_chain[-1][0].startswith("/two-factor/security-key")
    response = client.post(
        "/two-factor/security-key",
        {"credential": key.get(_options(page.content.decode()), **kwargs), "next": "/"},
    )
    return client, response


def test_a_new_user_registers_a_key_and_signs_in_with_it(user: User) -> None:
    client = _password_only(user)
    assert client.get("/").status_code == 302  # password alone: sent to the second factor
    key = SoftKey()
    response = _register(client, key)
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # registering the first key verifies the session
    stored = WebAuthnCredential.objects.get(user=user)
    assert stored.credential_id == bytes_to_base64url(key.credential_id)
    assert AuditEntry.objects.filter(object_type="security_key").count() == 1
    again, response = _sign_in_with(user, key)
    assert response.status_code == 302 and response["Location"] == "/"
    assert again.get("/").status_code == 200
    assert again.get("/api/v1/me").status_code == 200
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_bad_signature_is_refused(user: User) -> None:
    key = _registered(user)
    client, response = _sign_in_with(user, key, tamper=True)
    assert response.status_code == 400
    assert "could not be checked" in response.content.decode()
    assert client.get("/").status_code == 302  # still not through


def test_a_key_from_someone_else_is_refused(user: User) -> None:
    _registered(user)
    impostor = SoftKey()  # never registered: its own id and key pair
    client, response = _sign_in_with(user, impostor)
    assert response.status_code == 400
    assert client.get("/").status_code == 302
    # Nor does a key registered to another user open this account.
    other = f.user(Role.PRACTITIONER, user.team)
    other_key = _registered(other)
    client, response = _sign_in_with(user, other_key)
    assert response.status_code == 400


def test_a_wrong_challenge_is_refused(user: User) -> None:
    key = _registered(user)
    client = _password_only(user)
    client.get("/two-factor/security-key")
    forged = {"challenge": bytes_to_base64url(os.urandom(32))}
    response = client.post("/two-factor/security-key", {"credential": key.get(forged)})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_an_answer_cannot_be_replayed(user: User) -> None:
    key = _registered(user)
    client = _password_only(user)
    page = client.get("/two-factor/security-key")
    answer = key.get(_options(page.content.decode()))
    assert client.post("/two-factor/security-key", {"credential": answer}).status_code == 302
    thief = _password_only(user)  # someone who saw the answer go by, with the password
    thief.get("/two-factor/security-key")
    assert thief.post("/two-factor/security-key", {"credential": answer}).status_code == 400
    assert thief.get("/").status_code == 302


def test_a_phishing_origin_or_relying_party_is_refused(user: User) -> None:
    key = _registered(user)
    _, response = _sign_in_with(user, key, origin="https://safeguard-login.example")
    assert response.status_code == 400
    _, response = _sign_in_with(user, key, rp_id="safeguard-login.example")
    assert response.status_code == 400
    # Registration checks the same.
    client = _password_only(f.user(Role.PRACTITIONER, user.team))
    response = _register(client, SoftKey(), origin="https://safeguard-login.example")
    assert response.status_code == 400
    assert not WebAuthnCredential.objects.exclude(user=user).exists()


def test_configured_origins_replace_the_request_origin(user: User, settings: Any) -> None:
    key = _registered(user)
    settings.WEBAUTHN_RP_ID = RP_ID
    settings.WEBAUTHN_ORIGINS = ["https://safeguard.example.org"]
    _, response = _sign_in_with(user, key)  # the browser says http://testserver
    assert response.status_code == 400
    _, response = _sign_in_with(user, key, origin="https://safeguard.example.org")
    assert response.status_code == 302


def test_a_cloned_key_shows_itself_by_its_counter(user: User) -> None:
    key = _registered(user)
    _, first = _sign_in_with(user, key, counter=5)
    assert first.status_code == 302
    _, clone = _sign_in_with(user, key, counter=3)  # a copy that has been used less
    assert clone.status_code == 400


def test_the_password_alone_cannot_add_a_key_to_an_account_with_a_factor(user: User) -> None:
    _registered(user)
    attacker = _password_only(user)
    page = attacker.get("/two-factor/security-key/setup")
    assert page.status_code == 302 and page["Location"].startswith("/two-factor?")
    assert (
        attacker.post(
            "/two-factor/security-key/setup", {"name": "Mine", "credential": "{}"}
        ).status_code
        == 302
    )
    assert WebAuthnCredential.objects.filter(user=user).count() == 1


def test_a_user_with_an_app_adds_a_key_after_giving_a_code(user: User) -> None:
    client = _password_only(user)
    client.get("/two-factor/setup")
    device = TotpDevice.objects.get(user=user)
    client.post("/two-factor/setup", {"code": pyotp.TOTP(device.secret).now()})
    assert client.get("/").status_code == 200
    assert _register(client, SoftKey()).status_code == 302
    # Next time the key is offered first, and the app stays available.
    page = _password_only(user).get("/two-factor", follow=True)
    assert page.redirect_chain[-1][0].startswith("/two-factor/security-key")
    assert "authenticator app instead" in page.content.decode()


def test_failed_keys_are_throttled(user: User) -> None:
    key = _registered(user)
    for _ in range(5):
        _sign_in_with(user, key, tamper=True)
    _, response = _sign_in_with(user, key)
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()


def test_the_stored_key_is_public_material_only(user: User) -> None:
    key = _registered(user)
    stored = WebAuthnCredential.objects.get(user=user)
    public = key.private.public_key().public_numbers()
    cose = cbor2.loads(base64url_to_bytes(stored.public_key))
    assert cose[-2] == public.x.to_bytes(32, "big")
    assert set(cose) == {1, 3, -1, -2, -3}  # no private scalar (-4)
