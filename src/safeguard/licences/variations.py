"""Varying a licence in force: conditions added, removed or changed from an effective date.

Rows in force are never edited: a removal closes the row (``valid_to`` = the effective date), a
change closes it and opens a new version with the same ``lineage``, an addition opens a new
row. So ``conditions_in_force(licence, on=day)`` answers for any day (ADR 0303).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from safeguard.licences.conditions import ConditionEntry, condition_prepare
from safeguard.licences.models import (
    IN_FORCE_STATUSES,
    Licence,
    LicenceCondition,
    LicenceStatus,
    LicenceVariation,
)
from safeguard.licences.services import (
    WRITER_ROLES,
    locked,
    record,
    refuse,
    refuse_duplicate,
    require_probation,
    require_role,
)
from safeguard.site.errors import DomainError

REASON_LIMIT = 4000


@dataclass(frozen=True)
class ConditionChange:
    condition_id: int
    entry: ConditionEntry


@dataclass(frozen=True)
class VariationInput:
    effective_from: date | None
    reason: str
    add: Sequence[ConditionEntry] = ()
    remove: Sequence[int] = ()
    change: Sequence[ConditionChange] = field(default_factory=tuple)


def _check_dates(licence: Licence, effective_from: date | None) -> dict[str, str]:
    if effective_from is None:
        return {"effective_from": "Enter the date the change takes effect"}
    if not licence.start_date <= effective_from <= licence.end_date:
        return {"effective_from": "The change must take effect within the licence period"}
    latest = licence.variations.order_by("-effective_from").first()
    if latest is not None and effective_from < latest.effective_from:
        when = f"{latest.effective_from.day} {latest.effective_from:%B %Y}"
        return {"effective_from": f"The change cannot take effect before the last one ({when})"}
    return {}


def _current(licence: Licence, condition_id: int, path: str, errors: dict[str, str]) -> Any:
    row = licence.conditions.filter(pk=condition_id, valid_to__isnull=True).first()
    if row is None:
        errors[path] = "That condition is not on the licence"
    return row


def licence_vary(*, actor: Any, licence: Licence, variation: VariationInput) -> LicenceVariation:
    """Apply one variation (any number of changes, one effective date and reason)."""
    require_probation(actor)
    require_role(actor, WRITER_ROLES, "You cannot vary licences")
    with transaction.atomic():
        licence = locked(licence)
        if licence.status not in IN_FORCE_STATUSES:
            raise refuse("Only a licence in force can be varied")
        errors = _check_dates(licence, variation.effective_from)
        reason = variation.reason.strip()
        if not reason:
            errors["reason"] = "Enter the reason for the change"
        elif len(reason) > REASON_LIMIT:
            errors["reason"] = f"Enter no more than {REASON_LIMIT:,} characters"
        if not (variation.add or variation.remove or variation.change):
            errors["changes"] = "Add, remove or change at least one condition"
        current = list(licence.conditions.filter(valid_to__isnull=True))
        closing: list[LicenceCondition] = []
        opening: list[tuple[LicenceCondition | None, Any]] = []
        for index, condition_id in enumerate(variation.remove):
            row = _current(licence, condition_id, f"remove[{index}]", errors)
            if row is not None and row.kind == "standard":
                errors[f"remove[{index}]"] = "Standard conditions cannot be removed"
            elif row is not None:
                closing.append(row)
        for index, change in enumerate(variation.change):
            row = _current(licence, change.condition_id, f"change[{index}]", errors)
            prepared, problems = condition_prepare(
                actor=actor, licence=licence, entry=change.entry, standard_allowed=True
            )
            errors.update({f"change[{index}].{k}": v for k, v in problems.items()})
            if row is not None and prepared is not None:
                if prepared.code.lower() != row.code.lower():
                    errors[f"change[{index}].code"] = "A change keeps the same condition"
                closing.append(row)
                opening.append((row, prepared))
        for index, entry in enumerate(variation.add):
            prepared, problems = condition_prepare(actor=actor, licence=licence, entry=entry)
            errors.update({f"add[{index}].{k}": v for k, v in problems.items()})
            if prepared is not None:
                try:
                    refuse_duplicate(licence, prepared.code, current)
                except DomainError as error:  # reported against this entry
                    fields = error.extra.get("fields") or {}
                    errors[f"add[{index}].code"] = fields.get("code", error.message)
                opening.append((None, prepared))
        if len({row.pk for row in closing}) != len(closing):
            errors["changes"] = "Each condition can change only once in a variation"
        if errors:
            raise refuse("Check the variation", errors)
        assert variation.effective_from is not None
        applied = LicenceVariation.objects.create(
            licence=licence,
            effective_from=variation.effective_from,
            reason=reason,
            created_by=actor,
        )
        for row in closing:
            row.valid_to = variation.effective_from
            row.ended_by = applied
            row.save(update_fields=["valid_to", "ended_by"])
        next_position = 1 + max((r.position for r in current), default=0)
        created = []
        for old, prepared in opening:
            created.append(
                LicenceCondition.objects.create(
                    licence=licence,
                    lineage=old.lineage if old else uuid.uuid4(),
                    code=prepared.code,
                    kind=prepared.kind,
                    category=prepared.category,
                    values=prepared.values,
                    bespoke_text=prepared.bespoke_text,
                    event_windows=prepared.event_windows,
                    valid_from=variation.effective_from,
                    added_by=applied,
                    position=old.position if old else next_position,
                )
            )
            if old is None:
                next_position += 1
        licence.status = LicenceStatus.VARIED
        licence.save(update_fields=["status"])
        record(
            actor=actor,
            licence=licence,
            kind="varied",
            note=reason,
            summary="varied a licence",
            details={
                "variation": applied.pk,
                "effective_from": variation.effective_from.isoformat(),
                "removed": sorted(r.pk for r in closing if all(r is not o for o, _ in opening)),
                "changed": sorted(o.pk for o, _ in opening if o is not None),
                "added": sorted(r.pk for r in created),
            },
        )
    return applied
