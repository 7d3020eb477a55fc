"""Every write to a licence's life: create, draft edits, submit, approve, activate, recall.

Keyword-only functions named ``licence_<action>``; each checks the business rules, writes, and
records its audit entry (and a readable history event) in the same transaction. Variations are
in ``variations.py``, relationship disclosures in ``disclosures.py``.

Lifecycle: draft → submitted → approved (by a senior practitioner who neither wrote nor
submitted it; or returned to draft) → active (from the start date) → varied → recalled or
expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences import conf
from safeguard.licences.conditions import ConditionEntry, condition_prepare
from safeguard.licences.engine import load_catalogue, policy_for
from safeguard.licences.models import (
    OPEN_STATUSES,
    Licence,
    LicenceCondition,
    LicenceEvent,
    LicenceStatus,
)
from safeguard.people.models import Person, PersonAddress
from safeguard.site.errors import DomainError

WRITER_ROLES = frozenset({Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER})
APPROVER_ROLES = frozenset({Role.SENIOR_PRACTITIONER})
RECALL_ROLES = frozenset({Role.SENIOR_PRACTITIONER, Role.MANAGER})
MAX_LICENCE_YEARS = 25


def refuse(message: str, fields: dict[str, str] | None = None) -> DomainError:
    return DomainError(message, {"fields": fields or {}})


def require_role(actor: Any, allowed: frozenset[Role], message: str) -> None:
    """Roles are also declared on every route; services check again for other callers."""
    if actor is not None and Role(actor.role) not in allowed:
        raise refuse(message)


def require_probation(actor: Any) -> None:
    """Licences are probation's: other agencies may read them (need-to-know) but not write."""
    if actor is None:
        return
    agency = getattr(actor, "agency", None)
    if agency is None or agency.kind != AgencyKind.PROBATION:
        raise refuse("Only probation staff can create or change licences")


def record(
    *,
    actor: Any,
    licence: Licence,
    kind: str,
    summary: str,
    note: str = "",
    action: AuditAction = AuditAction.ALTERATION,
    details: dict[str, Any] | None = None,
) -> None:
    """The audit entry and the readable history event of one change (same transaction)."""
    LicenceEvent.objects.create(licence=licence, kind=kind, note=note, actor=actor)
    audit_record(
        actor=actor,
        action=action,
        object_type="licence",
        object_id=str(licence.pk),
        summary=summary,
        details={"person": str(licence.person_id), "event": kind, **(details or {})},
    )


def locked(licence: Licence) -> Licence:
    """The licence row again, locked for this transaction, so two approvals cannot race."""
    return Licence.objects.select_for_update().select_related("person").get(pk=licence.pk)


@dataclass(frozen=True)
class LicenceDetails:
    start_date: date | None
    end_date: date | None
    supervising_practitioner: User | None
    approved_address: PersonAddress | None


