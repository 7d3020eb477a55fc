"""Registering a child and the life of a child-protection plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Team
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.models import Person
from safeguard.safeguarding import conf
from safeguard.safeguarding.models import (
    Child,
    ChildProtectionPlan,
    EventAgency,
    EventKind,
    PlanCategory,
    ReviewConference,
    ReviewDecision,
)
from safeguard.safeguarding.services.events import EventDraft, chronology_events_record
from safeguard.safeguarding.timeutil import local_midnight
from safeguard.site.errors import DomainError


def child_register(
    *, actor: Any | None, person: Person, registered_at: datetime | None = None
) -> Child:
    """Open a child's record (the person already in the person index)."""
    registered_at = registered_at or timezone.now()
    if Child.objects.filter(pk=person.pk).exists():
        raise DomainError("This child is already registered")
    today = timezone.localdate()
    age = person.age_on(today)
    if age is not None and age >= 18:
        raise DomainError("Only someone under 18 can be registered as a child")
    with transaction.atomic():
        child = Child.objects.create(
            person=person,
            registered_at=registered_at,
            registered_by=actor if getattr(actor, "pk", None) else None,
        )
        details = {
            "dob": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "name": person.full_name,
        }
        [event] = chronology_events_record(
            actor=actor,
            drafts=[
                EventDraft(
                    child,
                    EventKind.CHILD_REGISTERED,
                    EventAgency.SOCIAL_CARE,
                    registered_at,
                    details,
                )
            ],
            source="system",
            audited=False,
        )
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="child",
            object_id=str(child.pk),
            summary="registered a child",
            details={"event": event.public_id},
        )
    return child


def _not_future(day: date, field: str, errors: dict[str, str]) -> None:
    if day > timezone.localdate():
        errors[field] = "The date must be today or in the past"


def plan_start(
    *,
    actor: Any | None,
    child: Child,
    category: str,
    started_on: date,
    initial_conference_on: date,
    team: Team,
    social_worker: Any | None,
    visit_every_working_days: int | None = None,
) -> ChildProtectionPlan:
    errors: dict[str, str] = {}
    if category not in PlanCategory.values:
        errors["category"] = "Choose the category of the plan"
    _not_future(started_on, "started_on", errors)
    _not_future(initial_conference_on, "initial_conference_on", errors)
    if initial_conference_on > started_on:
        errors["initial_conference_on"] = "The initial conference cannot be after the plan starts"
    if social_worker is not None and social_worker.team_id != team.pk:
        errors["social_worker"] = "The social worker is not in that team"
    every = visit_every_working_days or conf.visit_working_days()
    if not 1 <= every <= 60:
        errors["visit_every_working_days"] = "Enter a number of working days from 1 to 60"
    if ChildProtectionPlan.objects.filter(child=child, ended_on__isnull=True).exists():
        errors["category"] = "The child is already on a plan: end it first"
    if errors:
        raise DomainError("Check the plan's details", {"fields": errors})
    with transaction.atomic():
        plan = ChildProtectionPlan.objects.create(
            child=child,
            category=category,
            started_on=started_on,
            initial_conference_on=initial_conference_on,
            team=team,
            social_worker=social_worker,
            visit_every_working_days=every,
        )
        [event] = chronology_events_record(
            actor=actor,
            drafts=[
                EventDraft(
                    child,
                    EventKind.CP_PLAN_STARTED,
                    EventAgency.SOCIAL_CARE,
                    local_midnight(started_on),
                    {"category": category},
                )
            ],
            source="system",
            audited=False,
        )
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="child",
            object_id=str(child.pk),
            summary="started a child protection plan",
            details={"plan": plan.pk, "event": event.public_id},
        )
    return plan


def plan_end(
    *, actor: Any | None, plan: ChildProtectionPlan, ended_on: date, reason: str
) -> ChildProtectionPlan:
    errors: dict[str, str] = {}
    if plan.ended_on is not None:
        errors["ended_on"] = "The plan has already ended"
    _not_future(ended_on, "ended_on", errors)
    if ended_on < plan.started_on:
        errors["ended_on"] = "The plan cannot end before it started"
    if not reason.strip():
        errors["reason"] = "Give the reason the plan ends"
    if errors:
        raise DomainError("Check the details", {"fields": errors})
    with transaction.atomic():
        plan.ended_on = ended_on
        plan.end_reason = reason.strip()[:200]
        plan.save(update_fields=["ended_on", "end_reason"])
        [event] = chronology_events_record(
            actor=actor,
            drafts=[
                EventDraft(
                    plan.child,
                    EventKind.CP_PLAN_ENDED,
                    EventAgency.SOCIAL_CARE,
                    local_midnight(ended_on),
                    {"category": plan.category},
                )
            ],
            source="system",
            audited=False,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="child",
            object_id=str(plan.child_id),
            summary="ended a child protection plan",
            details={"plan": plan.pk, "event": event.public_id},
        )
    return plan


def review_conference_record(
    *, actor: Any | None, plan: ChildProtectionPlan, held_on: date, decision: str
) -> ReviewConference:
    errors: dict[str, str] = {}
    if plan.ended_on is not None:
        errors["held_on"] = "The plan has ended"
    _not_future(held_on, "held_on", errors)
    if held_on < plan.initial_conference_on:
        errors["held_on"] = "A review cannot be before the initial conference"
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose the conference's decision"
    if errors:
        raise DomainError("Check the review's details", {"fields": errors})
    with transaction.atomic():
        review = ReviewConference.objects.create(
            plan=plan,
            held_on=held_on,
            decision=decision,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="child",
            object_id=str(plan.child_id),
            summary="recorded a review child protection conference",
            details={"plan": plan.pk, "review": review.pk, "decision": decision},
        )
        if decision == ReviewDecision.END:
            plan_end(actor=actor, plan=plan, ended_on=held_on, reason="Review conference decision")
    return review
