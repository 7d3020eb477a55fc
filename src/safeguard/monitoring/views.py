"""Monitoring pages: the team's violation queue, a subject's timeline and map, and the forms
that acknowledge and close a violation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguard.monitoring.models import ViolationOutcome
from safeguard.monitoring.selectors import access_violation_by_id, subject_view, violation_queue
from safeguard.monitoring.services import violation_acknowledge, violation_close
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy


@access_policy(STAFF)
@require_GET
def violation_queue_page(request: HttpRequest) -> HttpResponse:
    include_closed = request.GET.get("closed") == "1"
    rows = violation_queue(request.user, include_closed=include_closed)
    return render(
        request, "monitoring/queue.html", {"rows": rows, "include_closed": include_closed}
    )


@access_policy(STAFF)
@require_GET
def subject_page(request: HttpRequest, person_id: str) -> HttpResponse:
    view = subject_view(request.user, person_id)
    return render(
        request,
        "monitoring/subject.html",
        {"view": view, "outcomes": ViolationOutcome.choices},
    )


@access_policy(STAFF)
@require_POST
def violation_acknowledge_page(request: HttpRequest, violation_id: int) -> HttpResponse:
    violation = access_violation_by_id(request.user, violation_id)
    try:
        violation_acknowledge(actor=request.user, violation=violation)
        messages.success(request, "Violation acknowledged")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("monitoring-subject", person_id=violation.subject)


@access_policy(STAFF)
@require_POST
def violation_close_page(request: HttpRequest, violation_id: int) -> HttpResponse:
    violation = access_violation_by_id(request.user, violation_id)
    try:
        violation_close(
            actor=request.user,
            violation=violation,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, "Violation closed")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("monitoring-subject", person_id=violation.subject)
