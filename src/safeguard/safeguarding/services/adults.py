"""Naming an adult an agency met: find them in the person index, or add them.

This is deliberately cautious (the linkage service does the real matching): an adult is taken
to be an existing person only when the names and the date of birth agree and that person is
already connected to this child or visible to the recorder, or, without a date of birth, when
exactly one person of that name is already connected to this child. Otherwise a new person is
recorded, so that two strangers are never merged here; a same-name, same-date match the
recorder may not see goes to the linkage clerical review queue instead (ADR 0406).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from safeguard.people.access import people_visible_to
from safeguard.people.models import Person
from safeguard.people.services import person_create
from safeguard.safeguarding.models import AdultPresence, Child, ChronologyEvent, HouseholdMember
from safeguard.site.errors import DomainError


def connected_people_ids(child: Child) -> set[Any]:
    """People already tied to this child: household (ever), seen with them, or named."""
    ids: set[Any] = set(
        HouseholdMember.objects.filter(child=child).values_list("person_id", flat=True)
    )
    ids |= set(AdultPresence.objects.filter(child=child).values_list("person_id", flat=True))
    for details in ChronologyEvent.objects.filter(
        child=child, kind__in=["adult_associated", "adult_restriction"]
    ).values_list("details", flat=True):
        if isinstance(details, dict) and isinstance(details.get("person"), str):
            ids.add(details["person"])
    return {str(i) for i in ids}


def adult_resolve(
    *,
    actor: Any | None,
    child: Child,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
) -> Person:
    given, family = given_name.strip(), family_name.strip()
    if not given or not family:
        raise DomainError(
            "Give the adult's first and last name",
            {"fields": {"given_name": "Enter a first name", "family_name": "Enter a last name"}},
        )
    same_name = Person.objects.filter(
        Q(given_name__iexact=given) & Q(family_name__iexact=family), is_former_identity=False
    ).exclude(pk=child.pk)
    connected = connected_people_ids(child)
    if date_of_birth is not None:
        exact = list(same_name.filter(date_of_birth=date_of_birth).order_by("created_at", "pk"))
        # Taken as the same person only if already tied to this child or someone the
        # recorder may see: naming an adult must not attach a hidden person's record.
        visible = (
            {
                str(pk)
                for pk in people_visible_to(actor)
                .filter(pk__in=[p.pk for p in exact])
                .values_list("pk", flat=True)
            }
            if actor is not None
            else set()
        )
        for match in exact:
            if str(match.pk) in connected or str(match.pk) in visible:
                return match
        if exact:
            # Uncertain: a new record, and the likely matches go to linkage clerical review.
            from safeguard.linkage.services import review_request

            person = person_create(
                actor=actor, given_name=given, family_name=family, date_of_birth=date_of_birth
            )
            for other in exact[:3]:
                review_request(
                    person=person, other=other, actor=actor, why="adult named at a child's home"
                )
            return person
    else:
        candidates = [p for p in same_name if str(p.pk) in connected]
        if len(candidates) == 1:
            return candidates[0]
    return person_create(
        actor=actor, given_name=given, family_name=family, date_of_birth=date_of_birth
    )
