"""Second factor for staff: TOTP codes from an authenticator app.

After the password, a session is "first factor only" until a code is verified; the access-policy
middleware sends such a session to the code page for every protected route, and the API's session
authentication refuses it. API tokens are separate credentials issued by an administrator.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from safeguard.accounts.models import TotpDevice
from safeguard.accounts.throttle import (
    client_address,
    second_factor_allowed,
    second_factor_failed,
    second_factor_succeeded,
)

SESSION_KEY = "sg_two_factor_at"
ISSUER = "Safeguard"


def required() -> bool:
    return bool(getattr(settings, "REQUIRE_TWO_FACTOR", True))


def session_verified(request: HttpRequest) -> bool:
    return not required() or bool(request.session.get(SESSION_KEY))


def device_for(user: Any) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def enrolment_start(user: Any) -> TotpDevice:
    """A new unconfirmed secret (replacing an unconfirmed one); a confirmed device is kept."""
    device = device_for(user)
    if device is not None and device.confirmed_at is not None:
        return device
    if device is None:
        device = TotpDevice(user=user)
    device.secret = pyotp.random_base32()
    device.save()
    return device


def provisioning_svg(user: Any, device: TotpDevice) -> str:
    uri = pyotp.TOTP(device.secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c"))


def _matching_step(device: TotpDevice, code: str, at: float) -> int | None:
    totp = pyotp.TOTP(device.secret)
    step_now = int(at // totp.interval)
    for step in (step_now - 1, step_now, step_now + 1):  # allow one step of clock drift
        if totp.at(step * totp.interval) == code:
            return step
    return None


def verify(request: HttpRequest, code: str) -> str | None:
    """Check a code for the signed-in user; on success mark the session. Returns an error."""
    user: Any = request.user
    address = client_address(request)
    code = code.strip().replace(" ", "")
    if not code:
        return "Enter the 6-digit code from your authenticator app"
    if not (code.isdigit() and len(code) == 6):
        return "The code must be 6 digits"
    if not second_factor_allowed(user.get_username(), address):
        return "Too many wrong codes. Wait 15 minutes, then try again"
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return "Set up your authenticator app first"
        step = _matching_step(device, code, time.time())
        if step is None or step <= device.last_step:
            second_factor_failed(user.get_username(), address)
            return "The code is not correct, or has been used. Enter the newest code"
        device.last_step = step
        if device.confirmed_at is None:
            device.confirmed_at = timezone.now()
        device.save(update_fields=["last_step", "confirmed_at"])
    second_factor_succeeded(user.get_username(), address)
    request.session[SESSION_KEY] = time.time()
    return None
