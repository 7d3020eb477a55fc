"""Curfew and zone-schedule windows: local wall-clock times → UTC instants.

A window spec names the local dates a window starts on (``days`` of the week, or one-off
``dates``) and local times ``from`` and ``until``; ``until`` ≤ ``from`` ends on the next local
date. Local times are resolved with zoneinfo and ``fold=0``: a time that occurs twice (autumn)
takes its first occurrence, and a time in the spring gap moves forward by the gap (PEP 495
gives exactly that for ``fold=0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.timeparse import from_datetime, to_datetime

IntArray = NDArray[np.int64]
FAR_PAST = -(2**62)
FAR_FUTURE = 2**62
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")
_DAY_NUMBERS = {name: i for i, name in enumerate(DAY_NAMES)} | {
    name: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class WindowError(ValueError):
    """A window spec that cannot be used."""


@dataclass(frozen=True)
class WindowSpec:
    """``days`` (weekday numbers, Monday 0) or ``dates``; ``start`` is the JSON ``from``."""

    start: time
    until: time
    days: tuple[int, ...] | None = None
    dates: tuple[date, ...] | None = None

    def starts_on(self, day: date) -> bool:
        if self.days is not None:
            return day.weekday() in self.days
        return self.dates is not None and day in self.dates


def parse_window(data: object) -> WindowSpec:
    if not isinstance(data, dict):
        raise WindowError("a window must be an object")
    start = _clock(data.get("from"), "from")
    until = _clock(data.get("until"), "until")
    has_days, has_dates = "days" in data, "dates" in data
    if has_days == has_dates:
        raise WindowError("a window gives either days or dates")
    if has_days:
        names = data["days"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise WindowError("days must be a list of day names")
        unknown = [n for n in names if n.lower() not in _DAY_NUMBERS]
        if unknown:
            raise WindowError(f"unknown day {unknown[0]!r}")
        days = tuple(sorted({_DAY_NUMBERS[n.lower()] for n in names}))
        return WindowSpec(start=start, until=until, days=days)
    values = data["dates"]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise WindowError("dates must be a list of YYYY-MM-DD dates")
    dates: set[date] = set()
    for value in values:
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            dates.add(date.fromisoformat(value))
        except ValueError:
            raise WindowError(f"bad date {value!r}") from None
    return WindowSpec(start=start, until=until, dates=tuple(sorted(dates)))


def _clock(value: object, name: str) -> time:
    if not isinstance(value, str) or not (match := _CLOCK.fullmatch(value)):
        raise WindowError(f"{name} must be a local time HH:MM")
    return time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def local_instant(day: date, clock: time, zone: ZoneInfo) -> int:
    """The instant of a local wall-clock time (fold=0: first occurrence; gaps move forward)."""
    return from_datetime(datetime.combine(day, clock, tzinfo=zone))


def local_date(instant: int, zone: ZoneInfo) -> date:
    return to_datetime(instant).astimezone(zone).date()


@lru_cache(maxsize=16384)
def spec_windows(
    tz_key: str, spec: WindowSpec, first: date, last: date
) -> tuple[IntArray, IntArray]:
    """[start, end) instants of the windows starting on local dates ``first``..``last``."""
    zone = ZoneInfo(tz_key)
    overnight = spec.until <= spec.start
    starts: list[int] = []
    ends: list[int] = []
    day = first
    while day <= last:
        if spec.starts_on(day):
            starts.append(local_instant(day, spec.start, zone))
            end_day = day + timedelta(days=1) if overnight else day
            ends.append(local_instant(end_day, spec.until, zone))
        day += timedelta(days=1)
    return _frozen(starts), _frozen(ends)


@lru_cache(maxsize=16384)
def merged_windows(
    tz_key: str, specs: tuple[WindowSpec, ...], first: date, last: date
) -> tuple[IntArray, IntArray]:
    """The union of several specs' windows: overlapping or touching windows merge."""
    pairs = sorted(
        (s, e)
        for spec in specs
        for s, e in zip(*(a.tolist() for a in spec_windows(tz_key, spec, first, last)), strict=True)
        if s < e
    )
    starts: list[int] = []
    ends: list[int] = []
    for start, end in pairs:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return _frozen(starts), _frozen(ends)


def clip(starts: IntArray, ends: IntArray, low: int, high: int) -> tuple[IntArray, IntArray]:
    """Windows cut to [low, high); empty ones dropped."""
    s = np.maximum(starts, low)
    e = np.minimum(ends, high)
    keep = s < e
    return s[keep], e[keep]


def _frozen(values: list[int]) -> IntArray:
    array = np.array(values, dtype=np.int64)
    array.setflags(write=False)
    return array


def assign_windows(
    rank: NDArray[np.intp], t: IntArray, windows: list[tuple[IntArray, IntArray]]
) -> tuple[NDArray[np.int64], IntArray, IntArray]:
    """The window (index into the flattened ``ws``/``we``) holding each fix, or -1.

    ``rank`` (non-decreasing) says whose windows apply to each fix. One searchsorted over
    composite keys (rank, time) instead of one per subject: times are shifted into
    [0, span) and each rank gets its own span of the key space.
    """
    ws = np.concatenate([w[0] for w in windows]) if windows else np.empty(0, np.int64)
    we = np.concatenate([w[1] for w in windows]) if windows else np.empty(0, np.int64)
    owner = np.repeat(np.arange(len(windows)), [w[0].size for w in windows])
    if t.size == 0 or ws.size == 0:
        return np.full(t.size, -1, np.int64), ws, we
    low, high = int(t.min()), int(t.max()) + 1
    span = high - low + 1
    if span * (len(windows) + 1) >= 2**62:  # pragma: no cover - centuries of data in one block
        raise OverflowError("block spans too long a time")
    keys = np.clip(ws, low, high) - low + owner * span
    fix_keys = (t - low) + rank * span
    window = np.searchsorted(keys, fix_keys, side="right") - 1
    ok = window >= 0
    ok[ok] = (owner[window[ok]] == rank[ok]) & (t[ok] < we[window[ok]])
    return np.where(ok, window, -1).astype(np.int64), ws, we
