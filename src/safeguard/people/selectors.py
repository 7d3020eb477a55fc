"""Reads of person records for users: access-checked, field-filtered and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.access import access_person_by_id, can_see_protected, people_visible_to
from safeguard.people.models import (
    Allocation,
    IdentityLink,
    Person,
    PersonAddress,
    PersonAlias,
    PersonIdentifier,
    Relationship,
)


@dataclass(frozen=True)
class RelatedPerson:
    person_id: uuid.UUID
    name: str
    kind: str
    direction: str  # "of this person" (outgoing) or "to this person" (incoming)
    visible: bool


@dataclass(frozen=True)
class PersonView:
    person: Person
    aliases: list[PersonAlias]
    # None with ``address_withheld`` when the person is protected and the user is not cleared.
    current_address: PersonAddress | None
    previous_addresses: list[PersonAddress]
    address_withheld: bool
    identifiers: list[PersonIdentifier]
    allocations: list[Allocation]
    relationships: list[RelatedPerson]
    former_identities: list[Person]  # empty unless the user holds a protected-identity role


@dataclass(frozen=True)
class CaseloadRow:
    person: Person
    team_name: str
    practitioner_name: str
    allocated_since: date


def person_view(*, user: Any, person_id: uuid.UUID | str) -> PersonView:
    """One person's record for the person page or the API; one consultation entry."""
    with transaction.atomic():
        person = access_person_by_id(user, person_id)
        cleared = can_see_protected(user)
        addresses = list(PersonAddress.objects.filter(person=person))
        withheld = person.protected_identity and not cleared
        current = next((a for a in addresses if a.is_current), None)
        previous = [a for a in addresses if not a.is_current]
        if withheld:
            current, previous = None, []
        today = timezone.localdate()
        visible_ids = set(people_visible_to(user).values_list("id", flat=True))
        relationships = [
            RelatedPerson(r.other_id, r.other.full_name, r.get_kind_display(), "of", True)
            for r in Relationship.objects.filter(anchor=person, ended_on__isnull=True)
            .select_related("other")
            .order_by("kind")
            if r.other_id in visible_ids and not r.other.is_former_identity
        ] + [
            RelatedPerson(r.anchor_id, r.anchor.full_name, r.get_kind_display(), "to", True)
            for r in Relationship.objects.filter(other=person, ended_on__isnull=True)
            .select_related("anchor")
            .order_by("kind")
            if r.anchor_id in visible_ids
        ]
        former = (
            [link.former for link in IdentityLink.objects.filter(current=person)] if cleared else []
        )
        view = PersonView(
            person=person,
            aliases=list(PersonAlias.objects.filter(person=person)),
            current_address=current,
            previous_addresses=previous,
            address_withheld=withheld,
            identifiers=list(PersonIdentifier.objects.filter(person=person)),
            allocations=list(
                Allocation.objects.filter(person=person, ended_on__isnull=True)
                .select_related("team", "team__agency", "practitioner")
                .order_by("started_on")
            ),
            relationships=relationships,
            former_identities=former,
        )
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="person",
            object_id=str(person.pk),
            summary="viewed a person's record",
            details={"as_of": today.isoformat(), "protected_fields_shown": cleared},
        )
        return view


def caseload(*, user: Any) -> list[CaseloadRow]:
    """The people allocated to the user's team (for a manager, to any team of their agency)."""
    with transaction.atomic():
        today = timezone.localdate()
        visible = people_visible_to(user, today=today)
        allocations = (
            Allocation.objects.filter(person__in=visible, ended_on__isnull=True)
            .select_related("person", "team", "practitioner")
            .order_by("person__family_name", "person__given_name", "started_on")
        )
        if user.role == "manager":
            allocations = allocations.filter(team__agency_id=user.agency_id)
        else:
            allocations = allocations.filter(team_id=user.team_id)
        rows = [
            CaseloadRow(
                person=a.person,
                team_name=a.team.name,
                practitioner_name=a.practitioner.display_name if a.practitioner else "Unallocated",
                allocated_since=a.started_on,
            )
            for a in allocations
        ]
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="caseload",
            summary="viewed a caseload list",
            details={"people": sorted({str(r.person.pk) for r in rows})},
        )
        return rows
