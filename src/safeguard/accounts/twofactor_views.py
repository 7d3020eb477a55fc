"""Pages: enter a code, or set up an authenticator app the first time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from safeguard.accounts import twofactor
from safeguard.site.policy import FIRST_FACTOR, access_policy


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@access_policy(FIRST_FACTOR)
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    device = twofactor.device_for(request.user)
    if device is None or device.confirmed_at is None:
        return redirect(f"/two-factor/setup?next={_next(request)}")
    errors: dict[str, str] = {}
    if request.method == "POST":
        error = twofactor.verify(request, request.POST.get("code", ""))
        if error is None:
            return redirect(_next(request))
        errors["code"] = error
    return render(
        request,
        "accounts/two_factor.html",
        {"errors": errors, "next": _next(request)},
        status=400 if errors else 200,
    )


@access_policy(FIRST_FACTOR)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = twofactor.device_for(request.user)
    if device is not None and device.confirmed_at is not None:
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
