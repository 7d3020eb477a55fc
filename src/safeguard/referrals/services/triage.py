"""Triage of concerns by the multi-agency front door: rating, assignment, matching, outcome.

Each action is audited in its own transaction. Deadlines run from when the concern was received
(ADR 0901): a red concern received at 09:00 needs partner information by 11:00, however long it
waited to be rated.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.models import Person
from safeguard.referrals import conf
from safeguard.referrals.models import Concern, ConcernSource, Outcome, Rag
from safeguard.safeguarding.models import Child, ChronologyEvent, EventAgency
from safeguard.safeguarding.services import chronology_event_record
from safeguard.site.errors import DomainError

_MAX_TEXT = 4000


def _text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError(message, {"fields": {field: message}})
    if len(value) > _MAX_TEXT:
        raise DomainError("Too long", {"fields": {field: f"Use {_MAX_TEXT} characters or fewer"}})
    return value


def _audit(actor: Any, concern: Concern, summary: str, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.ALTERATION,
        object_type="concern",
        object_id=str(concern.pk),
        summary=summary,
        details=details,
    )


def concern_rate(*, actor: Any, concern: Concern, rag: str, reason: str) -> Concern:
    if rag not in Rag.values:
        raise DomainError("Choose a rating", {"fields": {"rag": "Choose red, amber or green"}})
    reason = _text(reason, "rag_reason", "Say why you gave this rating")
    with transaction.atomic():
        concern.rag = rag
        concern.rag_reason = reason
        concern.rated_at = timezone.now()
        concern.due_at = concern.received_at + timedelta(hours=conf.rag_hours()[rag])
        concern.save(update_fields=["rag", "rag_reason", "rated_at", "due_at"])
        _audit(actor, concern, "rated a concern", rag=rag)
    return concern


def concern_assign(*, actor: Any, concern: Concern, assignee: Any) -> Concern:
    if assignee is None or not assignee.is_active or assignee.role != Role.TRIAGE:
        raise DomainError("Choose a triage worker", {"fields": {"assignee": "Choose who"}})
    with transaction.atomic():
        concern.assigned_to = assignee
        concern.save(update_fields=["assigned_to"])
        _audit(actor, concern, "assigned a concern", assignee=assignee.pk)
    return concern


def _event_agency(concern: Concern) -> str:
    kind = getattr(concern.referrer_agency, "kind", "")
    return kind if kind in EventAgency.values else EventAgency.PUBLIC


def concern_match_confirm(*, actor: Any, concern: Concern, person: Person) -> Concern:
    """Record that the concern is about ``person``. If they are a child with a safeguarding
    record, the concern becomes a ``concern`` event in that child's chronology."""
    if concern.matched_person_id is not None:
        raise DomainError("This concern is already matched", {"fields": {"person": "Matched"}})
    with transaction.atomic():
        concern.matched_person = person
        concern.save(update_fields=["matched_person"])
        audit_record(
            actor=actor,
            action=AuditAction.COMBINATION,
            object_type="concern",
            object_id=str(concern.pk),
            summary="matched a concern to a person",
            details={"person": str(person.pk)},
        )
        child = Child.objects.filter(pk=person.pk).first()
        if child is not None:
            source = (
                "Member of the public"
                if concern.source == ConcernSource.PUBLIC
                else str(concern.referrer_agency or "Professional")
            )
            chronology_event_record(
                actor=actor,
                child=child,
                kind="concern",
                agency=_event_agency(concern),
                occurred_at=concern.received_at,
                details={
                    "summary": concern.what_happened[:_MAX_TEXT],
                    "referrer": f"{source} (front door {concern.reference})"[:200],
                },
                source="front_door",
                reference=concern.reference,
            )
    return concern


def concern_match_undo(*, actor: Any, concern: Concern, reason: str) -> Concern:
    """Take back a confirmed match that was wrong, before the outcome is recorded.

    The concern's event is removed from that child's chronology in the same transaction: it was
    never about them, and leaving it would put another child's concern in their record (and in
    their alerts). The concern itself keeps everything that was reported, so the right person
    can be confirmed next. The audit log keeps who undid it, when, why and which event went.
    """
    if concern.matched_person_id is None:
        raise DomainError("This concern is not matched", {"fields": {"unmatch": "Not matched"}})
    if concern.outcome:
        message = "The outcome is recorded: the match can no longer be undone here"
        raise DomainError(message, {"fields": {"unmatch": message}})
    reason = _text(reason, "unmatch_reason", "Say why the match was wrong")
    with transaction.atomic():
        person_id = concern.matched_person_id
        events = ChronologyEvent.objects.filter(
            child_id=person_id, source="front_door", reference=concern.reference
        )
        removed = sorted(str(e.public_id) for e in events)
        events.delete()
        concern.matched_person = None
        concern.save(update_fields=["matched_person"])
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="concern",
            object_id=str(concern.pk),
            summary="undid the match of a concern to a person",
            justification=reason,
            details={"person": str(person_id), "chronology_events_removed": removed},
        )
        if removed:
            audit_record(
                actor=actor,
                action=AuditAction.ALTERATION,
                object_type="child",
                object_id=str(person_id),
                summary="removed a front-door concern matched to the wrong child",
                justification=reason,
                details={"events": removed, "concern": str(concern.pk)},
            )
            # The child's alerts are re-run without the removed event (the live path runs only
            # when events are added): one that cited it is superseded, not left standing.
            from safeguard.alerts.evaluation import alerts_reevaluate

            alerts_reevaluate([person_id], actor=actor)
    return concern


def concern_outcome_record(
    *, actor: Any, concern: Concern, outcome: str, rationale: str
) -> Concern:
    if concern.outcome:
        raise DomainError("An outcome is already recorded", {"fields": {"outcome": "Recorded"}})
    if outcome not in Outcome.values:
        raise DomainError("Choose an outcome", {"fields": {"outcome": "Choose an outcome"}})
    if not concern.rag:
        raise DomainError("Rate the concern first", {"fields": {"outcome": "Rate it first"}})
    if outcome == Outcome.EXISTING_CASE and concern.matched_person_id is None:
        message = "Confirm which person it is about before adding it to their case"
        raise DomainError(message, {"fields": {"outcome": message}})
    rationale = _text(rationale, "rationale", "Give the reasons for the decision")
    with transaction.atomic():
        concern.outcome = outcome
        concern.outcome_rationale = rationale
        concern.outcome_at = timezone.now()
        concern.outcome_by = actor
        concern.save(update_fields=["outcome", "outcome_rationale", "outcome_at", "outcome_by"])
        _audit(actor, concern, "recorded the outcome of a concern", outcome=outcome)
    return concern
