"""EVENTS.jsonl lines to events, and the lines that could not be used (contracts.md §3).

Rejected lines carry their 1-based line number and a reason a person can act on. Blank lines
are skipped without a reject. Checks run in the contract's order (JSON, object, id, child,
kind, at), so a line with several faults reports the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from safeguard.safeguarding.engine.events import KINDS, Event


@dataclass(frozen=True, slots=True)
class Reject:
    line: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass(slots=True)
class ParsedEvents:
    events: list[Event] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def parse_time(text: object) -> datetime | None:
    """An ISO 8601 time with an offset (or Z); None when it does not parse or has no offset."""
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    if parsed.year in (1, 9999):  # its UTC instant may fall outside years 1..9999
        try:
            parsed.astimezone(UTC)
        except OverflowError:
            return None
    return parsed


def _required_text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def _problem(obj: dict[str, Any], key: str) -> str:
    if obj.get(key) is None:
        return f"missing {key}"
    return f"{key} is not a non-empty string"


def parse_event(text: str, seq: int) -> Event | str:
    """One line to an event, or the reason it cannot be used."""
    try:
        obj = json.loads(text)
    except ValueError:  # json.JSONDecodeError and bad surrogates alike
        return "not JSON"
    if not isinstance(obj, dict):
        return "not a JSON object"
    event_id = _required_text(obj, "id")
    if event_id is None:
        return _problem(obj, "id")
    child = _required_text(obj, "child")
    if child is None:
        return _problem(obj, "child")
    kind = _required_text(obj, "kind")
    if kind is None:
        return _problem(obj, "kind")
    if kind not in KINDS:
        return f"unknown kind {kind!r}"
    if obj.get("at") is None:
        return "missing at"
    at = parse_time(obj["at"])
    if at is None:
        return (
            f"unparsable at {obj['at']!r} (ISO 8601 with an offset, e.g. 2007-04-09T11:00:00+01:00)"
        )
    agency = obj.get("agency")
    if agency is None:
        agency = ""
    elif not isinstance(agency, str):
        return "agency is not a string"
    details = obj.get("details")
    if details is None:
        details = {}
    elif not isinstance(details, dict):
        return "details is not a JSON object"
    return Event(
        id=event_id, child=child, at=at, kind=kind, agency=agency, details=details, seq=seq
    )


def parse_lines(lines: Iterable[str | bytes], first_line: int = 1) -> ParsedEvents:
    """Parse JSONL lines. A repeated (child, id) is rejected: evidence must name one event."""
    result = ParsedEvents()
    first_seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(lines, start=first_line):
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                result.rejects.append(Reject(number, "not JSON (not valid UTF-8)"))
                continue
        else:
            line = raw
        if not line.strip():
            continue
        parsed = parse_event(line, seq=number)
        if isinstance(parsed, str):
            result.rejects.append(Reject(number, parsed))
            continue
        key = (parsed.child, parsed.id)
        earlier = first_seen.setdefault(key, number)
        if earlier != number:
            result.rejects.append(
                Reject(
                    number,
                    f"duplicate id {parsed.id!r} for child {parsed.child!r} (line {earlier})",
                )
            )
            continue
        result.events.append(parsed)
    return result
