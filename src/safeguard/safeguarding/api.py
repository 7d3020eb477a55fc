"""API for staff: children, their chronology, recording events, notifications, the plan flag.

Thin: each operation parses, calls a selector or service, and returns its own schema. The
partner-agency feeds are in ``feeds.py``.
"""

# No ``from __future__ import annotations``: django-ninja reads the operations' annotations
# through the access-policy wrapper, whose globals cannot resolve string names.

import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from safeguard.safeguarding.access import access_child_by_id
from safeguard.safeguarding.exports import chronology_export
from safeguard.safeguarding.selectors import (
    Filters,
    child_flag_lookup,
    child_page,
    chronology_page,
    register,
)
from safeguard.safeguarding.selectors.chronology import event_page
from safeguard.safeguarding.selectors.events import EventRow
from safeguard.safeguarding.selectors.notifications import notifications_for
from safeguard.safeguarding.selectors.plans import PlanStatus
from safeguard.safeguarding.services import NewAdult, contact_record
from safeguard.site.policy import STAFF, access_policy

router = Router(tags=["safeguarding"])


class PlanOut(Schema):
    category: str
    started_on: date
    ended_on: date | None
    social_worker: str | None
    team: str
    next_visit_due: date | None
    visit_overdue: bool
    next_review_due: date | None
    review_overdue: bool


class ChildListItemOut(Schema):
    id: uuid.UUID
    name: str
    date_of_birth: date | None
    plan: PlanOut | None


class HouseholdMemberOut(Schema):
    person: uuid.UUID
    name: str
    role: str
    relationship: str
    moved_in_on: date
    moved_out_on: date | None
    known_by: str


class AdultSeenOut(Schema):
    person: uuid.UUID
    name: str
    times: int
    last_seen: datetime | None
    agencies: list[str]
    in_recorded_household: bool
    seen_while_not_in_household: int


class ChildOut(Schema):
    id: uuid.UUID
    name: str
    date_of_birth: date | None
    plan: PlanOut | None
    household: list[HouseholdMemberOut]
    adults_seen: list[AdultSeenOut]
    events: int


class AdultRefOut(Schema):
    person: uuid.UUID
    name: str
    in_recorded_household: bool


class EventOut(Schema):
    id: str
    at: datetime
    agency: str
    kind: str
    details: dict[str, Any]
    summary: str
    adults_present: list[AdultRefOut]
    narrative: str
    significant: bool
    action_taken: str


class ChronologyOut(Schema):
    total: int
    page: int
    pages: int
    events: list[EventOut]


class NewAdultIn(Schema):
    given_name: str
    family_name: str
    date_of_birth: date | None = None


class EventIn(Schema):
    kind: str
    agency: str
    at: datetime
    details: dict[str, Any] = {}
    new_adults: list[NewAdultIn] = []
    narrative: str = ""
    significant: bool = False
    action_taken: str = ""


class ChronologyQuery(Schema):
    agency: list[str] = []
    kind: list[str] = []
    date_from: date | None = None
    date_to: date | None = None
    significant: bool = False
    page: int = 1


class NotificationOut(Schema):
    id: int
    message: str
    link: str
    child: str | None
    created_at: datetime
    read_at: datetime | None


class FlagIn(Schema):
    nhs_number: str
    reason: str


class FlagOut(Schema):
    on_plan: bool
    category: str
    team: str
    agency: str
    contact: str
    contact_email: str


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def plan_out(status: PlanStatus | None) -> PlanOut | None:
    if status is None:
        return None
    plan = status.plan
    return PlanOut(
        category=plan.category,
        started_on=plan.started_on,
        ended_on=plan.ended_on,
        social_worker=plan.social_worker.display_name if plan.social_worker else None,
        team=plan.team.name,
        next_visit_due=status.visit.due_on if status.visit else None,
        visit_overdue=bool(status.visit and status.visit.overdue),
        next_review_due=status.review.due_on if status.review else None,
        review_overdue=bool(status.review and status.review.overdue),
    )


def event_out(row: EventRow) -> EventOut:
    e = row.event
    return EventOut(
        id=e.public_id,
        at=e.occurred_at,
        agency=e.agency,
        kind=e.kind,
        details=e.details,
        summary=row.text,
        adults_present=[
            AdultRefOut(
                person=uuid.UUID(a.person_id), name=a.name, in_recorded_household=a.in_household
            )
            for a in row.adults
        ],
        narrative=e.narrative,
        significant=e.significant,
        action_taken=e.action_taken,
    )


