"""A user's notifications, and the plan flag look-up for partner agencies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.safeguarding.forms import FormField, with_errors
from safeguard.safeguarding.notify import notifications_mark_read
from safeguard.safeguarding.selectors import child_flag_lookup, may_ask_for_flags
from safeguard.safeguarding.selectors.notifications import FLAG_REASONS, notifications_for
from safeguard.site.errors import NotFoundError
from safeguard.site.policy import STAFF, access_policy


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        which = request.POST.get("notification", "")
        ids = None if which == "all" else [int(which)] if which.isdigit() else []
        notifications_mark_read(actor=request.user, ids=ids)
        return redirect(reverse("notifications"))
    rows = notifications_for(user=request.user)
    return render(request, "safeguarding/notifications.html", {"rows": rows})


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def child_flag_view(request: HttpRequest) -> HttpResponse:
    """CP-IS style: is this child on a plan, and whom to call. Nothing else."""
    if not may_ask_for_flags(request.user):
        raise NotFoundError()
    errors: dict[str, str] = {}
    flag = None
    post = request.POST
    if request.method == "POST":
        number = "".join(ch for ch in post.get("nhs_number", "") if ch.isdigit())
        reason = post.get("reason", "")
        if len(number) != 10:
            errors["nhs_number"] = "Enter the child's 10-digit NHS number"
        if reason not in dict(FLAG_REASONS):
            errors["reason"] = "Say why you need to know"
        if not errors:
            flag = child_flag_lookup(
                user=request.user, nhs_number=number, reason=dict(FLAG_REASONS)[reason]
            )
    fields = [
        FormField("nhs_number", "NHS number", "text", post.get("nhs_number", ""), width="10"),
        FormField(
            "reason", "Why do you need to know?", "radios", post.get("reason", ""), FLAG_REASONS
        ),
    ]
    return render(
        request,
        "safeguarding/flag.html",
        {"fields": with_errors(fields, errors), "errors": errors, "flag": flag},
        status=400 if errors else 200,
    )