def _check_details(person: Person, details: LicenceDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    if details.start_date is None:
        errors["start_date"] = "Enter the licence start date"
    if details.end_date is None:
        errors["end_date"] = "Enter the licence end date"
    if details.start_date and details.end_date:
        if details.end_date <= details.start_date:
            errors["end_date"] = "The end date must be after the start date"
        elif (details.end_date - details.start_date).days > MAX_LICENCE_YEARS * 366:
            errors["end_date"] = f"A licence cannot last more than {MAX_LICENCE_YEARS} years"
    practitioner = details.supervising_practitioner
    if practitioner is not None and (
        not practitioner.is_active
        or practitioner.is_service_account
        or practitioner.agency is None
        or practitioner.agency.kind != AgencyKind.PROBATION
        or Role(practitioner.role) not in WRITER_ROLES
    ):
        errors["supervising_practitioner"] = "Choose a probation practitioner"
    address = details.approved_address
    if address is not None and address.person_id != person.pk:
        errors["approved_address"] = "Choose one of the person's addresses"
    elif (
        address is not None
        and details.start_date
        and address.valid_to is not None
        and address.valid_to <= details.start_date
    ):
        errors["approved_address"] = "Choose an address the person lives at"
    return errors


def _standard_conditions(licence: Licence) -> list[LicenceCondition]:
    catalogue = load_catalogue(licence.policy)
    return [
        LicenceCondition(
            licence=licence,
            code=c.code,
            kind=c.kind,
            category=c.category,
            values={},
            valid_from=licence.start_date,
            position=position,
        )
        for position, c in enumerate(catalogue.conditions)
        if c.kind == "standard" and c.licence_type == licence.licence_type and not c.inputs
    ]


def licence_create(*, actor: Any, person: Person, details: LicenceDetails) -> Licence:
    """A draft licence with every standard condition of the policy in force at its start."""
    require_probation(actor)
    errors = _check_details(person, details)
    if errors:
        raise refuse("Check the licence details", errors)
    assert details.start_date is not None and details.end_date is not None
    with transaction.atomic():
        if Licence.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
            raise refuse("This person already has a licence that is being prepared or in force")
        licence = Licence.objects.create(
            person=person,
            policy=policy_for(details.start_date, conf.v4_start()),
            start_date=details.start_date,
            end_date=details.end_date,
            supervising_practitioner=details.supervising_practitioner or actor,
            approved_address=details.approved_address,
            created_by=actor,
        )
        LicenceCondition.objects.bulk_create(_standard_conditions(licence))
        record(
            actor=actor,
            licence=licence,
            kind="created",
            summary="created a draft licence",
            action=AuditAction.COLLECTION,
            details={"policy": licence.policy},
        )
    return licence


def _require_status(licence: Licence, *allowed: LicenceStatus, message: str) -> None:
    if licence.status not in allowed:
        raise refuse(message)


def licence_update(*, actor: Any, licence: Licence, details: LicenceDetails) -> Licence:
    """Change a draft's dates, supervising practitioner or approved address."""
    require_probation(actor)
    errors = _check_details(licence.person, details)
    if errors:
        raise refuse("Check the licence details", errors)
    assert details.start_date is not None and details.end_date is not None
    with transaction.atomic():
        licence = locked(licence)
        _require_status(licence, LicenceStatus.DRAFT, message="Only a draft can be edited")
        if policy_for(details.start_date, conf.v4_start()) != licence.policy:
            raise refuse(
                "Check the licence details",
                {"start_date": "That start date falls under another policy: create a new licence"},
            )
        licence.start_date, licence.end_date = details.start_date, details.end_date
        licence.supervising_practitioner = details.supervising_practitioner or actor
        licence.approved_address = details.approved_address
        licence.save()
        # In a draft every condition applies from the start, wherever the start moves.
        licence.conditions.update(valid_from=licence.start_date)
        record(actor=actor, licence=licence, kind="edited", summary="edited a draft licence")
    return licence


def _prepared_or_refuse(actor: Any, licence: Licence, entry: ConditionEntry) -> Any:
    prepared, errors = condition_prepare(actor=actor, licence=licence, entry=entry)
    if errors or prepared is None:
        raise refuse("Check the condition", errors)
    return prepared


def refuse_duplicate(licence: Licence, code: str, current: list[LicenceCondition]) -> None:
    """One of each condition, except zones (several areas) and bespoke wording."""
    from safeguard.licences.conditions import catalogue_condition

    condition = catalogue_condition(licence, code)
    if condition is None or any(s.type == "zone" for s in condition.all_inputs().values()):
        return
    if any(row.code.lower() == code.lower() for row in current):
        raise refuse(
            "This licence already has that condition: change it instead",
            {"code": "This licence already has that condition"},
        )


def licence_condition_add(*, actor: Any, licence: Licence, entry: ConditionEntry) -> Any:
    """Add a condition to a draft (a licence in force is changed by a variation)."""
    require_probation(actor)
    with transaction.atomic():
        licence = locked(licence)
        _require_status(
            licence, LicenceStatus.DRAFT, message="Conditions of this licence change by variation"
        )
        prepared = _prepared_or_refuse(actor, licence, entry)
        current = list(licence.conditions.filter(valid_to__isnull=True))
        refuse_duplicate(licence, prepared.code, current)
        row = LicenceCondition.objects.create(
            licence=licence,
            code=prepared.code,
            kind=prepared.kind,
            category=prepared.category,
            values=prepared.values,
            bespoke_text=prepared.bespoke_text,
            event_windows=prepared.event_windows,
            valid_from=licence.start_date,
            position=1 + max((r.position for r in current), default=0),
        )
        record(
            actor=actor,
            licence=licence,
            kind="condition_added",
            summary="added a condition to a draft licence",
            details={"condition": row.pk, "code": row.code},
        )
    return row


def licence_condition_change(
    *, actor: Any, licence: Licence, condition: LicenceCondition, entry: ConditionEntry
) -> LicenceCondition:
    require_probation(actor)
    with transaction.atomic():
        licence = locked(licence)
        _require_status(
            licence, LicenceStatus.DRAFT, message="Conditions of this licence change by variation"
        )
        prepared = _prepared_or_refuse(actor, licence, entry)
        if prepared.code.lower() != condition.code.lower():
            raise refuse("Check the condition", {"code": "A change keeps the same condition"})
        condition.values = prepared.values
        condition.bespoke_text = prepared.bespoke_text
        condition.event_windows = prepared.event_windows
        condition.save(update_fields=["values", "bespoke_text", "event_windows"])
        record(
            actor=actor,
            licence=licence,
            kind="condition_changed",
            summary="changed a condition of a draft licence",
            details={"condition": condition.pk, "code": condition.code},
        )
    return condition


def licence_condition_remove(*, actor: Any, licence: Licence, condition: LicenceCondition) -> None:
    require_probation(actor)
    with transaction.atomic():
        licence = locked(licence)
        _require_status(
            licence, LicenceStatus.DRAFT, message="Conditions of this licence change by variation"
        )
        if condition.kind == "standard":
            raise refuse("Standard conditions are on every licence and cannot be removed")
        record(
            actor=actor,
            licence=licence,
            kind="condition_removed",
            summary="removed a condition from a draft licence",
            details={"condition": condition.pk, "code": condition.code},
        )
        condition.delete()
