"""Sign-in and sign-out pages."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.site.policy import PUBLIC, access_policy

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
            errors["password"] = "Enter your password"  # noqa: S105 - a message
        if not errors:
            user = authenticate(request, username=username, password=password)
            if user is None or getattr(user, "is_service_account", False):
                errors["username"] = "Enter a correct username and password"
                logger.info("sign-in refused")
            else:
                login(request, user)
                logger.info("sign-in succeeded for user %s", user.pk)
                return redirect(next_url)
    status = 400 if errors else 200
    return render(
        request,
        "accounts/sign_in.html",
        {"errors": errors, "username": username, "next": next_url},
        status=status,
    )


@access_policy(PUBLIC)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("sign-in")
