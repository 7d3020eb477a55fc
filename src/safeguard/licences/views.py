"""Pages: the licence list, the licence page, its document, and its status changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from safeguard.licences import forms
from safeguard.licences.access import access_licence_by_id
from safeguard.licences.documents import licence_pdf
from safeguard.licences.lifecycle import (
    licence_activate,
    licence_approve,
    licence_submit,
    may_approve,
)
from safeguard.licences.models import LicenceStatus
from safeguard.licences.policies import APPROVERS, WRITERS
from safeguard.licences.selectors import licence_list, licence_view
from safeguard.licences.services import WRITER_ROLES
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy

# Problems with the licence's details link to the details on the licence page.
DETAIL_ANCHORS = {
    "approved_address": "licence-details",
    "supervising_practitioner": "licence-details",
}


@access_policy(STAFF)
@require_GET
def licence_list_page(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in LicenceStatus.values:
        status = None
    listing = licence_list(user=request.user, status=status, with_people_without=True)
    return render(
        request,
        "licences/list.html",
        {"listing": listing, "statuses": LicenceStatus.choices, "status": status},
    )


def _licence_page(
    request: HttpRequest, licence_id: str, *, errors: dict[str, str] | None = None
) -> HttpResponse:
    on, on_error = forms.date_field(request.GET, "on", "the date", required=False)
    errors = dict(errors or {})
    if on_error:
        errors["on-day"] = on_error
    licence = access_licence_by_id(request.user, licence_id)
    if on is None and not on_error and licence.is_in_force:
        on = timezone.localdate()
    view = licence_view(user=request.user, licence_id=licence_id, on=on)
    user: Any = request.user
    context = {
        "view": view,
        "licence": view.licence,
        "person": view.person,
        "errors": errors,
        "on_error": on_error or "",
        "on_value": forms.date_redisplay(request.GET, "on") if on_error else forms.date_initial(on),
        "can_write": user.role in WRITER_ROLES,
        "can_approve": may_approve(user, view.licence),
        "can_recall": user.role in ("senior_practitioner", "manager"),
        "today": timezone.localdate(),
    }
    return render(request, "licences/licence.html", context, status=400 if errors else 200)


@access_policy(STAFF)
@require_GET
def licence_detail(request: HttpRequest, licence_id: str) -> HttpResponse:
    return _licence_page(request, licence_id)


@access_policy(WRITERS)
@require_GET
def licence_document(request: HttpRequest, licence_id: str) -> HttpResponse:
    on, _error = forms.date_field(request.GET, "on", "the date", required=False)
    pdf, filename = licence_pdf(user=request.user, licence_id=licence_id, on=on)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _act(request: HttpRequest, licence_id: str, action: Any, done: str) -> HttpResponse:
    licence = access_licence_by_id(request.user, licence_id)
    try:
        action(actor=request.user, licence=licence)
    except DomainError as error:
        fields = forms.summary(error.extra.get("fields") or {}, DETAIL_ANCHORS)
        return _licence_page(request, licence_id, errors={"actions": error.message, **fields})
    messages.success(request, done)
    return redirect("licence", licence_id=licence.pk)


@access_policy(WRITERS)
@require_POST
def licence_submit_action(request: HttpRequest, licence_id: str) -> HttpResponse:
    return _act(request, licence_id, licence_submit, "Licence submitted for approval")


@access_policy(APPROVERS)
@require_POST
def licence_approve_action(request: HttpRequest, licence_id: str) -> HttpResponse:
    return _act(request, licence_id, licence_approve, "Licence approved")


@access_policy(WRITERS)
@require_POST
def licence_activate_action(request: HttpRequest, licence_id: str) -> HttpResponse:
    return _act(request, licence_id, licence_activate, "Licence active")
