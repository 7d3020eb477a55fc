"""The child's page, the register of children, and the plan flag for partner agencies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.models import Allocation, IdentifierScheme, PersonIdentifier
from safeguard.safeguarding import conf
from safeguard.safeguarding.access import access_child_by_id, children_visible_to
from safeguard.safeguarding.models import (
    Child,
    ChildProtectionPlan,
    ChronologyEvent,
    HouseholdMember,
    ReviewConference,
)
from safeguard.safeguarding.selectors.events import EventRow, event_rows
from safeguard.safeguarding.selectors.household import (
    AdultSeen,
    AdultTie,
    HouseholdTimeline,
    adult_ties,
    adults_seen,
)
from safeguard.safeguarding.selectors.plans import PlanStatus, last_seen_visits, plan_status
from safeguard.site.errors import NotFoundError

RECENT_EVENTS = 8


@dataclass(frozen=True)
class HouseholdRow:
    member: HouseholdMember
    name: str
    times_seen: int  # by any agency, as an adult present


@dataclass(frozen=True)
class ChildPage:
    child: Child
    age: int | None
    allocations: list[Allocation]
    status: PlanStatus | None  # the open plan, else the latest ended one
    earlier_plans: list[ChildProtectionPlan]
    household: list[HouseholdRow]
    adults_seen: list[AdultSeen]
    ties: list[AdultTie]
    recent: list[EventRow]
    event_count: int
    injury_count: int


def _audit_view(user: Any, child: Child, summary: str, **details: Any) -> None:
    audit_record(
        actor=user,
        action=AuditAction.CONSULTATION,
        object_type="child",
        object_id=str(child.pk),
        summary=summary,
        details=details,
    )


def child_page(*, user: Any, child_id: uuid.UUID | str) -> ChildPage:
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        today = timezone.localdate()
        plans = list(
            ChildProtectionPlan.objects.filter(child=child).select_related("team", "social_worker")
        )
        current = next((p for p in plans if p.ended_on is None), plans[0] if plans else None)
        status = None
        if current is not None:
            reviews = list(
                ReviewConference.objects.filter(plan=current).values_list("held_on", flat=True)
            )
            last_seen = last_seen_visits([child.pk]).get(str(child.pk))
            status = plan_status(current, reviews, last_seen, today)
        members = list(HouseholdMember.objects.filter(child=child).select_related("person"))
        timeline = HouseholdTimeline(members)
        seen = adults_seen(child, timeline)
        times = {a.person_id: a.times for a in seen}
        counts = dict(
            ChronologyEvent.objects.filter(child=child)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
        recent_events = list(
            ChronologyEvent.objects.filter(child=child).order_by("-occurred_at", "-id")[
                :RECENT_EVENTS
            ]
        )
        page = ChildPage(
            child=child,
            age=child.person.age_on(today),
            allocations=list(
                Allocation.objects.filter(person_id=child.pk, ended_on__isnull=True)
                .select_related("team", "team__agency", "practitioner")
                .order_by("started_on", "id")
            ),
            status=status,
            earlier_plans=[p for p in plans if p is not current],
            household=[
                HouseholdRow(m, m.person.full_name, times.get(str(m.person_id), 0)) for m in members
            ],
            adults_seen=seen,
            ties=adult_ties(child),
            recent=event_rows(recent_events, timeline),
            event_count=sum(counts.values()),
            injury_count=counts.get("injury", 0),
        )
        _audit_view(user, child, "viewed a child's record")
        return page


@dataclass(frozen=True)
class RegisterRow:
    child: Child
    status: PlanStatus | None


def register(*, user: Any, on_plan_only: bool = False) -> list[RegisterRow]:
    """The children this user may see, with any open plan and its due dates."""
    with transaction.atomic():
        today = timezone.localdate()
        children = list(
            children_visible_to(user)
            .select_related("person")
            .order_by("person__family_name", "person__given_name", "person_id")
        )
        ids = [c.pk for c in children]
        plans = {
            p.child_id: p
            for p in ChildProtectionPlan.objects.filter(
                child_id__in=ids, ended_on__isnull=True
            ).select_related("social_worker", "team")
        }
        reviews: dict[int, list[date]] = {}
        for plan_id, held_on in ReviewConference.objects.filter(
            plan_id__in=[p.pk for p in plans.values()]
        ).values_list("plan_id", "held_on"):
            reviews.setdefault(plan_id, []).append(held_on)
        seen = last_seen_visits(plans.keys())
        rows = []
        for child in children:
            plan = plans.get(child.pk)
            status = (
                plan_status(plan, reviews.get(plan.pk, []), seen.get(str(child.pk)), today)
                if plan
                else None
            )
            if on_plan_only and status is None:
                continue
            rows.append(RegisterRow(child, status))
        rows.sort(key=lambda r: (r.status is None,))
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child_register",
            summary="viewed the register of children",
            details={"children": sorted(str(r.child.pk) for r in rows)},
        )
        return rows


@dataclass(frozen=True)
class ChildFlag:
    """All a partner agency learns: never the record, the household or the chronology."""

    on_plan: bool
    category: str = ""
    team: str = ""
    agency: str = ""
    contact: str = ""  # the allocated social worker
    contact_email: str = ""


def may_ask_for_flags(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_service_account", False):
        return False
    agency = getattr(user, "agency", None)
    return agency is not None and agency.kind in conf.flag_agency_kinds()


def _flag(child: Child | None) -> ChildFlag:
    if child is None:
        return ChildFlag(on_plan=False)
    plan = (
        ChildProtectionPlan.objects.filter(child=child, ended_on__isnull=True)
        .select_related("team", "team__agency", "social_worker")
        .first()
    )
    if plan is None:
        return ChildFlag(on_plan=False)
    worker = plan.social_worker
    return ChildFlag(
        on_plan=True,
        category=plan.get_category_display(),
        team=plan.team.name,
        agency=plan.team.agency.name,
        contact=worker.display_name if worker else "",
        contact_email=worker.email if worker else "",
    )


def child_flag_for(*, user: Any, child: Child, reason: str) -> ChildFlag:
    """The plan flag of a child whom the caller already has in hand (audited)."""
    if not may_ask_for_flags(user):
        raise NotFoundError()
    with transaction.atomic():
        flag = _flag(child)
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child_flag",
            object_id=str(child.pk),
            summary="looked up a child's protection plan flag",
            justification=reason,
            details={"on_plan": flag.on_plan},
        )
    return flag


def child_flag_lookup(*, user: Any, nhs_number: str, reason: str) -> ChildFlag:
    """CP-IS style: by NHS number. A child not known looks exactly like one not on a plan."""
    if not may_ask_for_flags(user):
        raise NotFoundError()
    number = "".join(ch for ch in nhs_number if ch.isdigit())
    with transaction.atomic():
        identifier = (
            PersonIdentifier.objects.filter(scheme=IdentifierScheme.NHS, value=number)
            .values_list("person_id", flat=True)
            .first()
        )
        child = Child.objects.filter(pk=identifier).first() if identifier else None
        flag = _flag(child)
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child_flag",
            object_id=str(child.pk) if child else "",
            summary="looked up a child's protection plan flag",
            justification=reason,
            details={"on_plan": flag.on_plan, "by": "nhs_number"},
        )
    return flag
