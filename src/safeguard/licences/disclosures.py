"""Relationship disclosures: a partner the person on licence told us about, and the check of
the partner's household against the child-protection register.

Recording a disclosure links the partner into the person index (an existing record the user
may see, or a new one) and records the partnership as a relationship, so the supervising team
may see the partner from then on (need-to-know follows the recorded tie).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences.models import DisclosureAction, Licence, RelationshipDisclosure
from safeguard.licences.services import (
    WRITER_ROLES,
    record,
    refuse,
    require_probation,
    require_role,
)
from safeguard.people.access import access_person_by_id
from safeguard.people.models import Person, RelationshipKind
from safeguard.people.services import person_create, relationship_record
from safeguard.site.errors import DomainError, NotFoundError

NOTES_LIMIT = 4000


@dataclass(frozen=True)
class NewPartner:
    given_name: str
    family_name: str
    date_of_birth: date | None = None


@dataclass(frozen=True)
class DisclosureInput:
    """Either ``partner_id`` (someone in the person index) or ``new_partner``."""

    started_on: date | None
    household_includes_children: bool | None
    action_taken: str
    action_notes: str = ""
    partner_id: str | None = None
    new_partner: NewPartner | None = None


def _check(licence: Licence, data: DisclosureInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.partner_id and data.new_partner is None:
        errors["partner"] = "Choose the partner from the person index or enter their name"
    if data.started_on is None:
        errors["started_on"] = "Enter the date the relationship started"
    elif data.started_on > timezone.localdate():
        errors["started_on"] = "The date the relationship started must be in the past"
    if data.household_includes_children is None:
        errors["household_includes_children"] = (
            "Select yes if the partner's household includes children"
        )
    if data.action_taken not in DisclosureAction.values:
        errors["action_taken"] = "Select the action taken"
    if len(data.action_notes) > NOTES_LIMIT:
        errors["action_notes"] = f"Enter no more than {NOTES_LIMIT:,} characters"
    return errors


def _partner(actor: Any, licence: Licence, data: DisclosureInput) -> Person:
    if data.partner_id:
        try:
            partner = access_person_by_id(actor, data.partner_id)
        except NotFoundError:
            raise refuse(
                "Check the disclosure", {"partner": "Choose the partner from the person index"}
            ) from None
        if partner.pk == licence.person_id:
            raise refuse(
                "Check the disclosure",
                {"partner": "Choose someone other than the person on licence"},
            )
        return partner
    assert data.new_partner is not None
    try:
        return person_create(
            actor=actor,
            given_name=data.new_partner.given_name,
            family_name=data.new_partner.family_name,
            date_of_birth=data.new_partner.date_of_birth,
        )
    except DomainError as error:
        fields = error.extra.get("fields", {})
        raise refuse(
            "Check the disclosure", {f"new_partner.{k}": v for k, v in fields.items()}
        ) from None


def disclosure_record(
    *, actor: Any, licence: Licence, data: DisclosureInput
) -> RelationshipDisclosure:
    require_probation(actor)
    require_role(actor, WRITER_ROLES, "You cannot record disclosures")
    errors = _check(licence, data)
    if errors:
        raise refuse("Check the disclosure", errors)
    assert data.started_on is not None and data.household_includes_children is not None
    with transaction.atomic():
        partner = _partner(actor, licence, data)
        relationship = relationship_record(
            actor=actor,
            anchor=licence.person,
            other=partner,
            kind=RelationshipKind.PARTNER,
            started_on=data.started_on,
        )
        disclosure = RelationshipDisclosure.objects.create(
            licence=licence,
            partner=partner,
            relationship=relationship,
            started_on=data.started_on,
            household_includes_children=data.household_includes_children,
            action_taken=data.action_taken,
            action_notes=data.action_notes.strip(),
            recorded_by=actor,
        )
        record(
            actor=actor,
            licence=licence,
            kind="disclosure_recorded",
            summary="recorded a relationship disclosure",
            action=AuditAction.COLLECTION,
            details={"disclosure": disclosure.pk, "partner": str(partner.pk)},
        )
    return disclosure


@dataclass(frozen=True)
class RegisterEntry:
    """A child on a child-protection plan in the household looked up."""

    child_id: uuid.UUID
    plan_category: str  # neglect, physical, emotional or sexual
    plan_started_on: date


class ChildProtectionRegister(Protocol):
    """Looks up the children on a child-protection plan in an adult's household.

    The register is built by a later issue (safeguarding); until then callers pass a fake.
    Implementations must answer as of ``on`` and return only children on an active plan.
    """

    def __call__(self, *, adult: Person, on: date) -> Sequence[RegisterEntry]: ...


@dataclass(frozen=True)
class HouseholdCheck:
    disclosure_id: int
    checked_on: date
    household_includes_children: bool  # as disclosed
    children_on_plans: tuple[RegisterEntry, ...]

    @property
    def needs_action(self) -> bool:
        """A child on a plan lives with the partner, or children were disclosed at all."""
        return bool(self.children_on_plans) or self.household_includes_children


def disclosure_check_household(
    *,
    actor: Any,
    disclosure: RelationshipDisclosure,
    register: ChildProtectionRegister,
    on: date | None = None,
) -> HouseholdCheck:
    """Check a disclosed partner's household against the child-protection register.

    ``register`` is called once with the partner and the day (default: today); what it finds
    is stored on the disclosure (child ids and plan categories only, no names) and audited as a
    combination of records, in one transaction. The caller decides what to do with the result
    (``needs_action``): this function raises no alert itself.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        disclosure = RelationshipDisclosure.objects.select_for_update().get(pk=disclosure.pk)
        found = tuple(register(adult=disclosure.partner, on=on))
        result = HouseholdCheck(
            disclosure_id=disclosure.pk,
            checked_on=on,
            household_includes_children=disclosure.household_includes_children,
            children_on_plans=found,
        )
        disclosure.last_checked_at = timezone.now()
        disclosure.last_check = {
            "checked_on": on.isoformat(),
            "children_on_plans": [
                {
                    "child": str(entry.child_id),
                    "category": entry.plan_category,
                    "plan_started_on": entry.plan_started_on.isoformat(),
                }
                for entry in found
            ],
            "needs_action": result.needs_action,
        }
        disclosure.save(update_fields=["last_checked_at", "last_check"])
        audit_record(
            actor=actor,
            action=AuditAction.COMBINATION,
            object_type="licence",
            object_id=str(disclosure.licence_id),
            summary="checked a disclosed partner's household against the child-protection register",
            details={
                "disclosure": disclosure.pk,
                "partner": str(disclosure.partner_id),
                "children": [str(entry.child_id) for entry in found],
            },
        )
    return result
