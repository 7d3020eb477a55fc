"""Alert pages: the queue (mine, my team's, all I may see), one alert with its explanation,
evidence, guidance and decision form, and the fairness report. Forms work without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts.roles import Role
from safeguard.alerts.fairness import fairness_report
from safeguard.alerts.models import AlertDecision
from safeguard.alerts.selectors import SCOPES, access_alert_by_id, alert_view, queue_page
from safeguard.alerts.services import alert_acknowledge, alert_close, alert_reopen
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy, roles

OVERSIGHT = roles(Role.PRIVACY_OFFICER, Role.MANAGER, name="alerts-oversight")


def _errors(exc: DomainError) -> dict[str, str]:
    fields = exc.extra.get("fields")
    if isinstance(fields, dict) and fields:
        return {str(k): str(v) for k, v in fields.items()}
    return {"decision": exc.message}


@access_policy(STAFF)
@require_GET
def alert_queue_page(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "mine")
    if scope not in SCOPES:
        scope = "mine"
    include_closed = request.GET.get("closed") == "1"
    rows = queue_page(request.user, scope=scope, include_closed=include_closed)
    return render(
        request,
        "alerts/queue.html",
        {"rows": rows, "scope": scope, "include_closed": include_closed},
    )


def _detail(
    request: HttpRequest, alert_id: int, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    view = alert_view(request.user, alert_id)
    context: dict[str, Any] = {
        "view": view,
        "alert": view.alert,
        "decisions": AlertDecision.choices,
        "errors": errors or {},
        "posted": request.POST if errors else {},
    }
    return render(request, "alerts/alert.html", context, status=status)


@access_policy(STAFF)
@require_GET
def alert_detail_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _detail(request, alert_id)


@access_policy(STAFF)
@require_POST
def alert_acknowledge_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert_by_id(request.user, alert_id)
    try:
        alert_acknowledge(actor=request.user, alert=alert)
    except DomainError as exc:
        return _detail(request, alert_id, {"acknowledge": exc.message}, status=400)
    messages.success(request, "Alert acknowledged")
    return redirect("alert", alert_id=alert.pk)


@access_policy(STAFF)
@require_POST
def alert_close_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert_by_id(request.user, alert_id)
    try:
        alert_close(
            actor=request.user,
            alert=alert,
            decision=request.POST.get("decision", ""),
            rationale=request.POST.get("rationale", ""),
        )
    except DomainError as exc:
        return _detail(request, alert_id, _errors(exc), status=400)
    messages.success(request, "Alert closed with your decision")
    return redirect("alert", alert_id=alert.pk)


@access_policy(STAFF)
@require_POST
def alert_reopen_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert_by_id(request.user, alert_id)
    try:
        alert_reopen(actor=request.user, alert=alert, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        errors = _errors(exc)
        return _detail(request, alert_id, {"reason": next(iter(errors.values()))}, status=400)
    messages.success(request, "Alert reopened")
    return redirect("alert", alert_id=alert.pk)


@access_policy(OVERSIGHT)
@require_GET
def fairness_page(request: HttpRequest) -> HttpResponse:
    report = fairness_report(request.user)
    return render(request, "alerts/fairness.html", {"report": report})
