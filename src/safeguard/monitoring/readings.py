"""Parsing a feed batch: JSON array or NDJSON, one reading an item, checked per contracts.md §1.

Each item is checked on its own; a bad one is rejected with its index and a reason, the rest
go on. Within a batch the first valid copy of a (subject, seq) counts: an identical later copy
is a duplicate, a different one a conflict (as the engine does for files).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from safeguard.monitoring.engine import EVENT_KINDS
from safeguard.monitoring.engine.timeparse import InstantError, parse_instant


class BadBody(ValueError):
    """The body is neither a JSON array nor NDJSON."""


@dataclass(frozen=True)
class FixIn:
    subject: str
    seq: int
    t: int  # microseconds since the epoch
    lat: float
    lon: float
    accuracy_m: float | None

    def same_as(self, other: FixIn) -> bool:
        return self == other


@dataclass(frozen=True)
class EventIn:
    subject: str
    seq: int
    t: int
    kind: str


Reading = FixIn | EventIn


@dataclass(frozen=True)
class ItemReject:
    index: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "reason": self.reason}


def split_body(body: bytes) -> list[Any]:
    """The items of a JSON array, or of NDJSON (one JSON value a line, blank lines skipped)."""
    text = body.decode("utf-8", errors="strict").strip() if body else ""
    if not text:
        return []
    if text.startswith("["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadBody("The body is not valid JSON") from exc
        if not isinstance(data, list):
            raise BadBody("The body must be a JSON array or NDJSON")
        return data
    items: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError as exc:
            raise BadBody(f"Line {number} of the NDJSON body is not valid JSON") from exc
    return items


def _subject(item: dict[str, Any]) -> str:
    value = item.get("subject")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("empty subject")
    return _canonical_subject(value)


@lru_cache(maxsize=65_536)
def _canonical_subject(value: str) -> str:
    """Subjects are person-index ids: the canonical form matches the stored key. Cached: a
    feed batch names the same few hundred subjects thousands of times (an exception, for a
    malformed id, is not cached)."""
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValueError("unknown subject") from None


def _seq(item: dict[str, Any]) -> int:
    value = item.get("seq")
    if isinstance(value, bool):
        raise ValueError("seq is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError("seq is not an integer")


def _time(item: dict[str, Any]) -> int:
    value = item.get("recorded_at")
    if not isinstance(value, str):
        raise ValueError("recorded_at does not parse")
    try:
        return parse_instant(value)
    except InstantError as exc:
        raise ValueError(f"recorded_at {exc.problem}") from None


def _number(item: dict[str, Any], name: str) -> float:
    value = item.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{name} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} is not a number")
    return number


def parse_fix(item: object) -> FixIn:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    subject, seq, t = _subject(item), _seq(item), _time(item)
    lat, lon = _number(item, "lat"), _number(item, "lon")
    if not -90 <= lat <= 90:
        raise ValueError("latitude outside [-90, 90]")
    if not -180 <= lon <= 180:
        raise ValueError("longitude outside [-180, 180]")
    accuracy: float | None = None
    if item.get("accuracy_m") not in (None, ""):
        accuracy = _number(item, "accuracy_m")
        if accuracy < 0:
            raise ValueError("accuracy_m is negative")
    return FixIn(subject, seq, t, lat, lon, accuracy)


def parse_event(item: object) -> EventIn:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    subject, seq, t = _subject(item), _seq(item), _time(item)
    kind = item.get("kind")
    if kind not in EVENT_KINDS:
        raise ValueError("unknown event kind")
    return EventIn(subject, seq, t, str(kind))


@dataclass
class Parsed:
    """A batch's first valid copy of each (subject, seq), with its item index."""

    readings: dict[tuple[str, int], tuple[int, Reading]]
    rejected: list[ItemReject]
    duplicates: int


def parse_items(items: Iterable[object], *, events: bool) -> Parsed:
    readings: dict[tuple[str, int], tuple[int, Reading]] = {}
    rejected: list[ItemReject] = []
    duplicates = 0
    for index, item in enumerate(items):
        try:
            reading: Reading = parse_event(item) if events else parse_fix(item)
        except ValueError as exc:
            rejected.append(ItemReject(index, str(exc)))
            continue
        key = (reading.subject, reading.seq)
        first = readings.get(key)
        if first is None:
            readings[key] = (index, reading)
        elif first[1] == reading:
            duplicates += 1
        else:
            rejected.append(ItemReject(index, f"conflict: differs from item {first[0]}"))
    return Parsed(readings, rejected, duplicates)
