"""Feeds from partner agencies' systems, with service-account tokens.

- ``POST /api/v1/safeguarding/feeds/health/attendances``: an unscheduled-care or GP attendance
  (the CP-IS flow); an attendance by a child on a plan notifies the allocated social worker.
- ``POST /api/v1/safeguarding/feeds/police/callouts``: a police call-out, with the adults
  present named as the police recorded them.

A feed's account must belong to an agency of the feed's kind. Each item carries the sender's
own ``reference``: resending it returns the event already recorded (200), not a copy.
Children are identified by NHS number (or person-index id); an unknown child is not found.
"""

# No ``from __future__ import annotations``: django-ninja reads the operations' annotations
# through the access-policy wrapper, whose globals cannot resolve string names.

import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from safeguard.accounts.roles import AgencyKind
from safeguard.people.models import IdentifierScheme, PersonIdentifier
from safeguard.safeguarding.kinds import ATTENDANCE_SETTINGS
from safeguard.safeguarding.models import Child, ChronologyEvent, EventAgency, Notification
from safeguard.safeguarding.services import NewAdult, contact_record
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import access_policy, service

router = Router(tags=["feeds"])

HEALTH_FEED = service("health-feed")
POLICE_FEED = service("police-feed")


class FeedChild(Schema):
    nhs_number: str | None = None
    child: uuid.UUID | None = None


class AdultIn(Schema):
    given_name: str
    family_name: str
    date_of_birth: date | None = None


class AttendanceIn(FeedChild):
    reference: str = Field(min_length=1, max_length=100)
    at: datetime
    setting: str = Field(description=", ".join(s for s, _ in ATTENDANCE_SETTINGS))
    provider: str
    reason: str = ""
    accompanied_by: list[AdultIn] = []


class CalloutIn(FeedChild):
    reference: str = Field(min_length=1, max_length=100)
    at: datetime
    reason: str
    adults_present: list[AdultIn] = []
    narrative: str = ""


class FeedOut(Schema):
    event: str
    duplicate: bool
    social_worker_notified: bool


def _feed_user(request: HttpRequest, kind: AgencyKind) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    agency = getattr(user, "agency", None)
    # A service policy lets staff through too: a feed is for its agency's systems only.
    if not getattr(user, "is_service_account", False) or agency is None or agency.kind != kind:
        raise NotFoundError()
    return user


def _child(item: FeedChild) -> Child:
    if item.child is not None:
        child = Child.objects.filter(pk=item.child).select_related("person").first()
    elif item.nhs_number:
        number = "".join(ch for ch in item.nhs_number if ch.isdigit())
        person_id = (
            PersonIdentifier.objects.filter(scheme=IdentifierScheme.NHS, value=number)
            .values_list("person_id", flat=True)
            .first()
        )
        child = (
            Child.objects.filter(pk=person_id).select_related("person").first()
            if person_id
            else None
        )
    else:
        raise DomainError(
            "Identify the child by NHS number or id", {"fields": {"nhs_number": "Required"}}
        )
    if child is None:
        raise NotFoundError()
    return child


def _out(event: ChronologyEvent, duplicate: bool) -> Status[FeedOut]:
    notified = Notification.objects.filter(event=event).exists()
    return Status(
        200 if duplicate else 201,
        FeedOut(event=event.public_id, duplicate=duplicate, social_worker_notified=notified),
    )


def _received_before(source: str, reference: str) -> bool:
    return ChronologyEvent.objects.filter(source=source, reference=reference).exists()


@router.post(
    "/health/attendances",
    response={200: FeedOut, 201: FeedOut},
    summary="Health feed: a child's attendance at A&E, urgent care or a GP",
)
@access_policy(HEALTH_FEED)
def health_attendance_feed(request: HttpRequest, payload: AttendanceIn) -> Status[FeedOut]:
    user = _feed_user(request, AgencyKind.HEALTH)
    child = _child(payload)
    before = _received_before("feed:health", payload.reference)
    event = contact_record(
        actor=user,
        child=child,
        kind="attendance",
        agency=EventAgency.HEALTH,
        occurred_at=payload.at,
        details={
            "setting": payload.setting,
            "provider": payload.provider,
            "reason": payload.reason,
        },
        new_adults=[
            NewAdult(a.given_name, a.family_name, a.date_of_birth) for a in payload.accompanied_by
        ],
        source="feed:health",
        reference=payload.reference,
    )
    return _out(event, before)


@router.post(
    "/police/callouts",
    response={200: FeedOut, 201: FeedOut},
    summary="Police feed: a call-out to a child's home or involving the child",
)
@access_policy(POLICE_FEED)
def police_callout_feed(request: HttpRequest, payload: CalloutIn) -> Status[FeedOut]:
    user = _feed_user(request, AgencyKind.POLICE)
    child = _child(payload)
    before = _received_before("feed:police", payload.reference)
    event = contact_record(
        actor=user,
        child=child,
        kind="police_callout",
        agency=EventAgency.POLICE,
        occurred_at=payload.at,
        details={"reason": payload.reason, "adults_present": []},
        new_adults=[
            NewAdult(a.given_name, a.family_name, a.date_of_birth) for a in payload.adults_present
        ],
        narrative=payload.narrative,
        source="feed:police",
        reference=payload.reference,
    )
    return _out(event, before)
