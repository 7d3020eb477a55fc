"""Versioned indicator rule sets: thresholds as data, chosen by effective date.

The shipped sets live in `rule_sets.json` beside this module. Each set names every rule with
all of its settings and its guidance text (nothing falls back to a default hidden in code, so
the data file is the whole truth about a version). Every alert records the version that
produced it. See docs/adr/0201-indicator-rules-versioned.md.
"""

import json
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, get_args, get_origin
from zoneinfo import ZoneInfo

from safeguard.safeguarding.engine.events import KINDS

RULES: tuple[str, ...] = (
    "non_mobile_injury",
    "repeat_injury",
    "repeat_attendance",
    "was_not_brought",
    "unknown_adult",
    "restricted_adult",
    "multi_agency_concern",
    "child_not_seen",
)
ATTENDANCE_SETTINGS = frozenset({"emergency_department", "urgent_care", "gp"})
# Effective dates are calendar dates in England and Wales.
LOCAL_ZONE = ZoneInfo("Europe/London")


class RuleSetError(ValueError):
    """Rule-set data that cannot be used."""


@dataclass(frozen=True, slots=True)
class NonMobileInjury:
    under_months: int
    guidance: str


@dataclass(frozen=True, slots=True)
class RepeatInjury:
    window_days: int
    min_injuries: int
    agency_window_days: int
    min_agencies: int
    guidance: str


@dataclass(frozen=True, slots=True)
class RepeatAttendance:
    window_days: int
    min_attendances: int
    provider_window_days: int
    min_providers: int
    settings: tuple[str, ...]
    guidance: str


@dataclass(frozen=True, slots=True)
class WasNotBrought:
    window_days: int
    min_missed: int
    one_is_enough_on_plan: bool
    guidance: str


@dataclass(frozen=True, slots=True)
class GuidanceOnly:
    guidance: str


@dataclass(frozen=True, slots=True)
class MultiAgencyConcern:
    window_days: int
    min_agencies: int
    kinds: tuple[str, ...]
    guidance: str


@dataclass(frozen=True, slots=True)
class ChildNotSeen:
    max_days_unseen: int
    guidance: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    effective_from: date | None
    non_mobile_injury: NonMobileInjury
    repeat_injury: RepeatInjury
    repeat_attendance: RepeatAttendance
    was_not_brought: WasNotBrought
    unknown_adult: GuidanceOnly
    restricted_adult: GuidanceOnly
    multi_agency_concern: MultiAgencyConcern
    child_not_seen: ChildNotSeen

    def guidance(self, rule: str) -> str:
        guidance: str = getattr(self, rule).guidance
        return guidance


_RULE_CLASSES: dict[str, type] = {
    "non_mobile_injury": NonMobileInjury,
    "repeat_injury": RepeatInjury,
    "repeat_attendance": RepeatAttendance,
    "was_not_brought": WasNotBrought,
    "unknown_adult": GuidanceOnly,
    "restricted_adult": GuidanceOnly,
    "multi_agency_concern": MultiAgencyConcern,
    "child_not_seen": ChildNotSeen,
}
# Which strings a list setting may hold.
_ALLOWED_ITEMS: dict[str, frozenset[str]] = {"settings": ATTENDANCE_SETTINGS, "kinds": KINDS}


def _setting(where: str, name: str, expected: Any, value: Any) -> Any:
    """Check one setting against its declared type; counts and windows must be positive."""
    if expected is bool:
        if not isinstance(value, bool):
            raise RuleSetError(f"{where}.{name}: expected true or false")
        return value
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RuleSetError(f"{where}.{name}: expected a positive whole number")
        return value
    if expected is str:
        if not isinstance(value, str) or not value.strip():
            raise RuleSetError(f"{where}.{name}: expected non-empty text")
        return value
    if get_origin(expected) is tuple and get_args(expected)[0] is str:
        allowed = _ALLOWED_ITEMS[name]
        if not isinstance(value, list) or not value or any(v not in allowed for v in value):
            raise RuleSetError(f"{where}.{name}: expected a non-empty list from {sorted(allowed)}")
        return tuple(dict.fromkeys(value))
    raise RuleSetError(f"{where}.{name}: unsupported setting type")  # pragma: no cover


def _rule(where: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise RuleSetError(f"{where}: expected an object")
    names = [f.name for f in fields(cls)]
    missing = [n for n in names if n not in raw]
    unknown = sorted(set(raw) - set(names))
    if missing or unknown:
        raise RuleSetError(f"{where}: missing settings {missing}, unknown settings {unknown}")
    return cls(**{f.name: _setting(where, f.name, f.type, raw[f.name]) for f in fields(cls)})


def _rule_set(raw: Any) -> RuleSet:
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), str) or not raw["version"]:
        raise RuleSetError("each rule set needs a non-empty string version")
    version = raw["version"]
    effective = raw.get("effective_from")
    try:
        effective_from = None if effective is None else date.fromisoformat(effective)
    except (TypeError, ValueError):
        raise RuleSetError(
            f"rule set {version}: effective_from must be YYYY-MM-DD or null"
        ) from None
    rules = raw.get("rules")
    if not isinstance(rules, dict) or set(rules) != set(RULES):
        raise RuleSetError(f"rule set {version}: rules must name exactly {list(RULES)}")
    built = {name: _rule(f"{version}.{name}", _RULE_CLASSES[name], rules[name]) for name in RULES}
    return RuleSet(version=version, effective_from=effective_from, **built)


def load_rule_sets(text: str) -> tuple[RuleSet, ...]:
    """Rule sets from JSON text, oldest first. The first may be open-ended (null)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RuleSetError(f"rule sets are not valid JSON: {exc}") from None
    raw_sets = data.get("rule_sets") if isinstance(data, dict) else None
    if not isinstance(raw_sets, list) or not raw_sets:
        raise RuleSetError("expected {'rule_sets': [...]} with at least one set")
    sets = sorted((_rule_set(r) for r in raw_sets), key=lambda s: s.effective_from or date.min)
    if len({s.version for s in sets}) != len(sets):
        raise RuleSetError("rule set versions must be unique")
    dates = [s.effective_from or date.min for s in sets]
    if len(set(dates)) != len(dates):
        raise RuleSetError("two rule sets take effect on the same date")
    return tuple(sets)


@cache
def shipped_rule_sets() -> tuple[RuleSet, ...]:
    text = (
        resources.files("safeguard.safeguarding.engine")
        .joinpath("rule_sets.json")
        .read_text("utf-8")
    )
    return load_rule_sets(text)


def rule_set_on(when: date | datetime, sets: tuple[RuleSet, ...] | None = None) -> RuleSet:
    """The set in force on a date (a time counts by its date in England and Wales)."""
    sets = shipped_rule_sets() if sets is None else sets
    day = when.astimezone(LOCAL_ZONE).date() if isinstance(when, datetime) else when
    in_force = [s for s in sets if s.effective_from is None or s.effective_from <= day]
    if not in_force:
        raise RuleSetError(f"no indicator rule set is in force on {day.isoformat()}")
    return in_force[-1]


def rule_set_version(version: str, sets: tuple[RuleSet, ...] | None = None) -> RuleSet:
    sets = shipped_rule_sets() if sets is None else sets
    for rule_set in sets:
        if rule_set.version == version:
            return rule_set
    raise RuleSetError(f"no indicator rule set has version {version!r}")
