"""Two factors for staff: a password alone opens no protected route, page or API."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from safeguard.accounts.models import TotpDevice, User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.site.routes import all_routes
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]


@pytest.fixture
def user() -> User:
    return f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Probation", AgencyKind.PROBATION)))


def _password_only(user: object) -> Client:
    client = Client()
    response = client.post("/sign-in", {"username": user.username, "password": f.PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor")
    return client


def _concrete(path: str) -> str:
    """A URL for a route pattern, with any parameter filled in."""
    out = path
    for token in ("<str:person_id>", "<int:grant_id>", "{person_id}"):
        out = out.replace(token, "1")
    while "<" in out:
        start, end = out.index("<"), out.index(">")
        out = out[:start] + "1" + out[end + 1 :]
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + "1" + out[end + 1 :]
    return "/" + out


def test_every_protected_page_refuses_a_password_only_session(user: object) -> None:
    client = _password_only(user)
    checked = 0
    for route in all_routes():
        if (
            route.policy is None
            or not route.policy.signed_in
            or not route.policy.needs_second_factor
        ):
            continue
        url = _concrete(route.path)
        method = route.methods[0] if route.methods else "GET"
        response = client.generic(method, url)
        if route.kind == "api":
            assert response.status_code == 401, url  # the session does not authenticate
        elif not route.policy.allows(user):
            assert response.status_code == 404, url  # not their role at all
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/two-factor"), url
        checked += 1
    assert checked >= 5


def test_enrol_verify_and_no_replay(user: User) -> None:
    client = _password_only(user)
    setup = client.get("/two-factor", follow=True)
    assert setup.redirect_chain[-1][0].startswith("/two-factor/setup")
    assert "<svg" in setup.content.decode()
    device = TotpDevice.objects.get(user=user)
    code = pyotp.TOTP(device.secret).now()
    assert (
        client.post(
            "/two-factor/setup", {"code": "000000" if code != "000000" else "111111"}
        ).status_code
        == 400
    )
    response = client.post("/two-factor/setup", {"code": code, "next": "/"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    # A second sign-in cannot reuse the code just used.
    again = _password_only(user)
    assert again.post("/two-factor", {"code": code}).status_code == 400
    step_later = pyotp.TOTP(device.secret).at(time.time() + 30)
    assert again.post("/two-factor", {"code": step_later, "next": "/"}).status_code == 302
    assert again.get("/").status_code == 200


def test_wrong_codes_are_throttled(user: User) -> None:
    client = _password_only(user)
    client.get("/two-factor/setup")
    device = TotpDevice.objects.get(user=user)
    for _ in range(5):
        client.post(
            "/two-factor/setup",
            {"code": "123456" if pyotp.TOTP(device.secret).now() != "123456" else "654321"},
        )
    good = pyotp.TOTP(device.secret).now()
    response = client.post("/two-factor/setup", {"code": good})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()


def test_signing_in_again_gives_no_fresh_guesses_at_the_code(user: User) -> None:
    """The password's failures clear on a good password; the code's must not (else whoever
    has the password could guess codes for ever, five at a time)."""
    client = _password_only(user)
    client.get("/two-factor/setup")
    device = TotpDevice.objects.get(user=user)
    client.post("/two-factor/setup", {"code": pyotp.TOTP(device.secret).now()})
    wrong = "123456" if pyotp.TOTP(device.secret).now() != "123456" else "654321"
    for _ in range(5):
        _password_only(user).post("/two-factor", {"code": wrong})
    good = pyotp.TOTP(device.secret).at(time.time() + 30)
    response = _password_only(user).post("/two-factor", {"code": good})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
