"""Need-to-know: the only way a page or API handler gets a person record.

A user may see a person when one of these is recorded, today:
- the person is allocated to the user's team;
- the person is tied by a current relationship to someone allocated to the user's team (a
  child's social worker sees the adults of that child's household);
- the user holds an unexpired, unrevoked access grant for the person;
- the user is a manager and the person is allocated to a team of the manager's agency;
- the user holds a protected-identity role (the privacy officer), who oversees everyone.
A former identity of a protected person is visible only to the protected-identity roles. Auditors,
administrators and service accounts see no one. A record the user may not see raises the same
``NotFoundError`` as a record that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguard.accounts.roles import Role
from safeguard.people.models import AccessGrant, Allocation, Person, Relationship
from safeguard.site.errors import NotFoundError


def can_see_protected(user: Any) -> bool:
    """May this user see protected-identity links and current addresses?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "is_service_account", False):
        return False
    return bool(user.role in settings.PROTECTED_IDENTITY_ROLES or user.protected_identity_cleared)


def _active_on(prefix: str, today: date) -> Q:
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": today})
    )


def people_visible_to(user: Any, *, today: date | None = None) -> QuerySet[Person]:
    """Every person this user may see today (for lists, searches and exports)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Person.objects.none()
    if getattr(user, "is_service_account", False):
        return Person.objects.none()
    today = today or timezone.localdate()
    if can_see_protected(user):
        return Person.objects.all()
    role = Role(user.role)
    if role in {Role.AUDITOR, Role.ADMINISTRATOR}:
        return Person.objects.none()

    team_allocations = Allocation.objects.filter(_active_on("", today), team_id=user.team_id)
    allocated_ids = team_allocations.values("person_id")
    related_ids = Relationship.objects.filter(
        _active_on("", today), anchor_id__in=team_allocations.values("person_id")
    ).values("other_id")
    now = timezone.now()
    granted_ids = (
        AccessGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values("person_id")
    )
    visible = Q(id__in=granted_ids)
    if user.team_id is not None:
        visible |= Q(id__in=allocated_ids) | Q(id__in=related_ids)
    if role is Role.MANAGER and user.agency_id is not None:
        agency_ids = Allocation.objects.filter(
            _active_on("", today), team__agency_id=user.agency_id
        ).values("person_id")
        visible |= Q(id__in=agency_ids)
    return Person.objects.filter(visible, is_former_identity=False)


def access_person_by_id(user: Any, person_id: uuid.UUID | str) -> Person:
    """The person, if this user may see them; otherwise exactly as if there were none."""
    try:
        key = person_id if isinstance(person_id, uuid.UUID) else uuid.UUID(str(person_id))
    except ValueError as exc:
        raise NotFoundError() from exc
    person = people_visible_to(user).filter(pk=key).first()
    if person is None:
        raise NotFoundError()
    return person
