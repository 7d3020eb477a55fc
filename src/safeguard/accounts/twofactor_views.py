"""Pages: enter a code, or set up an authenticator app the first time."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from safeguard.accounts import securitykeys, twofactor
from safeguard.site.policy import FIRST_FACTOR, access_policy


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


def _has_totp(user: Any) -> bool:
    device = twofactor.device_for(user)
    return device is not None and device.confirmed_at is not None


@access_policy(FIRST_FACTOR)
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    has_keys = bool(securitykeys.credentials_of(request.user))
    if not _has_totp(request.user):
        if has_keys:
            return redirect(f"/two-factor/security-key?next={quote(_next(request))}")
        return redirect(f"/two-factor/setup?next={_next(request)}")
    if has_keys and request.method == "GET" and request.GET.get("method") != "code":
        # A security key resists phishing: offer it first when the user has one.
        return redirect(f"/two-factor/security-key?next={quote(_next(request))}")
    errors: dict[str, str] = {}
    if request.method == "POST":
        error = twofactor.verify(request, request.POST.get("code", ""))
        if error is None:
            return redirect(_next(request))
        errors["code"] = error
    return render(
        request,
        "accounts/two_factor.html",
        {"errors": errors, "next": _next(request), "has_keys": has_keys},
        status=400 if errors else 200,
    )


@access_policy(FIRST_FACTOR)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = twofactor.device_for(request.user)
    if (device is not None and device.confirmed_at is not None) or securitykeys.credentials_of(
        request.user
    ):
        return redirect(f"/two-factor?next={_next(request)}")
    errors: dict[str, str] = {}
    if request.method == "POST" and device is not None:
        error = twofactor.verify(request, request.POST.get("code", ""))
        if error is None:
            return redirect(_next(request))
        errors["code"] = error
    else:
        device = twofactor.enrolment_start(request.user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "errors": errors,
            "next": _next(request),
            "secret": device.secret,
            "qr_svg": twofactor.provisioning_svg(request.user, device),
        },
        status=400 if errors else 200,
    )


@access_policy(FIRST_FACTOR)
@require_http_methods(["GET", "POST"])
def security_key(request: HttpRequest) -> HttpResponse:
    """Second factor with a registered security key (the authentication ceremony)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        error = securitykeys.authenticate(request, request.POST.get("credential", ""))
        if error is None:
            return redirect(_next(request))
        errors["use-security-key"] = error
    options = securitykeys.authentication_options(request)
    if options is None:
        return redirect(f"/two-factor?next={quote(_next(request))}")
    return render(
        request,
        "accounts/security_key.html",
        {
            "errors": errors,
            "next": _next(request),
            "options": json.loads(options),
            "has_totp": _has_totp(request.user),
        },
        status=400 if errors else 200,
    )


@access_policy(FIRST_FACTOR)
@require_http_methods(["GET", "POST"])
def security_key_setup(request: HttpRequest) -> HttpResponse:
    """Register a security key: the first factor of a new user, or another one once verified.

    Someone holding only the password must not add their own key to an account that already
    has a second factor, so such a session is sent to give its existing factor first.
    """
    user: Any = request.user
    has_factor = _has_totp(user) or bool(securitykeys.credentials_of(user))
    if has_factor and not twofactor.session_verified(request):
        return redirect(f"/two-factor?next={quote(request.get_full_path())}")
    errors: dict[str, str] = {}
    name = request.POST.get("name", "").strip()
    if request.method == "POST":
        if not name:
            errors["name"] = "Enter a name for the security key"
        else:
            error = securitykeys.register(request, request.POST.get("credential", ""), name)
            if error is None:
                return redirect(_next(request))
            errors["register-security-key"] = error
    options = securitykeys.registration_options(request)
    return render(
        request,
        "accounts/security_key_setup.html",
        {
            "errors": errors,
            "next": _next(request),
            "name": name,
            "options": json.loads(options),
            "keys": securitykeys.credentials_of(user),
        },
        status=400 if errors else 200,
    )
