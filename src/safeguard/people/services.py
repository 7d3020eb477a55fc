"""Every write to the person index, each audited in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from safeguard.accounts.models import Team
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.access import can_see_protected
from safeguard.people.models import (
    AccessGrant,
    Allocation,
    IdentifierScheme,
    IdentityLink,
    Person,
    PersonAddress,
    PersonIdentifier,
    Relationship,
    RelationshipKind,
    Sex,
)
from safeguard.site.errors import DomainError


@dataclass(frozen=True)
class AddressInput:
    line1: str
    town: str
    postcode: str
    valid_from: date
    latitude: float | None = None
    longitude: float | None = None


def person_create(
    *,
    actor: Any,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    sex: Sex = Sex.UNKNOWN,
    address: AddressInput | None = None,
    identifiers: dict[IdentifierScheme, str] | None = None,
    protected_identity: bool = False,
) -> Person:
    errors: dict[str, str] = {}
    if not given_name.strip():
        errors["given_name"] = "Enter a first name"
    if not family_name.strip():
        errors["family_name"] = "Enter a last name"
    if date_of_birth is not None and date_of_birth > date.today():
        errors["date_of_birth"] = "Date of birth must be in the past"
    if errors:
        raise DomainError("Check the person's details", {"fields": errors})
    with transaction.atomic():
        person = Person.objects.create(
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            sex=sex,
            protected_identity=protected_identity,
        )
        if address is not None:
            PersonAddress.objects.create(person=person, **address.__dict__)
        for scheme, value in (identifiers or {}).items():
            if PersonIdentifier.objects.filter(scheme=scheme, value=value).exists():
                raise DomainError(
                    "That identifier is already recorded", {"fields": {scheme.value: "In use"}}
                )
            PersonIdentifier.objects.create(person=person, scheme=scheme, value=value)
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="person",
            object_id=str(person.pk),
            summary="recorded a new person",
        )
    return person


def person_allocate(
    *, actor: Any, person: Person, team: Team, practitioner: Any | None, started_on: date
) -> Allocation:
    if practitioner is not None and practitioner.team_id != team.pk:
        raise DomainError("The practitioner is not in that team", {"fields": {"practitioner": ""}})
    with transaction.atomic():
        allocation = Allocation.objects.create(
            person=person, team=team, practitioner=practitioner, started_on=started_on
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="person",
            object_id=str(person.pk),
            summary="allocated a person to a team",
            details={"team": team.pk, "allocation": allocation.pk},
        )
    return allocation


def relationship_record(
    *,
    actor: Any,
    anchor: Person,
    other: Person,
    kind: RelationshipKind,
    started_on: date,
) -> Relationship:
    if anchor.pk == other.pk:
        raise DomainError("A person cannot be related to themselves")
    with transaction.atomic():
        relationship = Relationship.objects.create(
            anchor=anchor, other=other, kind=kind, started_on=started_on, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.COMBINATION,
            object_type="person",
            object_id=str(anchor.pk),
            summary="recorded a relationship between two people",
            details={"other": str(other.pk), "kind": str(kind), "relationship": relationship.pk},
        )
    return relationship


def relationship_end(*, actor: Any, relationship: Relationship, ended_on: date) -> Relationship:
    with transaction.atomic():
        relationship.ended_on = ended_on
        relationship.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="person",
            object_id=str(relationship.anchor_id),
            summary="ended a relationship between two people",
            details={"relationship": relationship.pk},
        )
    return relationship


def access_grant_create(
    *, actor: Any, user: Any, person: Person, reason: str, expires_at: datetime | None
) -> AccessGrant:
    if len(reason.strip()) < 10:
        raise DomainError("Give the reason for access", {"fields": {"reason": "Too short"}})
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            user=user, person=person, reason=reason.strip(), granted_by=actor, expires_at=expires_at
        )
        audit_record(
            actor=actor,
            action=AuditAction.DISCLOSURE,
            object_type="person",
            object_id=str(person.pk),
            summary="granted a user access to a person's record",
            justification=reason.strip(),
            recipients=[user.username],
            details={"grant": grant.pk},
        )
    return grant


def access_grant_revoke(*, actor: Any, grant: AccessGrant, when: datetime) -> AccessGrant:
    with transaction.atomic():
        grant.revoked_at = when
        grant.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="person",
            object_id=str(grant.person_id),
            summary="revoked a user's access to a person's record",
            details={"grant": grant.pk},
        )
    return grant


def identity_link_record(*, actor: Any, current: Person, former: Person) -> IdentityLink:
    """Record that ``former`` is the earlier identity of the protected person ``current``."""
    if not can_see_protected(actor):
        raise DomainError("Only the protected-identity roles can record this")
    with transaction.atomic():
        current.protected_identity = True
        current.save(update_fields=["protected_identity"])
        former.is_former_identity = True
        former.save(update_fields=["is_former_identity"])
        link = IdentityLink.build(current=current, former=former)
        link.save()
        audit_record(
            actor=actor,
            action=AuditAction.COMBINATION,
            object_type="identity_link",
            object_id=str(link.pk),
            summary="linked a protected identity to its former identity",
        )
    return link
