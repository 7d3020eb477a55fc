"""Instants as int64 microseconds since the Unix epoch, UTC.

Every time in the engine is one of these integers: exact, sortable, vectorisable. Input times
must carry an offset (or ``Z``); output times are UTC with ``Z``, truncated to whole seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND


class InstantError(ValueError):
    """A time that does not parse, or parses without an offset."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(f"{problem}: {text!r}")
        self.problem = problem


def parse_instant(text: str) -> int:
    """ISO 8601 with an offset or ``Z`` → microseconds since the epoch."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InstantError(text, "does not parse") from None
    if moment.utcoffset() is None:
        raise InstantError(text, "has no offset")
    return (moment - EPOCH) // ONE_US


def to_datetime(instant: int) -> datetime:
    return EPOCH + timedelta(microseconds=instant)


def from_datetime(moment: datetime) -> int:
    """An aware datetime → microseconds since the epoch."""
    return (moment - EPOCH) // ONE_US


def format_instant(instant: int) -> str:
    """Microseconds → ``YYYY-MM-DDTHH:MM:SSZ``, truncated (floored) to the whole second."""
    whole = instant - instant % US_PER_SECOND
    return to_datetime(whole).strftime("%Y-%m-%dT%H:%M:%SZ")
