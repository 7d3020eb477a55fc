"""What a user may see of monitoring: a subject's violations are visible iff the person is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from safeguard.licences.orders import monitoring_orders
from safeguard.monitoring.models import Fix, Violation, ViolationState
from safeguard.people.access import access_person_by_id, people_visible_to
from safeguard.people.models import Person
from safeguard.site.errors import NotFoundError

TRAIL_FIXES = 500
QUEUE_LIMIT = 500


def violations_visible_to(user: Any) -> QuerySet[Violation]:
    return Violation.objects.filter(person__in=people_visible_to(user)).select_related("person")


def violation_queue(user: Any, *, include_closed: bool = False) -> list[Violation]:
    """Newest and most serious first: open before acknowledged, then by start, then kind."""
    rows = violations_visible_to(user).filter(superseded=False)
    if not include_closed:
        rows = rows.exclude(state=ViolationState.CLOSED)
    state_rank = Case(
        When(state=ViolationState.OPEN, then=Value(0)),
        When(state=ViolationState.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(rows.order_by(state_rank, "-started_at", "-severity", "-pk")[:QUEUE_LIMIT])


def access_violation_by_id(user: Any, violation_id: int) -> Violation:
    row = violations_visible_to(user).filter(pk=violation_id).first()
    if row is None:
        raise NotFoundError()
    return row


def duration(violation: Violation, now: datetime | None = None) -> timedelta:
    end = violation.ended_at or now or timezone.now()
    return max(end - violation.started_at, timedelta(0))


@dataclass
class SubjectView:
    person: Person
    violations: list[Violation]
    total_time: timedelta
    map_data: dict[str, Any]


def subject_view(user: Any, person_id: str) -> SubjectView:
    person = access_person_by_id(user, person_id)
    subject = str(person.pk)
    violations = list(Violation.objects.filter(person=person).order_by("-started_at"))
    total = sum((duration(v) for v in violations), timedelta(0))
    fixes = list(
        Fix.objects.filter(subject=subject)
        .order_by("-recorded_at")
        .values_list("lat", "lon")[:TRAIL_FIXES]
    )
    fixes.reverse()
    orders = [
        o for o in monitoring_orders(on=timezone.localdate()).orders if o["subject"] == subject
    ]
    zones = [
        {"id": z["id"], "kind": z["kind"], "geometry": z["geometry"]}
        for order in orders
        for z in order.get("zones", [])
    ]
    centre = {"lat": fixes[-1][0], "lon": fixes[-1][1]} if fixes else {"lat": 51.5, "lon": -0.12}
    return SubjectView(
        person=person,
        violations=violations,
        total_time=total,
        map_data={"trail": [[lat, lon] for lat, lon in fixes], "zones": zones, "centre": centre},
    )
