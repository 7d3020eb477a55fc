"""Alerts API (/api/v1/alerts/): the queue, one alert, acknowledge, close, reopen, and the
fairness report. The same selectors and services as the pages, so the same access rules,
audit entries and errors.
"""

# No ``from __future__ import annotations``: django-ninja reads the operations' annotations
# through the access-policy wrapper, whose globals cannot resolve string names.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from safeguard.alerts.fairness import fairness_report
from safeguard.alerts.selectors import SCOPES, QueueRow, access_alert_by_id, alert_view, queue_page
from safeguard.alerts.services import alert_acknowledge, alert_close, alert_reopen
from safeguard.alerts.views import OVERSIGHT
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy

router = Router(tags=["alerts"])


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


class AlertListItemOut(Schema):
    id: int
    rule: str
    label: str
    severity: int
    raised_at: datetime
    state: str
    child: str | None  # the child's person id, in the full view only
    child_name: str | None
    full_view: bool


class EvidenceOut(Schema):
    id: str
    at: datetime
    agency: str
    kind: str


class ActionOut(Schema):
    kind: str
    decision: str
    note: str
    by: str | None
    at: datetime


class RecipientOut(Schema):
    name: str
    side: str
    reason: str


class AlertOut(Schema):
    id: int
    rule: str
    label: str
    severity: int
    raised_at: datetime
    state: str
    decision: str
    rationale: str
    full_view: bool
    child: str | None
    child_name: str | None
    adult: str | None
    explanation: str | None
    guidance: str
    rule_version: str
    settings: dict[str, Any]
    evidence: list[EvidenceOut]
    restriction: str
    recipients: list[RecipientOut]
    contacts: list[RecipientOut]
    history: list[ActionOut]
    superseded: bool


class QueueQuery(Schema):
    scope: str = "mine"
    closed: bool = False


class CloseIn(Schema):
    decision: str
    rationale: str


class ReopenIn(Schema):
    reason: str


def _item(r: QueueRow) -> AlertListItemOut:
    a = r.alert
    return AlertListItemOut(
        id=a.pk,
        rule=a.rule,
        label=a.rule_label,
        severity=a.severity,
        raised_at=a.raised_at,
        state=a.state,
        child=str(a.child_id) if r.full else None,
        child_name=r.child_name or None,
        full_view=r.full,
    )


@router.get("/", response=list[AlertListItemOut], summary="My alerts queue")
@access_policy(STAFF)
def alerts_list(request: HttpRequest, query: Query[QueueQuery]) -> list[AlertListItemOut]:
    if query.scope not in SCOPES:
        raise DomainError("Check the scope", {"fields": {"scope": "Use mine, team or all"}})
    rows = queue_page(_user(request), scope=query.scope, include_closed=query.closed)
    return [_item(r) for r in rows]


@router.get("/fairness", summary="Alert counts and outcomes by rule and group (suppressed)")
@access_policy(OVERSIGHT)
def alerts_fairness(request: HttpRequest) -> dict[str, Any]:
    report = fairness_report(_user(request))
    return {
        "children": report.children,
        "alerts": report.alerts,
        "by_rule": [
            {
                "rule": r.rule,
                "alerts": r.alerts,
                "open": r.open,
                "acknowledged": r.acknowledged,
                "closed": r.closed,
                "decisions": dict(r.decisions),
            }
            for r in report.by_rule
        ],
        "groups": {name: [g.__dict__ for g in rows] for name, rows in report.dimensions},
    }


def _alert_out(user: Any, alert_id: int) -> AlertOut:
    view = alert_view(user, alert_id)
    a = view.alert
    return AlertOut(
        id=a.pk,
        rule=a.rule,
        label=a.rule_label,
        severity=a.severity,
        raised_at=a.raised_at,
        state=a.state,
        decision=a.decision,
        rationale=a.rationale if view.full else "",
        full_view=view.full,
        child=view.child_id or None,
        child_name=view.child_name or None,
        adult=str(view.adult.pk) if view.adult else None,
        explanation=a.explanation if view.full else None,
        guidance=a.guidance,
        rule_version=a.rule_version,
        settings=a.settings,
        evidence=[
            EvidenceOut(
                id=e.public_id, at=e.event.occurred_at, agency=e.event.agency, kind=e.event.kind
            )
            for e in view.evidence
        ],
        restriction=view.restriction,
        recipients=[
            RecipientOut(name=r.name, side=r.side, reason=r.reason) for r in view.recipients
        ],
        contacts=[RecipientOut(name=r.name, side=r.side, reason=r.reason) for r in view.contacts],
        history=[
            ActionOut(
                kind=x.kind,
                decision=x.decision,
                note=x.note if view.full else "",
                by=x.actor.username if x.actor else None,
                at=x.at,
            )
            for x in view.actions
        ],
        superseded=a.superseded,
    )


@router.get("/{alert_id}", response=AlertOut, summary="One alert: explanation, evidence, guidance")
@access_policy(STAFF)
def alert_get(request: HttpRequest, alert_id: int) -> AlertOut:
    return _alert_out(_user(request), alert_id)


@router.post("/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
@access_policy(STAFF)
def alert_acknowledge_api(request: HttpRequest, alert_id: int) -> AlertOut:
    user = _user(request)
    alert_acknowledge(actor=user, alert=access_alert_by_id(user, alert_id))
    return _alert_out(user, alert_id)


@router.post("/{alert_id}/close", response=AlertOut, summary="Close with a decision and rationale")
@access_policy(STAFF)
def alert_close_api(request: HttpRequest, alert_id: int, payload: CloseIn) -> AlertOut:
    user = _user(request)
    alert = access_alert_by_id(user, alert_id)
    alert_close(actor=user, alert=alert, decision=payload.decision, rationale=payload.rationale)
    return _alert_out(user, alert_id)


@router.post("/{alert_id}/reopen", response=AlertOut, summary="Reopen a closed alert")
@access_policy(STAFF)
def alert_reopen_api(request: HttpRequest, alert_id: int, payload: ReopenIn) -> AlertOut:
    user = _user(request)
    alert_reopen(actor=user, alert=access_alert_by_id(user, alert_id), reason=payload.reason)
    return _alert_out(user, alert_id)
