"""Sign-in and sign-out pages."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts import twofactor
from safeguard.accounts.throttle import (
    client_address,
    sign_in_allowed,
    sign_in_failed,
    sign_in_succeeded,
)
from safeguard.site.policy import PUBLIC, access_policy
from safeguard.site.security import session_started

logger = logging.getLogger(__name__)


@access_policy(PUBLIC)
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    username = ""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if not username:
            errors["username"] = "Enter your username"
        if not password:
            errors["password"] = "Enter your password"  # noqa: S105  # nosec B105 - a message
        address = client_address(request)
        if not errors and not sign_in_allowed(username, address):
            errors["username"] = (
                "Too many attempts to sign in. Wait 15 minutes, then try again, "
                "or ask your administrator to reset your password"
            )
            logger.warning("sign-in throttled")
        elif not errors:
            user = authenticate(request, username=username, password=password)
            if user is None or getattr(user, "is_service_account", False):
                sign_in_failed(username, address)
                errors["username"] = "Enter a correct username and password"
                logger.info("sign-in refused")
            else:
                sign_in_succeeded(username, address)
                login(request, user)
                session_started(request)
                logger.info("sign-in succeeded for user %s", user.pk)
                if twofactor.required():
                    return redirect(f"/two-factor?next={next_url}")
                return redirect(next_url)
    notice = ""
    if request.GET.get("timeout") and not errors:
        notice = "You were signed out because you were inactive, or had been signed in all day."
    status = 400 if errors and request.method == "POST" else 200
    return render(
        request,
        "accounts/sign_in.html",
        {"errors": errors, "username": username, "next": next_url, "notice": notice},
        status=status,
    )


@access_policy(PUBLIC)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("sign-in")
