"""Working a violation: open → acknowledged → closed with an outcome. Each step is audited in
its own transaction; a step out of order is refused."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.monitoring.models import Violation, ViolationOutcome, ViolationState
from safeguard.site.errors import DomainError


def _audit(actor: Any, violation: Violation, summary: str, details: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.ALTERATION,
        object_type="em_violation",
        object_id=str(violation.pk),
        summary=summary,
        details={"subject": violation.subject, "kind": violation.kind, **details},
    )


def violation_acknowledge(*, actor: Any, violation: Violation) -> Violation:
    with transaction.atomic():
        row = Violation.objects.select_for_update().get(pk=violation.pk)
        if row.state != ViolationState.OPEN:
            raise DomainError("Only an open violation can be acknowledged")
        row.state = ViolationState.ACKNOWLEDGED
        row.acknowledged_by = actor
        row.acknowledged_at = timezone.now()
        row.save()
        _audit(actor, row, "acknowledged an electronic-monitoring violation", {})
    return row


def violation_close(*, actor: Any, violation: Violation, outcome: str, note: str) -> Violation:
    if outcome not in ViolationOutcome.values:
        raise DomainError("Choose an outcome", {"fields": {"outcome": "Choose an outcome"}})
    with transaction.atomic():
        row = Violation.objects.select_for_update().get(pk=violation.pk)
        if row.state != ViolationState.ACKNOWLEDGED:
            raise DomainError("Acknowledge the violation before closing it")
        row.state = ViolationState.CLOSED
        row.outcome = outcome
        row.note = note.strip()
        row.closed_by = actor
        row.closed_at = timezone.now()
        row.save()
        _audit(actor, row, "closed an electronic-monitoring violation", {"outcome": outcome})
    return row
