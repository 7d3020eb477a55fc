"""Sign-in throttling that slows password guessing but cannot lock a victim out for good.

Failures are counted per (username, client address): after SIGN_IN_MAX_FAILURES within the
cool-off period, that pair is refused, even with the right password, until the period has passed
since the last counted failure. Refused attempts are not counted, so the lock always ends. An
attacker elsewhere cannot lock the real user out, because the real user signs in from another
address; a per-address ceiling stops one address from guessing across many usernames. ADR 0007.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from safeguard.accounts.models import SignInFailure


def _key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def sign_in_allowed(username: str, address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.SIGN_IN_COOL_OFF_SECONDS)
    recent = SignInFailure.objects.filter(at__gte=since, address=address)
    if recent.filter(username_key=_key(username)).count() >= settings.SIGN_IN_MAX_FAILURES:
        return False
    return recent.count() < settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS


def sign_in_failed(username: str, address: str | None) -> None:
    SignInFailure.objects.create(username_key=_key(username), address=address, at=timezone.now())
    # Keep the table small: nothing older than a day is needed.
    SignInFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def sign_in_succeeded(username: str, address: str | None) -> None:
    SignInFailure.objects.filter(username_key=_key(username), address=address).delete()


# Second-factor failures are counted under their own key, so that signing in again with the
# password (which clears the password's failures) does not give a fresh set of guesses at the
# code or key. They end with the cool-off, or when a second factor is accepted.
_SECOND_FACTOR = "second-factor:"


def second_factor_allowed(username: str, address: str | None) -> bool:
    return sign_in_allowed(_SECOND_FACTOR + username, address)


def second_factor_failed(username: str, address: str | None) -> None:
    sign_in_failed(_SECOND_FACTOR + username, address)


def second_factor_succeeded(username: str, address: str | None) -> None:
    sign_in_succeeded(_SECOND_FACTOR + username, address)
