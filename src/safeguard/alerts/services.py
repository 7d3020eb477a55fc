"""The human side of an alert: acknowledge it, close it with a decision and a rationale, and
reopen it. Only a recorded decision closes an alert (docs/adr/0205). Every change is audited
in its transaction and kept in the alert's history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.alerts.models import (
    Alert,
    AlertAction,
    AlertActionKind,
    AlertDecision,
    AlertState,
)
from safeguard.alerts.selectors import full_view_ids
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.site.errors import DomainError

RATIONALE_MIN = 10
RATIONALE_MAX = 4000


def _audit(actor: Any, alert: Alert, summary: str, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.ALTERATION,
        object_type="alert",
        object_id=str(alert.pk),
        summary=summary,
        details={"child": str(alert.child_id), "rule": alert.rule, **details},
    )


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def alert_acknowledge(*, actor: Any, alert: Alert) -> Alert:
    """Someone has seen it and is looking into it (either agency may)."""
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state != AlertState.OPEN:
            raise DomainError("This alert has already been acknowledged")
        now = timezone.now()
        alert.state, alert.acknowledged_by, alert.acknowledged_at = (
            AlertState.ACKNOWLEDGED,
            actor,
            now,
        )
        alert.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
        AlertAction.objects.create(
            alert=alert, kind=AlertActionKind.ACKNOWLEDGED, actor=actor, at=now
        )
        _audit(actor, alert, "acknowledged an alert")
    return alert


def _check_decision(decision: str, rationale: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if decision not in AlertDecision.values:
        errors["decision"] = "Choose the decision"
    text = rationale.strip()
    if len(text) < RATIONALE_MIN:
        errors["rationale"] = "Give the reasons for the decision"
    elif len(text) > RATIONALE_MAX:
        errors["rationale"] = f"Use {RATIONALE_MAX} characters or fewer"
    return errors


def alert_close(*, actor: Any, alert: Alert, decision: str, rationale: str) -> Alert:
    """Close with a decision and its rationale: for whoever may see the child (children's
    services decide about the child; probation acknowledges and acts on its own side)."""
    if not full_view_ids(actor, [alert]):
        raise DomainError("Only children's services staff for this child can close this alert")
    errors = _check_decision(decision, rationale)
    if errors:
        raise DomainError("Check the decision", {"fields": errors})
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state == AlertState.CLOSED:
            raise DomainError("This alert is already closed")
        if alert.state == AlertState.OPEN:
            raise DomainError("Acknowledge the alert before closing it")
        now = timezone.now()
        alert.state, alert.decision, alert.rationale = (
            AlertState.CLOSED,
            decision,
            rationale.strip(),
        )
        alert.closed_by, alert.closed_at = actor, now
        alert.save(update_fields=["state", "decision", "rationale", "closed_by", "closed_at"])
        AlertAction.objects.create(
            alert=alert,
            kind=AlertActionKind.CLOSED,
            decision=decision,
            note=alert.rationale,
            actor=actor,
            at=now,
        )
        _audit(actor, alert, "closed an alert with a decision", decision=decision)
    return alert


def alert_reopen(*, actor: Any, alert: Alert, reason: str) -> Alert:
    """A closed alert back to open (new information, a decision overturned): audited."""
    if not full_view_ids(actor, [alert]):
        raise DomainError("Only children's services staff for this child can reopen this alert")
    text = reason.strip()
    if len(text) < RATIONALE_MIN:
        raise DomainError("Check the reason", {"fields": {"reason": "Say why it is reopened"}})
    if len(text) > RATIONALE_MAX:
        raise DomainError("Check the reason", {"fields": {"reason": "Too long"}})
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state != AlertState.CLOSED:
            raise DomainError("Only a closed alert can be reopened")
        now = timezone.now()
        previous = alert.decision
        alert.state, alert.decision, alert.rationale = AlertState.OPEN, "", ""
        alert.acknowledged_by, alert.acknowledged_at = None, None
        alert.closed_by, alert.closed_at = None, None
        alert.save(
            update_fields=[
                "state",
                "decision",
                "rationale",
                "acknowledged_by",
                "acknowledged_at",
                "closed_by",
                "closed_at",
            ]
        )
        AlertAction.objects.create(
            alert=alert, kind=AlertActionKind.REOPENED, note=text, actor=actor, at=now
        )
        _audit(actor, alert, "reopened an alert", previous_decision=previous)
    return alert
