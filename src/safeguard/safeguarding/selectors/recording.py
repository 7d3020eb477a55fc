"""What the recording forms need to show: the child and the adults already known to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Team, User
from safeguard.accounts.roles import AgencyKind
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.access import access_person_by_id, people_visible_to
from safeguard.people.models import Allocation, Person
from safeguard.safeguarding.access import access_child_by_id
from safeguard.safeguarding.models import Child, ChildProtectionPlan, HouseholdMember
from safeguard.safeguarding.selectors.household import person_names
from safeguard.safeguarding.services.adults import connected_people_ids


@dataclass(frozen=True)
class KnownAdult:
    person_id: str
    name: str
    note: str  # "in the household", "seen before", ...


@dataclass(frozen=True)
class RecordingContext:
    child: Child
    adults: list[KnownAdult]
    open_plan: ChildProtectionPlan | None


def known_adults(child: Child) -> list[KnownAdult]:
    current = {
        str(pid)
        for pid in HouseholdMember.objects.filter(
            child=child, moved_out_on__isnull=True
        ).values_list("person_id", flat=True)
    }
    connected = connected_people_ids(child)
    names = person_names(connected | current)
    adults = [
        KnownAdult(
            pid,
            names[pid],
            "in the recorded household" if pid in current else "known to this child's record",
        )
        for pid in connected | current
        if pid in names
    ]
    return sorted(
        adults, key=lambda a: (a.note != "in the recorded household", a.name, a.person_id)
    )


def recording_context(*, user: Any, child_id: uuid.UUID | str, purpose: str) -> RecordingContext:
    """For a form page; one consultation entry (it shows the child and their adults)."""
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        context = RecordingContext(
            child,
            known_adults(child),
            ChildProtectionPlan.objects.filter(child=child, ended_on__isnull=True).first(),
        )
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child",
            object_id=str(child.pk),
            summary=f"opened a form: {purpose}",
        )
        return context


def person_for_registration(*, user: Any, person_id: uuid.UUID | str) -> Person:
    with transaction.atomic():
        person = access_person_by_id(user, person_id)
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="person",
            object_id=str(person.pk),
            summary="opened the form to register a child",
        )
        return person


def unregistered_children(user: Any, today: date, limit: int = 20) -> list[Person]:
    """People on the user's caseload under 18 without a child's record (names only)."""
    eighteen_years_ago = today - timedelta(days=18 * 365 + 4)
    return list(
        people_visible_to(user)
        .filter(child_record__isnull=True, date_of_birth__gt=eighteen_years_ago)
        .filter(allocations__ended_on__isnull=True, allocations__team_id=user.team_id)
        .distinct()
        .order_by("family_name", "given_name", "id")[:limit]
    )


def plan_teams(child: Child, user: Any) -> list[Team]:
    """Social care teams the child is allocated to, else the user's own team."""
    teams = list(
        Team.objects.filter(
            allocations__person_id=child.pk,
            allocations__ended_on__isnull=True,
            agency__kind=AgencyKind.SOCIAL_CARE,
        ).distinct()
    )
    if not teams and user.team_id:
        teams = [user.team]
    return teams


def social_workers(teams: list[Team]) -> list[User]:
    return list(
        User.objects.filter(team__in=teams, is_active=True, is_service_account=False).order_by(
            "last_name", "first_name", "username"
        )
    )


def allocated_worker(child: Child) -> Any | None:
    allocation = (
        Allocation.objects.filter(
            person_id=child.pk, ended_on__isnull=True, team__agency__kind=AgencyKind.SOCIAL_CARE
        )
        .order_by("started_on", "id")
        .first()
    )
    return allocation.practitioner_id if allocation else None


def today() -> date:
    return timezone.localdate()
