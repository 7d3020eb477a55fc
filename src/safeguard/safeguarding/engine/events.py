"""Chronology events as the indicator rules see them (contracts.md §3, EVENTS.jsonl).

An event keeps its `at` exactly as written (with its own offset, so the local date a
practitioner recorded survives) and its instant in whole microseconds since the Unix epoch,
which is what every rule compares. `seq` is the event's position in its source (the line
number of a file, the insertion order of a table): it breaks ties between events at the same
instant so that output never depends on anything but the input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

KINDS: frozenset[str] = frozenset(
    {
        "child_registered",
        "cp_plan_started",
        "cp_plan_ended",
        "household_member_added",
        "household_member_left",
        "visit",
        "injury",
        "attendance",
        "missed_appointment",
        "police_callout",
        "concern",
        "adult_restriction",
        "adult_associated",
    }
)
AGENCIES: frozenset[str] = frozenset(
    {"social_care", "police", "health", "education", "probation", "public"}
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
MICROSECONDS_PER_DAY = 86_400 * 1_000_000


def instant_of(at: datetime) -> int:
    """Microseconds since the epoch: exact, so "at most N x 24 hours" needs no rounding."""
    return (at - EPOCH) // ONE_MICROSECOND


def datetime_of(instant: int) -> datetime:
    return EPOCH + timedelta(microseconds=instant)


def utc_text(at: datetime) -> str:
    """`2009-06-09T10:20:00Z`: UTC, whole seconds (truncated), as every output time is."""
    return at.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


@dataclass(frozen=True, slots=True)
class Event:
    """One multi-agency chronology event. `at` must be timezone-aware."""

    id: str
    child: str
    at: datetime
    kind: str
    agency: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    seq: int = 0
    instant: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"event {self.id}: time has no offset")
        if self.kind not in KINDS:
            raise ValueError(f"event {self.id}: unknown kind {self.kind!r}")
        object.__setattr__(self, "instant", instant_of(self.at))

    @property
    def local_date(self) -> date:
        """The calendar date as written in `at` (the recorder's own wall clock)."""
        return self.at.date()

    def text(self, key: str) -> str:
        """A string detail, or "" when absent or not a string."""
        value = self.details.get(key)
        return value if isinstance(value, str) else ""

    def flag(self, key: str) -> bool | None:
        """A boolean detail; anything other than true/false counts as absent."""
        value = self.details.get(key)
        return value if isinstance(value, bool) else None

    def people(self, key: str = "adults_present") -> tuple[str, ...]:
        """Person refs named in a list detail: non-empty strings, each once, in order."""
        value = self.details.get(key)
        if not isinstance(value, list):
            return ()
        return tuple(dict.fromkeys(p for p in value if isinstance(p, str) and p))

    @property
    def person(self) -> str:
        """The single person a household, restriction or association event is about."""
        return self.text("person")


def order_key(event: Event) -> tuple[int, int]:
    """Events are taken in order of their instant; ties by position in the source."""
    return (event.instant, event.seq)
