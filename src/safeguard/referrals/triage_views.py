"""The triage pages of the multi-agency front door (Role.TRIAGE only)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.referrals.matching import propose_matches
from safeguard.referrals.models import Concern, Outcome, Rag
from safeguard.referrals.selectors import (
    concern_by_reference,
    open_concerns,
    recently_closed,
    triage_workers,
)
from safeguard.referrals.services.triage import (
    concern_assign,
    concern_match_confirm,
    concern_match_undo,
    concern_outcome_record,
    concern_rate,
)
from safeguard.site.errors import DomainError
from safeguard.site.policy import access_policy, roles

TRIAGE = roles(Role.TRIAGE, name="triage")


@access_policy(TRIAGE)
@require_GET
def triage_queue(request: HttpRequest) -> HttpResponse:
    concerns = list(open_concerns())
    with transaction.atomic():
        audit_record(
            actor=_staff(request),
            action=AuditAction.CONSULTATION,
            object_type="concern",
            summary="viewed the triage queue",
            details={"concerns": [str(c.pk) for c in concerns]},
        )
    return render(
        request,
        "referrals/queue.html",
        {"concerns": concerns, "closed": list(recently_closed()), "now": timezone.now()},
    )


def _apply(request: HttpRequest, concern: Concern, action: str) -> None:
    data = request.POST
    if action == "rate":
        concern_rate(
            actor=_staff(request),
            concern=concern,
            rag=data.get("rag", ""),
            reason=data.get("rag_reason", ""),
        )
    elif action == "assign":
        chosen = {str(u.pk): u for u in triage_workers()}.get(data.get("assignee", ""))
        concern_assign(actor=_staff(request), concern=concern, assignee=chosen)
    elif action == "match":
        # Only a proposed person can be confirmed: the page is not a way to look anyone up.
        person_id = _uuid_or_none(data.get("person", ""))
        proposed = {str(p.person.pk): p.person for p in propose_matches(concern, today=_today())}
        person = proposed.get(person_id or "")
        if person is None:
            raise DomainError("Choose a person", {"fields": {"person": "Choose a person"}})
        concern_match_confirm(actor=_staff(request), concern=concern, person=person)
    elif action == "unmatch":
        concern_match_undo(
            actor=_staff(request), concern=concern, reason=data.get("unmatch_reason", "")
        )
    elif action == "outcome":
        concern_outcome_record(
            actor=_staff(request),
            concern=concern,
            outcome=data.get("outcome", ""),
            rationale=data.get("rationale", ""),
        )
    else:
        raise DomainError("Choose what to do", {"fields": {"form": "Choose what to do"}})


def _today() -> date:
    return timezone.localdate()


def _staff(request: HttpRequest) -> Any:
    """The signed-in triage worker (the policy has already refused anyone else)."""
    return request.user


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@access_policy(TRIAGE)
@require_http_methods(["GET", "POST"])
def triage_concern(request: HttpRequest, reference: str) -> HttpResponse:
    concern = concern_by_reference(reference)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _apply(request, concern, request.POST.get("action", ""))
        except DomainError as exc:
            fields = exc.extra.get("fields")
            errors = dict(fields) if isinstance(fields, dict) else {"form": exc.message}
        else:
            return redirect("triage-concern", reference=concern.reference)
        concern.refresh_from_db()
    proposals = (
        propose_matches(concern, today=_today()) if concern.matched_person_id is None else []
    )
    with transaction.atomic():
        audit_record(
            actor=_staff(request),
            action=AuditAction.CONSULTATION,
            object_type="concern",
            object_id=str(concern.pk),
            summary="viewed a concern",
            details={"proposed_people": [str(p.person.pk) for p in proposals]},
        )
    context: dict[str, Any] = {
        "concern": concern,
        "errors": errors,
        "values": request.POST if errors else {},
        "proposals": proposals,
        "rags": Rag.choices,
        "outcomes": Outcome.choices,
        "workers": triage_workers(),
        "now": timezone.now(),
    }
    return render(request, "referrals/concern.html", context, status=400 if errors else 200)
