"""Pages: ask for break-glass access; the privacy officer's review queue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.accounts.roles import Role
from safeguard.accounts.throttle import client_address
from safeguard.people.breakglass import (
    break_glass_open,
    break_glass_open_reviews,
    break_glass_review,
)
from safeguard.people.models import AccessGrant
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import STAFF, access_policy, roles


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, person_id: str) -> HttpResponse:
    errors: dict[str, str] = {}
    refusal = ""
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            break_glass_open(
                user=request.user,
                person_id=person_id,
                reason=reason,
                password=request.POST.get("password", ""),
                address=client_address(request),
            )
        except DomainError as exc:
            errors = dict(exc.extra.get("fields", {}))
            refusal = "" if errors else exc.message
        else:
            return redirect("person", person_id=person_id)
    return render(
        request,
        "people/break_glass.html",
        {"errors": errors, "refusal": refusal, "reason": reason, "person_id": person_id},
        status=400 if request.method == "POST" else 200,
    )


@access_policy(roles(Role.PRIVACY_OFFICER))
@require_http_methods(["GET"])
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request, "people/break_glass_reviews.html", {"grants": break_glass_open_reviews()}
    )


@access_policy(roles(Role.PRIVACY_OFFICER))
@require_POST
def break_glass_close(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = AccessGrant.objects.filter(pk=grant_id, break_glass=True).first()
    if grant is None:
        raise NotFoundError()
    try:
        break_glass_review(reviewer=request.user, grant=grant, note=request.POST.get("note", ""))
    except DomainError as exc:
        return render(
            request,
            "people/break_glass_reviews.html",
            {"grants": break_glass_open_reviews(), "errors": exc.extra.get("fields", {})},
            status=400,
        )
    return redirect("break-glass-reviews")