@router.get("/children", response=list[ChildListItemOut], summary="Children I may see")
@access_policy(STAFF)
def children_list(request: HttpRequest) -> list[ChildListItemOut]:
    return [
        ChildListItemOut(
            id=r.child.pk,
            name=r.child.person.full_name,
            date_of_birth=r.child.person.date_of_birth,
            plan=plan_out(r.status),
        )
        for r in register(user=_user(request))
    ]


@router.get("/children/{child_id}", response=ChildOut, summary="A child's record")
@access_policy(STAFF)
def child_get(request: HttpRequest, child_id: str) -> ChildOut:
    page = child_page(user=_user(request), child_id=child_id)
    return ChildOut(
        id=page.child.pk,
        name=page.child.person.full_name,
        date_of_birth=page.child.person.date_of_birth,
        plan=plan_out(page.status) if page.status and page.status.plan.is_open else None,
        household=[
            HouseholdMemberOut(
                person=h.member.person_id,
                name=h.name,
                role=h.member.role,
                relationship=h.member.relationship,
                moved_in_on=h.member.moved_in_on,
                moved_out_on=h.member.moved_out_on,
                known_by=h.member.known_by,
            )
            for h in page.household
        ],
        adults_seen=[
            AdultSeenOut(
                person=uuid.UUID(a.person_id),
                name=a.name,
                times=a.times,
                last_seen=a.last_seen,
                agencies=sorted(a.agencies),
                in_recorded_household=a.status == "current",
                seen_while_not_in_household=a.times_not_in_household,
            )
            for a in page.adults_seen
        ],
        events=page.event_count,
    )


@router.get(
    "/children/{child_id}/chronology", response=ChronologyOut, summary="A child's chronology"
)
@access_policy(STAFF)
def child_chronology_get(
    request: HttpRequest, child_id: str, filters: Query[ChronologyQuery]
) -> ChronologyOut:
    page = chronology_page(
        user=_user(request),
        child_id=child_id,
        filters=Filters(
            agencies=tuple(filters.agency),
            kinds=tuple(filters.kind),
            date_from=filters.date_from,
            date_to=filters.date_to,
            significant_only=filters.significant,
        ).clean(),
        page=filters.page,
    )
    return ChronologyOut(
        total=page.total, page=page.page, pages=page.pages, events=[event_out(r) for r in page.rows]
    )


@router.post(
    "/children/{child_id}/events",
    response={201: EventOut},
    summary="Record an event in a child's chronology",
)
@access_policy(STAFF)
def child_event_post(request: HttpRequest, child_id: str, payload: EventIn) -> Status[EventOut]:
    user = _user(request)
    child = access_child_by_id(user, child_id)
    event = contact_record(
        actor=user,
        child=child,
        kind=payload.kind,
        agency=payload.agency,
        occurred_at=payload.at,
        details=payload.details,
        new_adults=[
            NewAdult(a.given_name, a.family_name, a.date_of_birth) for a in payload.new_adults
        ],
        narrative=payload.narrative,
        significant=payload.significant,
        action_taken=payload.action_taken,
        source="api",
    )
    # The response shows the event back: its own consultation entry.
    row = event_page(user=user, child_id=child.pk, event_id=event.pk).row
    return Status(201, event_out(row))


@router.get(
    "/children/{child_id}/events.jsonl",
    summary="Every event of a child in the EVENTS.jsonl shape (a disclosure)",
    response={200: None},
)
@access_policy(STAFF)
def child_events_export(
    request: HttpRequest, child_id: str, purpose: str, recipients: str
) -> HttpResponse:
    user = _user(request)
    child = access_child_by_id(user, child_id)
    made = chronology_export(
        actor=user, child=child, fmt="jsonl", purpose=purpose, recipients=[recipients]
    )
    return HttpResponse(made.content, content_type=made.content_type)


@router.get("/notifications", response=list[NotificationOut], summary="My notifications")
@access_policy(STAFF)
def notifications_list(request: HttpRequest) -> list[NotificationOut]:
    return [
        NotificationOut(
            id=r.notification.pk,
            message=r.notification.message,
            link=r.notification.link,
            child=r.child_name or None,
            created_at=r.notification.created_at,
            read_at=r.notification.read_at,
        )
        for r in notifications_for(user=_user(request))
    ]


@router.post("/child-flag", response=FlagOut, summary="Is a child on a protection plan? (CP-IS)")
@access_policy(STAFF)
def child_flag_post(request: HttpRequest, payload: FlagIn) -> FlagOut:
    flag = child_flag_lookup(
        user=_user(request), nhs_number=payload.nhs_number, reason=payload.reason
    )
    return FlagOut(**flag.__dict__)
