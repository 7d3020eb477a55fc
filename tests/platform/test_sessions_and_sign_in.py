"""Session time-outs, cookie attributes, security headers and sign-in throttling."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.models import SignInFailure
from safeguard.accounts.roles import AgencyKind, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def practitioner() -> object:
    return f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Probation", AgencyKind.PROBATION)))


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(
        "/sign-in", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_idle_session_is_signed_out_after_15_minutes(practitioner: object) -> None:
    client = Client()
    assert _sign_in(client, practitioner.username, f.PASSWORD) == 302  # type: ignore[attr-defined]
    assert client.get("/").status_code == 200
    later = time.time() + 14 * 60
    with mock.patch("safeguard.site.security.time.time", return_value=later):
        assert client.get("/").status_code == 200  # 14 idle minutes: still signed in
    with mock.patch("safeguard.site.security.time.time", return_value=later + 16 * 60):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?timeout=1")
    assert client.get("/").status_code == 302  # the session is gone, not just refused once


def test_session_ends_after_12_hours_even_when_active(practitioner: object) -> None:
    client = Client()
    _sign_in(client, practitioner.username, f.PASSWORD)  # type: ignore[attr-defined]
    start = time.time()
    for minutes in range(10, 12 * 60, 10):  # active every 10 minutes all day
        with mock.patch("safeguard.site.security.time.time", return_value=start + minutes * 60):
            assert client.get("/").status_code == 200, minutes
    with mock.patch("safeguard.site.security.time.time", return_value=start + 12 * 3600 + 60):
        assert client.get("/").status_code == 302


def test_cookies_and_headers(practitioner: object) -> None:
    client = Client()
    response = client.post(
        "/sign-in",
        {"username": practitioner.username, "password": f.PASSWORD},  # type: ignore[attr-defined]
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    page = client.get("/")
    assert page["Cache-Control"] == "no-store"
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"


def test_password_guessing_is_throttled_even_with_the_right_password(practitioner: object) -> None:
    username = practitioner.username  # type: ignore[attr-defined]
    client = Client()
    for _ in range(5):
        assert _sign_in(client, username, "wrong-password-guess") == 400
    # The (limit + 1)th attempt is refused even with the right password.
    response = client.post(
        "/sign-in", {"username": username, "password": f.PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 400
    assert "Too many attempts" in response.content.decode()
    # The real user, signing in from elsewhere, is not locked out by the attacker.
    assert _sign_in(Client(), username, f.PASSWORD, address="192.0.2.50") == 302


def test_throttle_cools_off(practitioner: object) -> None:
    username = practitioner.username  # type: ignore[attr-defined]
    for _ in range(5):
        _sign_in(Client(), username, "wrong-password-guess")
    assert _sign_in(Client(), username, f.PASSWORD) == 400
    SignInFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _sign_in(Client(), username, f.PASSWORD) == 302
    assert SignInFailure.objects.count() == 0  # success clears the pair's failures


def test_refused_attempts_do_not_extend_the_lock(practitioner: object) -> None:
    username = practitioner.username  # type: ignore[attr-defined]
    for _ in range(5):
        _sign_in(Client(), username, "wrong-password-guess")
    for _ in range(20):  # an attacker keeps trying during the lock
        _sign_in(Client(), username, "wrong-password-guess")
    assert SignInFailure.objects.count() == 5
