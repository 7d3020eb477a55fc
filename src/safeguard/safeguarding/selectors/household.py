"""The recorded household over time, and the adults agencies have actually seen.

The gap between the two is what reviews keep finding ("invisible men"): an adult seen at a
police call-out or a health visit whom social care has never recorded as living there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from safeguard.people.models import Person
from safeguard.safeguarding.models import (
    AdultPresence,
    Child,
    ChronologyEvent,
    EventKind,
    HouseholdMember,
)
from safeguard.safeguarding.narrative import AGENCY_LABELS
from safeguard.safeguarding.timeutil import local_date


class HouseholdTimeline:
    """Who was a recorded household member on which days: [moved in, moved out)."""

    def __init__(self, members: Iterable[HouseholdMember]) -> None:
        self._spans: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
        for m in members:
            self._spans[str(m.person_id)].append((m.moved_in_on, m.moved_out_on))

    def member_on(self, person_id: str, day: date) -> bool:
        return any(
            start <= day and (end is None or day < end)
            for start, end in self._spans.get(person_id, [])
        )

    def member_at(self, person_id: str, moment: datetime) -> bool:
        return self.member_on(person_id, local_date(moment))

    def event_check(self, person_id: str, event: ChronologyEvent) -> bool:
        return self.member_at(person_id, event.occurred_at)

    def ever(self, person_id: str) -> bool:
        return person_id in self._spans

    def current(self, person_id: str) -> bool:
        return any(end is None for _, end in self._spans.get(person_id, []))

    def left_on(self, person_id: str) -> date | None:
        ends = [end for _, end in self._spans.get(person_id, []) if end is not None]
        return max(ends) if ends and not self.current(person_id) else None


def household_timeline(child: Child) -> HouseholdTimeline:
    return HouseholdTimeline(HouseholdMember.objects.filter(child=child))


@dataclass
class AdultSeen:
    person_id: str
    name: str
    times: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_event_id: int | None = None
    agencies: set[str] = field(default_factory=set)
    times_not_in_household: int = 0
    status: str = "never"  # "current", "left" or "never" (recorded household)
    left_on: date | None = None

    @property
    def agency_labels(self) -> list[str]:
        return [AGENCY_LABELS.get(a, a) for a in sorted(self.agencies)]

    @property
    def gap(self) -> bool:
        """Seen by an agency at a time social care had not recorded them in the household."""
        return self.times_not_in_household > 0


@dataclass(frozen=True)
class AdultTie:
    person_id: str
    name: str
    kind: str  # adult_associated / adult_restriction
    text: str
    event_id: int
    occurred_at: datetime


def adults_seen(child: Child, timeline: HouseholdTimeline) -> list[AdultSeen]:
    rows = (
        AdultPresence.objects.filter(child=child)
        .order_by("occurred_at", "id")
        .values_list("person_id", "occurred_at", "agency", "event_id")
    )
    seen: dict[str, AdultSeen] = {}
    for person_id, occurred_at, agency, event_id in rows:
        key = str(person_id)
        adult = seen.setdefault(key, AdultSeen(key, ""))
        adult.times += 1
        adult.first_seen = adult.first_seen or occurred_at
        adult.last_seen = occurred_at
        adult.last_event_id = event_id
        adult.agencies.add(agency)
        if not timeline.member_at(key, occurred_at):
            adult.times_not_in_household += 1
    names = person_names(seen)
    for key, adult in seen.items():
        adult.name = names.get(key, "")
        adult.status = (
            "current" if timeline.current(key) else "left" if timeline.ever(key) else "never"
        )
        adult.left_on = timeline.left_on(key)
    # The gap first, then the most recently seen.
    return sorted(
        seen.values(),
        key=lambda a: (not a.gap, -(a.last_seen.timestamp() if a.last_seen else 0), a.name),
    )


def adult_ties(child: Child) -> list[AdultTie]:
    events = list(
        ChronologyEvent.objects.filter(
            child=child, kind__in=[EventKind.ADULT_ASSOCIATED, EventKind.ADULT_RESTRICTION]
        ).order_by("occurred_at", "id")
    )
    names = person_names(str(e.details.get("person")) for e in events)
    return [
        AdultTie(
            person_id=str(e.details.get("person")),
            name=names.get(str(e.details.get("person")), ""),
            kind=e.kind,
            text=str(e.details.get("reason") or e.details.get("restriction") or ""),
            event_id=e.pk,
            occurred_at=e.occurred_at,
        )
        for e in events
    ]


def person_names(ids: Iterable[Any]) -> dict[str, str]:
    """Person-index id → full name, in one query."""
    keys = {str(i) for i in ids if i}
    if not keys:
        return {}
    return {
        str(pk): f"{given} {family}"
        for pk, given, family in Person.objects.filter(pk__in=keys).values_list(
            "pk", "given_name", "family_name"
        )
    }
