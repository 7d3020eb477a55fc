"""Rows of the chronology: events with their words, their adults and who recorded them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet

from safeguard.accounts.models import User
from safeguard.safeguarding.kinds import person_refs
from safeguard.safeguarding.models import Child, ChronologyEvent, EventAgency, EventKind
from safeguard.safeguarding.narrative import AGENCY_LABELS, describe
from safeguard.safeguarding.narrative import line as one_line
from safeguard.safeguarding.narrative import story as story_sentence
from safeguard.safeguarding.selectors.household import HouseholdTimeline, person_names
from safeguard.safeguarding.timeutil import local_midnight, to_local


@dataclass(frozen=True)
class AdultRef:
    person_id: str
    name: str
    in_household: bool


@dataclass(frozen=True)
class EventRow:
    event: ChronologyEvent
    when: datetime  # local time
    agency: str
    kind: str
    text: str
    adults: list[AdultRef]
    names: Mapping[str, str]
    recorded_by: str

    @property
    def adults_not_in_household(self) -> list[AdultRef]:
        return [a for a in self.adults if not a.in_household]

    @property
    def url(self) -> str:
        return f"/children/{self.event.child_id}/events/{self.event.pk}"

    @property
    def line(self) -> str:
        """The text with the adults present, for CSV and PDF."""
        return one_line(self.text, self._adults_text())

    @property
    def story(self) -> str:
        return story_sentence(self.event, self.text, self._adults_text())

    def _adults_text(self) -> str:
        return ", ".join(
            a.name + ("" if a.in_household else " (not in the recorded household)")
            for a in self.adults
        )


_KIND_LABELS = dict(EventKind.choices)


def _recorders(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    return {u.pk: u.display_name for u in users}


def event_rows(events: Sequence[ChronologyEvent], timeline: HouseholdTimeline) -> list[EventRow]:
    """Words for each event: every person's name in one query, every recorder's in another."""
    names = person_names(ref for e in events for ref in person_refs(e.kind, e.details))
    recorders = _recorders({e.recorded_by_id for e in events if e.recorded_by_id})
    rows = []
    for e in events:
        when = to_local(e.occurred_at)
        day = when.date()
        adults = [
            AdultRef(str(ref), names.get(str(ref), ""), timeline.member_on(str(ref), day))
            for ref in e.details.get("adults_present") or []
        ]
        who = recorders.get(e.recorded_by_id, e.source) if e.recorded_by_id else e.source
        rows.append(
            EventRow(
                event=e,
                when=when,
                agency=AGENCY_LABELS.get(e.agency, e.agency),
                kind=_KIND_LABELS.get(e.kind, e.kind),
                text=describe(e, names),
                adults=adults,
                names=names,
                recorded_by=who,
            )
        )
    return rows


MAX_EVIDENCE = 100  # an alert names a handful; a hand-made URL gets no more than this


@dataclass(frozen=True)
class Filters:
    agencies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    significant_only: bool = False
    newest_first: bool = False
    # The events behind an alert (``?evidence=e12,e17``): the chronology shows just those.
    evidence: tuple[int, ...] = ()

    @property
    def active(self) -> bool:
        return bool(
            self.agencies
            or self.kinds
            or self.date_from
            or self.date_to
            or self.significant_only
            or self.evidence
        )

    def as_audit(self) -> dict[str, object]:
        return {
            "agencies": list(self.agencies),
            "kinds": list(self.kinds),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "significant_only": self.significant_only,
            "evidence": [f"e{i}" for i in self.evidence],
        }

    def clean(self) -> Filters:
        """Drop values that are not agencies or kinds (a hand-edited URL)."""
        return Filters(
            agencies=tuple(a for a in self.agencies if a in EventAgency.values),
            kinds=tuple(k for k in self.kinds if k in EventKind.values),
            date_from=self.date_from,
            date_to=self.date_to,
            significant_only=self.significant_only,
            newest_first=self.newest_first,
            evidence=self.evidence[:MAX_EVIDENCE],
        )


def filtered_events(child: Child, filters: Filters) -> QuerySet[ChronologyEvent]:
    events = ChronologyEvent.objects.filter(child=child)
    if filters.agencies:
        events = events.filter(agency__in=filters.agencies)
    if filters.kinds:
        events = events.filter(kind__in=filters.kinds)
    if filters.date_from:
        events = events.filter(occurred_at__gte=local_midnight(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=local_midnight(filters.date_to + timedelta(days=1)))
    if filters.significant_only:
        events = events.filter(significant=True)
    if filters.evidence:
        events = events.filter(pk__in=filters.evidence)
    order = ("-occurred_at", "-id") if filters.newest_first else ("occurred_at", "id")
    return events.order_by(*order)
