"""Status changes of a licence: submit, approve, return, activate, recall, expire.

Each is one audited transaction on a locked licence row (see ``services.record``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.licences.conditions import ConditionEntry, condition_prepare
from safeguard.licences.models import IN_FORCE_STATUSES, Licence, LicenceStatus
from safeguard.licences.services import (
    APPROVER_ROLES,
    RECALL_ROLES,
    WRITER_ROLES,
    locked,
    record,
    refuse,
    require_probation,
    require_role,
)

REASON_LIMIT = 4000


def _reason(text: str, field: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise refuse("Check the form", {field: missing})
    if len(text) > REASON_LIMIT:
        raise refuse("Check the form", {field: f"Enter no more than {REASON_LIMIT:,} characters"})
    return text


def _incomplete(actor: Any, licence: Licence) -> dict[str, str]:
    """What stops a draft being submitted: missing details, or a condition that fails checks
    (re-checked, since a named person's visibility or the catalogue may have changed)."""
    errors: dict[str, str] = {}
    if licence.approved_address_id is None:
        errors["approved_address"] = "Choose the approved address"
    if licence.supervising_practitioner_id is None:
        errors["supervising_practitioner"] = "Choose the supervising practitioner"
    for row in licence.conditions.filter(valid_to__isnull=True):
        entry = ConditionEntry(row.code, row.values, row.bespoke_text, row.event_windows)
        _prepared, problems = condition_prepare(
            actor=actor, licence=licence, entry=entry, standard_allowed=True
        )
        if problems:
            errors[f"condition-{row.pk}"] = f"Check the condition: {row.category}"
    return errors


def licence_submit(*, actor: Any, licence: Licence) -> Licence:
    require_probation(actor)
    require_role(actor, WRITER_ROLES, "You cannot submit licences")
    with transaction.atomic():
        licence = locked(licence)
        if licence.status != LicenceStatus.DRAFT:
            raise refuse("Only a draft licence can be submitted")
        errors = _incomplete(actor, licence)
        if errors:
            raise refuse("The licence is not ready to submit", errors)
        licence.status = LicenceStatus.SUBMITTED
        licence.submitted_by = actor
        licence.submitted_at = timezone.now()
        licence.save(update_fields=["status", "submitted_by", "submitted_at"])
        record(actor=actor, licence=licence, kind="submitted", summary="submitted a licence")
    return licence


def may_approve(actor: Any, licence: Licence) -> bool:
    """A senior practitioner who neither wrote nor submitted the licence (four eyes)."""
    return (
        actor is not None
        and actor.role in APPROVER_ROLES
        and actor.pk not in (licence.created_by_id, licence.submitted_by_id)
    )


def licence_approve(*, actor: Any, licence: Licence) -> Licence:
    require_probation(actor)
    require_role(actor, APPROVER_ROLES, "Only a senior practitioner can approve a licence")
    with transaction.atomic():
        licence = locked(licence)
        if licence.status != LicenceStatus.SUBMITTED:
            raise refuse("Only a submitted licence can be approved")
        if not may_approve(actor, licence):
            raise refuse("A licence must be approved by someone who did not write or submit it")
        licence.status = LicenceStatus.APPROVED
        licence.approved_by = actor
        licence.approved_at = timezone.now()
        licence.save(update_fields=["status", "approved_by", "approved_at"])
        record(actor=actor, licence=licence, kind="approved", summary="approved a licence")
    return licence


def licence_return(*, actor: Any, licence: Licence, reason: str) -> Licence:
    """Send a submitted licence back to its author as a draft, saying what to change."""
    require_probation(actor)
    require_role(actor, APPROVER_ROLES, "Only a senior practitioner can return a licence")
    note = _reason(reason, "reason", "Say what needs to change")
    with transaction.atomic():
        licence = locked(licence)
        if licence.status != LicenceStatus.SUBMITTED:
            raise refuse("Only a submitted licence can be returned")
        licence.status = LicenceStatus.DRAFT
        licence.save(update_fields=["status"])
        record(
            actor=actor,
            licence=licence,
            kind="returned",
            note=note,
            summary="returned a licence to draft",
        )
    return licence


def licence_activate(*, actor: Any, licence: Licence, today: date | None = None) -> Licence:
    """The person is released on the licence: it is in force from its start date."""
    require_probation(actor)
    require_role(actor, WRITER_ROLES, "You cannot activate licences")
    today = today or timezone.localdate()
    with transaction.atomic():
        licence = locked(licence)
        if licence.status != LicenceStatus.APPROVED:
            raise refuse("Only an approved licence can be made active")
        if licence.start_date > today:
            raise refuse("The licence cannot be active before its start date")
        if licence.end_date < today:
            raise refuse("The licence has already ended")
        licence.status = LicenceStatus.ACTIVE
        licence.save(update_fields=["status"])
        record(actor=actor, licence=licence, kind="activated", summary="activated a licence")
    return licence


@dataclass(frozen=True)
class RecallInput:
    recalled_on: date | None
    reason: str


def licence_recall(*, actor: Any, licence: Licence, recall: RecallInput) -> Licence:
    """Record a recall to custody: no condition is in force from the recall date."""
    require_probation(actor)
    require_role(actor, RECALL_ROLES, "Only a senior practitioner or manager can record a recall")
    errors: dict[str, str] = {}
    if recall.recalled_on is None:
        errors["recalled_on"] = "Enter the date of the recall"
    elif recall.recalled_on > timezone.localdate():
        errors["recalled_on"] = "The recall date must be today or in the past"
    elif not licence.start_date <= recall.recalled_on <= licence.end_date:
        errors["recalled_on"] = "The recall date must be within the licence period"
    if not recall.reason.strip():
        errors["reason"] = "Enter the reason for the recall"
    if errors:
        raise refuse("Check the recall", errors)
    note = _reason(recall.reason, "reason", "Enter the reason for the recall")
    with transaction.atomic():
        licence = locked(licence)
        if licence.status not in IN_FORCE_STATUSES:
            raise refuse("Only a licence in force can be recalled")
        latest = licence.variations.order_by("-effective_from").first()
        if latest is not None and recall.recalled_on and recall.recalled_on < latest.effective_from:
            raise refuse(
                "Check the recall",
                {"recalled_on": "The recall date must not be before the latest variation"},
            )
        licence.status = LicenceStatus.RECALLED
        licence.recalled_on = recall.recalled_on
        licence.save(update_fields=["status", "recalled_on"])
        record(
            actor=actor, licence=licence, kind="recalled", note=note, summary="recorded a recall"
        )
    return licence


def licences_advance(*, today: date, actor: Any = None) -> tuple[int, int]:
    """The daily step: approved licences whose start has come become active; licences in
    force past their end date expire. Returns (activated, expired)."""
    activated = expired = 0
    due = Licence.objects.filter(status=LicenceStatus.APPROVED, start_date__lte=today)
    for found in due.filter(end_date__gte=today).order_by("pk"):
        with transaction.atomic():
            licence = locked(found)
            licence.status = LicenceStatus.ACTIVE
            licence.save(update_fields=["status"])
            record(actor=actor, licence=licence, kind="activated", summary="activated a licence")
            activated += 1
    ended = Licence.objects.filter(
        status__in=[*IN_FORCE_STATUSES, LicenceStatus.APPROVED], end_date__lt=today
    )
    for found in ended.order_by("pk"):
        with transaction.atomic():
            licence = locked(found)
            licence.status = LicenceStatus.EXPIRED
            licence.save(update_fields=["status"])
            record(actor=actor, licence=licence, kind="expired", summary="a licence expired")
            expired += 1
    return activated, expired
