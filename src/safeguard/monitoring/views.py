"""Monitoring pages: the team's violation queue, a subject's timeline and map, and the forms
that acknowledge and close a violation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguard.monitoring.models import ViolationOutcome
from safeguard.monitoring.near import POLICE_SEARCH, NearQuery, NearResult, near_search
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


# (name, label, input type, hint) of the crime-matching form.
_NEAR_FIELDS = [
    ("at", "Time", "datetime-local", "UK local time, for example 2026-11-29T21:30"),
    ("lat", "Latitude", "text", "WGS84 decimal degrees, for example 53.0512"),
    ("lon", "Longitude", "text", "WGS84 decimal degrees, for example -1.4467"),
    ("radius_m", "Radius in metres", "text", "Up to 10000"),
    ("window_minutes", "Minutes either side of the time", "text", "Up to 1440"),
    ("reason", "Reason for the search", "text", "For example the crime reference"),
]


def _near_query(data: Any) -> tuple[NearQuery | None, dict[str, str]]:
    errors: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for name, label, _type, _hint in _NEAR_FIELDS[1:5]:
        try:
            numbers[name] = float(str(data.get(name, "")).strip())
        except ValueError:
            errors[name] = f"Enter the {label.lower()} as a number"
    at: datetime | None = None
    try:
        at = datetime.fromisoformat(str(data.get("at", "")).strip())
        if at.tzinfo is None:
            at = at.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    except ValueError:
        errors["at"] = "Enter the time, for example 2026-11-29T21:30"
    if errors or at is None:
        if not str(data.get("reason", "")).strip():
            errors["reason"] = "Give the reason for the search (for example the crime reference)"
        return None, errors
    query = NearQuery(
        at=at,
        lat=numbers["lat"],
        lon=numbers["lon"],
        radius_m=numbers["radius_m"],
        window_minutes=numbers["window_minutes"],
        reason=str(data.get("reason", "")),
    )
    return query, query.problems()


@access_policy(POLICE_SEARCH)
def near_page(request: HttpRequest) -> HttpResponse:
    """Crime matching for police staff: a search form (GET) and its audited answer (POST)."""
    errors: dict[str, str] = {}
    results: list[NearResult] | None = None
    data: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        query, errors = _near_query(request.POST)
        if query is not None and not errors:
            user: Any = request.user
            results = near_search(actor=user, query=query, recipients=[user.username])
    elif request.method != "GET":
        return HttpResponse(status=405)
    fields = [
        {
            "name": name,
            "label": label,
            "type": kind,
            "hint": hint,
            "value": data.get(name, ""),
            "error": errors.get(name, ""),
        }
        for name, label, kind, hint in _NEAR_FIELDS
    ]
    status = 400 if errors else 200
    return render(
        request,
        "monitoring/near.html",
        {"fields": fields, "errors": errors, "results": results},
        status=status,
    )
