"""Reads of the front door's concerns (triage staff only; the policy is on the views)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from safeguard.accounts.roles import Role
from safeguard.referrals.models import Concern
from safeguard.site.errors import NotFoundError


def open_concerns() -> QuerySet[Concern]:
    """The queue: not yet rated first (oldest first), then by deadline."""
    return (
        Concern.objects.filter(outcome="")
        .select_related("assigned_to", "referrer_agency")
        .order_by(F("due_at").asc(nulls_first=True), "received_at")
    )


def recently_closed(limit: int = 20) -> QuerySet[Concern]:
    return (
        Concern.objects.exclude(outcome="")
        .select_related("outcome_by")
        .order_by("-outcome_at")[:limit]
    )


def concern_by_reference(reference: str) -> Concern:
    found = (
        Concern.objects.select_related("assigned_to", "referrer_agency", "matched_person")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if found is None:
        raise NotFoundError()
    return found


def triage_workers() -> list[Any]:
    model = get_user_model()
    return list(
        model.objects.filter(role=Role.TRIAGE, is_active=True, is_service_account=False).order_by(
            "last_name", "first_name", "username"
        )
    )
