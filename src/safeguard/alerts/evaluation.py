"""Run the indicator engine over stored chronologies and keep its alerts (idempotently).

``alerts_reevaluate(child_ids)`` reads the whole chronology of each child (one query), runs
the pure engine once for all of them, and upserts ``Alert`` rows by their key. An alert the
engine raises again is the same row (its explanation and evidence refreshed if a corrected
chronology changed them); an alert it no longer raises is marked superseded, never deleted.
New alerts are routed (routing.py) and, when they go to probation, audited as a disclosure.
Everything happens in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from safeguard.accounts.models import User
from safeguard.alerts import clock
from safeguard.alerts.models import (
    Alert,
    AlertAction,
    AlertActionKind,
    AlertRecipient,
    RecipientSide,
)
from safeguard.alerts.routing import recipients_create
from safeguard.alerts.rules import LINK_JUSTIFICATION, RESTRICTED_ADULT, rule_severity
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.safeguarding.engine import Alert as EngineAlert
from safeguard.safeguarding.engine import Event, evaluate_children
from safeguard.safeguarding.engine.events import utc_text
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.timeutil import local_date, to_local


def alert_key(alert: EngineAlert) -> str:
    """child + rule + rule version + the window (the moment it was raised, its first event)."""
    first = alert.evidence[0] if alert.evidence else ""
    text = "|".join([alert.child, alert.rule, alert.rule_version, utc_text(alert.raised_at), first])
    return hashlib.sha256(text.encode()).hexdigest()


def engine_events(child_ids: Iterable[Any]) -> list[Event]:
    """Every event of these children as the engine reads them (EVENTS.jsonl shape)."""
    rows = (
        ChronologyEvent.objects.filter(child_id__in=list(child_ids))
        .order_by("child_id", "occurred_at", "id")
        .values_list("pk", "child_id", "occurred_at", "agency", "kind", "details")
    )
    return [
        Event(
            id=f"e{pk}",
            child=str(child_id),
            at=to_local(at),
            kind=kind,
            agency=agency,
            details=details if isinstance(details, dict) else {},
            seq=pk,
        )
        for pk, child_id, at, agency, kind, details in rows.iterator(chunk_size=5000)
    ]


@dataclass
class Outcome:
    raised: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    superseded: list[Alert] = field(default_factory=list)
    children: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.raised or self.updated or self.superseded)


def _restricted_person(alert: EngineAlert, events: dict[str, Event]) -> str:
    for event_id in alert.evidence:
        event = events.get(event_id)
        if event is not None and event.kind == "adult_restriction" and event.person:
            return event.person
    return ""


def alerts_reevaluate(
    child_ids: Iterable[Any],
    *,
    actor: Any | None = None,
    as_of: datetime | None = None,
    actor_label: str = "alerts",
) -> Outcome:
    """Re-run the rules for these children only, as of ``as_of`` (default: the clock)."""
    ids = sorted({str(c) for c in child_ids})
    outcome = Outcome(children=len(ids))
    if not ids:
        return outcome
    events = engine_events(ids)
    moment = as_of or clock.now()
    if events:
        moment = max(moment, *(e.at for e in events))  # a clock a little ahead is accepted
    produced = evaluate_children(events, moment) if events else []
    by_id = {e.id: e for e in events}
    with transaction.atomic():
        existing = {a.key: a for a in Alert.objects.filter(child_id__in=ids)}
        fresh: dict[str, EngineAlert] = {}
        for alert in produced:
            fresh.setdefault(alert_key(alert), alert)
        new_rows: list[Alert] = []
        actions: list[AlertAction] = []
        for key, alert in fresh.items():
            row = existing.get(key)
            if row is None:
                adult = _restricted_person(alert, by_id) if alert.rule == RESTRICTED_ADULT else ""
                new_rows.append(
                    Alert(
                        key=key,
                        child_id=uuid.UUID(alert.child),
                        rule=alert.rule,
                        rule_version=alert.rule_version,
                        raised_at=alert.raised_at,
                        evidence=list(alert.evidence),
                        explanation=alert.explanation,
                        guidance=alert.guidance,
                        settings=alert.to_json()["settings"],
                        severity=rule_severity(alert.rule),
                        adult_id=uuid.UUID(adult) if adult else None,
                        first_seen_at=moment,
                        updated_at=moment,
                    )
                )
                continue
            dirty = False
            if row.evidence != list(alert.evidence) or row.explanation != alert.explanation:
                row.evidence, row.explanation = list(alert.evidence), alert.explanation
                actions.append(AlertAction(alert=row, kind=AlertActionKind.UPDATED, at=moment))
                outcome.updated.append(row)
                dirty = True
            if row.superseded:
                row.superseded = False
                actions.append(AlertAction(alert=row, kind=AlertActionKind.RESTORED, at=moment))
                outcome.updated.append(row)
                dirty = True
            if dirty:
                row.updated_at = moment
                row.save(update_fields=["evidence", "explanation", "superseded", "updated_at"])
        for key, row in existing.items():
            if key not in fresh and not row.superseded:
                row.superseded, row.updated_at = True, moment
                row.save(update_fields=["superseded", "updated_at"])
                actions.append(AlertAction(alert=row, kind=AlertActionKind.SUPERSEDED, at=moment))
                outcome.superseded.append(row)
        Alert.objects.bulk_create(new_rows, batch_size=500)
        outcome.raised = new_rows
        actions += [AlertAction(alert=a, kind=AlertActionKind.RAISED, at=moment) for a in new_rows]
        AlertAction.objects.bulk_create(actions, batch_size=500)
        recipients = recipients_create(new_rows, local_date(moment), moment) if new_rows else []
        _audit(actor, actor_label, outcome, recipients)
    return outcome


def _audit(
    actor: Any | None, label: str, outcome: Outcome, recipients: Sequence[AlertRecipient]
) -> None:
    if not outcome.changed:
        return
    person_actor = actor if getattr(actor, "pk", None) else None
    per_child: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for a in outcome.raised:
        per_child[a.child_id]["raised"].append(a.pk)
        per_child[a.child_id]["rules"].append(a.rule)
    for a in outcome.updated:
        per_child[a.child_id]["updated"].append(a.pk)
    for a in outcome.superseded:
        per_child[a.child_id]["superseded"].append(a.pk)
    drafts = [
        AuditDraft(
            action=AuditAction.COMBINATION,
            object_type="child",
            object_id=str(child_id),
            summary="evaluated the indicator rules over the multi-agency chronology",
            details={k: sorted(set(v)) for k, v in sorted(parts.items())},
        )
        for child_id, parts in sorted(per_child.items(), key=lambda kv: str(kv[0]))
    ]
    # An alert about a child sent to probation is a disclosure of the child to another agency.
    probation: dict[int, list[int]] = defaultdict(list)
    for r in recipients:
        if r.side == RecipientSide.PROBATION and r.user_id is not None:
            probation[r.alert_id].append(r.user_id)
    if probation:
        names = dict(
            User.objects.filter(pk__in={u for us in probation.values() for u in us}).values_list(
                "pk", "username"
            )
        )
        alerts = {a.pk: a for a in outcome.raised}
        for alert_id, users in sorted(probation.items()):
            alert = alerts[alert_id]
            drafts.append(
                AuditDraft(
                    action=AuditAction.DISCLOSURE,
                    object_type="child",
                    object_id=str(alert.child_id),
                    summary="sent a restricted-adult alert about a child to probation",
                    justification=LINK_JUSTIFICATION,
                    recipients=sorted(names[u] for u in set(users)),
                    details={"alert": alert_id, "adult": str(alert.adult_id or "")},
                )
            )
    audit_record_many(
        actor=person_actor, actor_label=None if person_actor else label, drafts=drafts
    )
