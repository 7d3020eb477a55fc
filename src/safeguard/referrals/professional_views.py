"""The professional referral page (signed-in staff of any agency)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from safeguard.referrals.services.professional import professional_concern_submit
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def refer_concern(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            concern = professional_concern_submit(actor=user, data=request.POST)
        except DomainError as exc:
            fields = exc.extra.get("fields")
            errors = dict(fields) if isinstance(fields, dict) else {"form": exc.message}
            values = {k: str(v) for k, v in request.POST.items()}
        else:
            return render(request, "referrals/referred.html", {"reference": concern.reference})
    return render(
        request,
        "referrals/refer.html",
        {"values": values, "errors": errors},
        status=400 if errors else 200,
    )
