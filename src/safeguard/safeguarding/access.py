"""Need-to-know for children's records: the only way a view or API handler gets a child.

A child's record is seen by whoever may see the child's person record (safeguard.people.access):
the teams the child is allocated to (social care, and a health visiting or police team when
allocated too), staff tied by a recorded relationship, access grants, managers of the agency,
and the protected-identity roles. A child the user may not see looks exactly like one that
does not exist. Partner agencies without that need get only the plan flag
(``selectors.child_flag_lookup``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from safeguard.people.access import access_person_by_id, people_visible_to
from safeguard.safeguarding.models import Child, ChronologyEvent, HouseholdMember
from safeguard.site.errors import NotFoundError


def children_visible_to(user: Any) -> QuerySet[Child]:
    return Child.objects.filter(person__in=people_visible_to(user))


def access_child_by_id(user: Any, child_id: uuid.UUID | str) -> Child:
    person = access_person_by_id(user, child_id)
    child = Child.objects.filter(pk=person.pk).first()
    if child is None:
        raise NotFoundError()
    child.person = person  # already fetched: no second query
    return child


def access_event(user: Any, child_id: uuid.UUID | str, event_id: int) -> ChronologyEvent:
    child = access_child_by_id(user, child_id)
    event = ChronologyEvent.objects.filter(child=child, pk=event_id).first()
    if event is None:
        raise NotFoundError()
    event.child = child
    return event


def access_household_member(
    user: Any, child_id: uuid.UUID | str, member_id: int
) -> HouseholdMember:
    child = access_child_by_id(user, child_id)
    member = (
        HouseholdMember.objects.filter(child=child, pk=member_id).select_related("person").first()
    )
    if member is None:
        raise NotFoundError()
    member.child = child
    return member
