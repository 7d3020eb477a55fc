"""Second factor for staff: security keys and platform authenticators (WebAuthn, phishing
resistant), alongside TOTP.

The two ceremonies follow the W3C WebAuthn recommendation through the ``webauthn`` package:

* registration: the server issues a random challenge (kept in the session, used once), the
  browser asks the authenticator to create a key pair bound to the relying-party id, and the
  server checks the challenge, the origin, the relying-party id hash and user presence before
  storing the credential's public key;
* authentication: a fresh challenge, limited to the user's own credentials; the assertion's
  signature is checked with the stored public key, together with challenge, origin and
  relying-party id, and the signature counter must move forward (a cloned key is refused).

The relying-party id and the accepted origins come from settings (``SAFEGUARD_WEBAUTHN_RP_ID``,
``SAFEGUARD_WEBAUTHN_ORIGINS``); in development, when unset, the request's own host and origin
(Django has already checked the host against ALLOWED_HOSTS). ``check --deploy`` refuses
production without them. See docs/security.md, "Security keys (WebAuthn)".
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import webauthn
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from safeguard.accounts import twofactor
from safeguard.accounts.models import WebAuthnCredential
from safeguard.accounts.throttle import (
    client_address,
    second_factor_allowed,
    second_factor_failed,
    second_factor_succeeded,
)
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record

logger = logging.getLogger(__name__)

RP_NAME = "Safeguard"
REGISTER_KEY = "sg_webauthn_register"
AUTHENTICATE_KEY = "sg_webauthn_authenticate"
# A challenge older than this is refused even if the browser still answers it.
CHALLENGE_SECONDS = 5 * 60


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origins: list[str]


def relying_party(request: HttpRequest) -> RelyingParty:
    rp_id = str(getattr(settings, "WEBAUTHN_RP_ID", "") or "")
    origins = list(getattr(settings, "WEBAUTHN_ORIGINS", []) or [])
    host = request.get_host()  # validated against ALLOWED_HOSTS
    if not rp_id:
        rp_id = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    if not origins:
        origins = [f"{request.scheme}://{host}"]
    return RelyingParty(rp_id, origins)


def credentials_of(user: Any) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user).order_by("created_at"))


def _remember(request: HttpRequest, key: str, challenge: bytes) -> None:
    request.session[key] = {"challenge": bytes_to_base64url(challenge), "at": time.time()}


def _take(request: HttpRequest, key: str) -> bytes | None:
    """The pending challenge, removed from the session: each one is answered at most once."""
    pending = request.session.pop(key, None)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > CHALLENGE_SECONDS:
        return None
    return webauthn.base64url_to_bytes(str(pending["challenge"]))


def registration_options(request: HttpRequest) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge stays in the session."""
    user: Any = request.user
    party = relying_party(request)
    options = webauthn.generate_registration_options(
        rp_id=party.rp_id,
        rp_name=RP_NAME,
        user_name=user.get_username(),
        user_id=f"safeguard-user-{user.pk}".encode(),
        user_display_name=user.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=c.credential_id_bytes) for c in credentials_of(user)
        ],
    )
    _remember(request, REGISTER_KEY, options.challenge)
    return str(webauthn.options_to_json(options))


def register(request: HttpRequest, credential_json: str, name: str) -> str | None:
    """Verify the browser's answer and store the key; marks the session. Returns an error."""
    user: Any = request.user
    name = " ".join(name.split())[:100] or "Security key"
    challenge = _take(request, REGISTER_KEY)
    if challenge is None:
        return "The request to register a key has expired. Try again"
    party = relying_party(request)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential_json,
            expected_challenge=challenge,
            expected_rp_id=party.rp_id,
            expected_origin=party.origins,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        logger.info("security key registration refused: %s", type(exc).__name__)
        return "The security key could not be registered. Try again"
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        if WebAuthnCredential.objects.filter(credential_id=credential_id).exists():
            return "That security key is already registered"
        credential = WebAuthnCredential.objects.create(
            user=user,
            name=name,
            credential_id=credential_id,
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
        )
        audit_record(
            actor=user,
            action=AuditAction.COLLECTION,
            object_type="security_key",
            object_id=str(credential.pk),
            summary="registered a security key",
        )
    request.session[twofactor.SESSION_KEY] = time.time()
    return None


def authentication_options(request: HttpRequest) -> str | None:
    """Options for navigator.credentials.get() limited to the user's keys, or None if none."""
    keys = credentials_of(request.user)
    if not keys:
        return None
    options = webauthn.generate_authentication_options(
        rp_id=relying_party(request).rp_id,
        allow_credentials=[PublicKeyCredentialDescriptor(id=c.credential_id_bytes) for c in keys],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(request, AUTHENTICATE_KEY, options.challenge)
    return str(webauthn.options_to_json(options))


def authenticate(request: HttpRequest, credential_json: str) -> str | None:
    """Verify an assertion from one of the user's keys; on success mark the session."""
    user: Any = request.user
    address = client_address(request)
    if not second_factor_allowed(user.get_username(), address):
        return "Too many failed attempts. Wait 15 minutes, then try again"
    challenge = _take(request, AUTHENTICATE_KEY)
    if challenge is None:
        return "The request to use your key has expired. Try again"
    try:
        credential_id = str(json.loads(credential_json)["id"])
    except (ValueError, KeyError, TypeError):
        credential_id = ""
    party = relying_party(request)
    with transaction.atomic():
        stored = (
            WebAuthnCredential.objects.select_for_update()
            .filter(user=user, credential_id=credential_id)
            .first()
        )
        error = None
        if stored is None:
            error = "That security key is not registered to you"
        else:
            try:
                verified = webauthn.verify_authentication_response(
                    credential=credential_json,
                    expected_challenge=challenge,
                    expected_rp_id=party.rp_id,
                    expected_origin=party.origins,
                    credential_public_key=webauthn.base64url_to_bytes(stored.public_key),
                    credential_current_sign_count=stored.sign_count,
                )
            except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
                logger.info("security key sign-in refused: %s", type(exc).__name__)
                error = "Your security key could not be checked. Try again"
            else:
                stored.sign_count = verified.new_sign_count
                stored.last_used_at = timezone.now()
                stored.save(update_fields=["sign_count", "last_used_at"])
    if error is not None:
        second_factor_failed(user.get_username(), address)
        return error
    second_factor_succeeded(user.get_username(), address)
    request.session[twofactor.SESSION_KEY] = time.time()
    return None
