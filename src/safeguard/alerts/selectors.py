"""Who may see which alert, and the pages' views of them.

An alert about a child is seen in full by whoever may see the child (safeguarding access:
safeguard.people.access). A ``restricted_adult`` alert is also seen, in part, by probation:
whoever may see the adult, and the probation practitioners it was sent to. That part says
that their person on licence is tied to a child known to children's services, when, the
restriction, and whom to call; not the child's name, chronology or the other agencies' facts
(need-to-know; docs/adr/0207). Anyone else gets the same not-found answer as for a missing alert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from safeguard.alerts.models import (
    Alert,
    AlertAction,
    AlertDecision,
    AlertRecipient,
    AlertState,
    RecipientSide,
)
from safeguard.alerts.rules import RESTRICTED_ADULT
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.access import people_visible_to
from safeguard.people.models import Person
from safeguard.safeguarding.models import ChildProtectionPlan, ChronologyEvent
from safeguard.site.errors import NotFoundError

QUEUE_LIMIT = 500
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SCOPES = ("mine", "team", "all")


def _signed_in_staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and not getattr(user, "is_service_account", False)
    )


def alerts_visible_to(user: Any) -> QuerySet[Alert]:
    if not _signed_in_staff(user):
        return Alert.objects.none()
    visible = people_visible_to(user).values("pk")
    sent = AlertRecipient.objects.filter(user_id=user.pk, side=RecipientSide.PROBATION).values(
        "alert_id"
    )
    return Alert.objects.filter(
        Q(child_id__in=visible)
        | Q(rule=RESTRICTED_ADULT, adult_id__in=visible)
        | Q(rule=RESTRICTED_ADULT, pk__in=sent)
    )


def full_view_ids(user: Any, alerts: list[Alert]) -> set[int]:
    """The alerts whose child this user may see (the rest are probation's partial view)."""
    children = {a.child_id for a in alerts}
    visible = set(people_visible_to(user).filter(pk__in=children).values_list("pk", flat=True))
    return {a.pk for a in alerts if a.child_id in visible}


@dataclass(frozen=True)
class QueueRow:
    alert: Alert
    full: bool
    child_name: str  # "" in the partial view
    adult_name: str  # restricted_adult, when the user may see the adult


def _names(ids: set[Any], user: Any) -> dict[Any, str]:
    people = people_visible_to(user).filter(pk__in=ids)
    return {p.pk: p.full_name for p in people}


def _audit_list(user: Any, summary: str, alerts: list[Alert], **details: Any) -> None:
    audit_record(
        actor=user,
        action=AuditAction.CONSULTATION,
        object_type="alert",
        summary=summary,
        details={"alerts": [a.pk for a in alerts], **details},
    )


def alert_queue(user: Any, *, scope: str = "mine", include_closed: bool = False) -> list[QueueRow]:
    """Open first, then acknowledged (then closed when asked); most serious, newest first."""
    rows = alerts_visible_to(user).filter(superseded=False)
    if scope == "mine":
        rows = rows.filter(pk__in=AlertRecipient.objects.filter(user_id=user.pk).values("alert_id"))
    elif scope == "team":
        rows = rows.filter(
            pk__in=AlertRecipient.objects.filter(team_id=user.team_id).values("alert_id")
        )
    if not include_closed:
        rows = rows.exclude(state=AlertState.CLOSED)
    rank = Case(
        When(state=AlertState.OPEN, then=Value(0)),
        When(state=AlertState.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    alerts = list(rows.order_by(rank, "-severity", "-raised_at", "-pk")[:QUEUE_LIMIT])
    return _rows(user, alerts)


def _rows(user: Any, alerts: list[Alert]) -> list[QueueRow]:
    full = full_view_ids(user, alerts)
    names = _names({a.child_id for a in alerts} | {a.adult_id for a in alerts if a.adult_id}, user)
    return [
        QueueRow(
            alert=a,
            full=a.pk in full,
            child_name=names.get(a.child_id, "") if a.pk in full else "",
            adult_name=names.get(a.adult_id, "") if a.adult_id else "",
        )
        for a in alerts
    ]


def queue_page(user: Any, *, scope: str, include_closed: bool) -> list[QueueRow]:
    with transaction.atomic():
        rows = alert_queue(user, scope=scope, include_closed=include_closed)
        _audit_list(user, "viewed an alerts queue", [r.alert for r in rows], scope=scope)
    return rows


def alerts_about_person(user: Any, person: Person) -> list[QueueRow]:
    """For the person page: alerts about them as a child, or as the restricted adult."""
    rows = (
        alerts_visible_to(user)
        .filter(superseded=False)
        .filter(Q(child_id=person.pk) | Q(adult_id=person.pk))
        .order_by("-raised_at", "-pk")[:50]
    )
    return _rows(user, list(rows))


def access_alert_by_id(user: Any, alert_id: int) -> Alert:
    alert = alerts_visible_to(user).filter(pk=alert_id).select_related("child").first()
    if alert is None:
        raise NotFoundError()
    return alert


@dataclass(frozen=True)
class EvidenceRow:
    event: ChronologyEvent
    public_id: str


@dataclass(frozen=True)
class RecipientRow:
    name: str
    side: str
    reason: str


@dataclass
class AlertView:
    alert: Alert
    full: bool
    child_name: str = ""
    child_id: str = ""
    adult: Person | None = None
    evidence: list[EvidenceRow] = field(default_factory=list)
    restriction: str = ""
    recipients: list[RecipientRow] = field(default_factory=list)
    actions: list[AlertAction] = field(default_factory=list)
    # The partial view (probation): what the child's side is, in general terms.
    child_age: int | None = None
    child_on_plan: bool = False
    contacts: list[RecipientRow] = field(default_factory=list)
    # The engine names people by their person-index id: who they are, for this user.
    named: list[tuple[str, str]] = field(default_factory=list)


def _age(person: Person, today: date) -> int | None:
    return person.age_on(today)


def alert_view(user: Any, alert_id: int) -> AlertView:
    """One alert as this user may see it; the view is audited as a consultation."""
    with transaction.atomic():
        alert = access_alert_by_id(user, alert_id)
        full = bool(full_view_ids(user, [alert]))
        child_person = Person.objects.get(pk=alert.child_id)
        adult = (
            people_visible_to(user).filter(pk=alert.adult_id).first() if alert.adult_id else None
        )
        recipients = list(
            AlertRecipient.objects.filter(alert=alert)
            .select_related("user", "team")
            .order_by("side", "id")
        )
        rows = [
            RecipientRow(
                r.user.display_name if r.user else (r.team.name if r.team else ""),
                r.get_side_display(),
                r.reason,
            )
            for r in recipients
        ]
        ids = [int(e[1:]) for e in alert.evidence if e[1:].isdigit()]
        events = {
            e.pk: e for e in ChronologyEvent.objects.filter(child_id=alert.child_id, pk__in=ids)
        }
        restriction = next(
            (
                str(e.details.get("restriction", ""))
                for e in events.values()
                if e.kind == "adult_restriction"
            ),
            "",
        )
        view = AlertView(alert=alert, full=full, adult=adult, restriction=restriction)
        if full:
            view.child_name = child_person.full_name
            view.child_id = str(child_person.pk)
            view.evidence = [EvidenceRow(events[i], f"e{i}") for i in ids if i in events]
            refs = set(_UUID.findall(alert.explanation))
            names = _names(refs, user) if refs else {}
            view.named = sorted((str(k), v) for k, v in names.items())
            view.recipients = rows
            view.actions = list(alert.actions.select_related("actor"))
        else:
            view.child_age = _age(child_person, timezone.localdate())
            view.child_on_plan = ChildProtectionPlan.objects.filter(
                child_id=alert.child_id, ended_on__isnull=True
            ).exists()
            view.contacts = [
                r
                for r, rec in zip(rows, recipients, strict=True)
                if rec.side == RecipientSide.CHILDRENS_SERVICES
            ]
            view.recipients = [
                r
                for r, rec in zip(rows, recipients, strict=True)
                if rec.side == RecipientSide.PROBATION
            ]
            view.actions = list(alert.actions.select_related("actor"))
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="alert",
            object_id=str(alert.pk),
            summary="viewed an alert" if full else "viewed a restricted-adult alert (probation)",
            justification="" if full else "Recipient of a restricted-adult alert (MAPPA)",
            details={"child": str(alert.child_id), "rule": alert.rule, "full": full},
        )
    return view


DECISIONS = AlertDecision.choices
