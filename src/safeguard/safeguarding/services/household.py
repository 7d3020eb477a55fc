"""The household as children's social care has recorded it, over time."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.models import Person, Relationship, RelationshipKind
from safeguard.people.services import relationship_end, relationship_record
from safeguard.safeguarding.models import (
    Child,
    EventAgency,
    EventKind,
    HouseholdMember,
    HouseholdRole,
    KnownBy,
)
from safeguard.safeguarding.services.events import EventDraft, chronology_events_record
from safeguard.safeguarding.timeutil import local_midnight
from safeguard.site.errors import DomainError


def household_member_add(
    *,
    actor: Any | None,
    child: Child,
    person: Person,
    role: str,
    relationship: str,
    moved_in_on: date,
    known_by: str,
) -> HouseholdMember:
    """Record that ``person`` lives with the child. It also records the person-index
    relationship that lets the child's team see them (need-to-know)."""
    errors: dict[str, str] = {}
    if person.pk == child.pk:
        errors["person"] = "The child cannot be their own household member"
    if role not in HouseholdRole.values:
        errors["role"] = "Choose the person's role in the household"
    if known_by not in KnownBy.values:
        errors["known_by"] = "Say how you know they live there"
    if moved_in_on > timezone.localdate():
        errors["moved_in_on"] = "The date must be today or in the past"
    if len(relationship) > 100:
        errors["relationship"] = "Use 100 characters or fewer"
    if HouseholdMember.objects.filter(
        child=child, person=person, moved_out_on__isnull=True
    ).exists():
        errors["person"] = "This person is already recorded in the household"
    if errors:
        raise DomainError("Check the household member's details", {"fields": errors})
    with transaction.atomic():
        link = (
            Relationship.objects.filter(anchor_id=child.pk, other=person, ended_on__isnull=True)
            .order_by("id")
            .first()
        )
        if link is None:
            kind = (
                RelationshipKind.PARENT
                if role == HouseholdRole.PARENT_CARER
                else RelationshipKind.HOUSEHOLD_MEMBER
            )
            link = relationship_record(
                actor=actor, anchor=child.person, other=person, kind=kind, started_on=moved_in_on
            )
        member = HouseholdMember.objects.create(
            child=child,
            person=person,
            role=role,
            relationship=relationship.strip(),
            moved_in_on=moved_in_on,
            known_by=known_by,
            link=link,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        details = {
            "person": str(person.pk),
            "role": role,
            "relationship": relationship.strip(),
            "known_by": known_by,
        }
        [event] = chronology_events_record(
            actor=actor,
            drafts=[
                EventDraft(
                    child,
                    EventKind.HOUSEHOLD_MEMBER_ADDED,
                    EventAgency.SOCIAL_CARE,
                    local_midnight(moved_in_on),
                    details,
                )
            ],
            source="system",
            audited=False,
        )
        audit_record(
            actor=actor,
            action=AuditAction.COMBINATION,
            object_type="child",
            object_id=str(child.pk),
            summary="recorded a household member",
            details={"member": member.pk, "person": str(person.pk), "event": event.public_id},
        )
    return member


def household_member_leave(
    *, actor: Any | None, member: HouseholdMember, moved_out_on: date
) -> HouseholdMember:
    errors: dict[str, str] = {}
    if member.moved_out_on is not None:
        errors["moved_out_on"] = "This person has already left"
    elif moved_out_on < member.moved_in_on:
        errors["moved_out_on"] = "They cannot leave before they moved in"
    if moved_out_on > timezone.localdate():
        errors["moved_out_on"] = "The date must be today or in the past"
    if errors:
        raise DomainError("Check the date", {"fields": errors})
    with transaction.atomic():
        member.moved_out_on = moved_out_on
        member.save(update_fields=["moved_out_on"])
        if member.link is not None and member.link.ended_on is None:
            relationship_end(actor=actor, relationship=member.link, ended_on=moved_out_on)
        [event] = chronology_events_record(
            actor=actor,
            drafts=[
                EventDraft(
                    member.child,
                    EventKind.HOUSEHOLD_MEMBER_LEFT,
                    EventAgency.SOCIAL_CARE,
                    local_midnight(moved_out_on),
                    {"person": str(member.person_id), "role": member.role},
                )
            ],
            source="system",
            audited=False,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="child",
            object_id=str(member.child_id),
            summary="recorded a household member leaving",
            details={"member": member.pk, "event": event.public_id},
        )
    return member


def household_member_add_named(
    *,
    actor: Any | None,
    child: Child,
    person: Person | None,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    role: str,
    relationship: str,
    moved_in_on: date,
    known_by: str,
) -> HouseholdMember:
    """``person``, or someone given by name: found in or added to the person index first."""
    from safeguard.safeguarding.services.adults import adult_resolve

    with transaction.atomic():
        if person is None:
            person = adult_resolve(
                actor=actor,
                child=child,
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
            )
        return household_member_add(
            actor=actor,
            child=child,
            person=person,
            role=role,
            relationship=relationship,
            moved_in_on=moved_in_on,
            known_by=known_by,
        )
