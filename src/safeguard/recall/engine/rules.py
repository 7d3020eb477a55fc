"""Recall rule sets: versioned data files with effective dates, loaded and checked here.

A rule set is one JSON file in ``rulesets/``. Adding a file with a later ``effective_from``
changes the law the engine applies from that date with no code change. Every file is checked
when loaded (unknown facts, operators or outcomes are refused), so a typo in the data fails
loudly in the tests instead of silently never matching.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from safeguard.recall.engine.case import FACT_FIELDS, RecallCase

OUTCOMES = ("fixed_term", "standard", "emergency", "no_recall")
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "in")


class RuleSetError(ValueError):
    """A rule-set file is malformed, or no rule set covers a date."""


@dataclass(frozen=True, slots=True)
class Condition:
    """A test on the case's facts: a comparison, or any/all/not of other conditions."""

    kind: str  # "compare", "any", "all", "not"
    field: str = ""
    op: str = ""
    value: object = None
    parts: tuple[Condition, ...] = ()

    def holds(self, case: RecallCase) -> bool:
        if self.kind == "any":
            return any(part.holds(case) for part in self.parts)
        if self.kind == "all":
            return all(part.holds(case) for part in self.parts)
        if self.kind == "not":
            return not self.parts[0].holds(case)
        return _compare(case.fact(self.field), self.op, self.value)


def _compare(actual: object, op: str, expected: object) -> bool:
    # An unknown fact (null) never satisfies a test: a missing MAPPA level is not level 2.
    if actual is None:
        return False
    if op == "eq":
        return actual == expected
    if op == "ne":
        return actual != expected
    if op == "in":
        return isinstance(expected, list) and actual in expected
    if not isinstance(actual, int | float) or not isinstance(expected, int | float):
        return False
    return {
        "lt": actual < expected,
        "le": actual <= expected,
        "gt": actual > expected,
        "ge": actual >= expected,
    }[op]


@dataclass(frozen=True, slots=True)
class DaysBand:
    days: int
    when: Condition | None


@dataclass(frozen=True, slots=True)
class Exclusion:
    id: str
    when: Condition
    reason: str
    confirmed: bool
    source: str


@dataclass(frozen=True, slots=True)
class Cohort:
    """Determinate-sentence rules for one group of people (for example, under-18s)."""

    id: str
    when: Condition | None
    fixed_term: str  # "mandatory" or "discretionary" when no exclusion applies
    on_exclusion: str  # "standard" or "discretionary" when one does
    days: tuple[DaysBand, ...]
    exclusions: tuple[Exclusion, ...]
    reason: str
    excluded_reason: str

    def fixed_term_days(self, case: RecallCase) -> int:
        for band in self.days:
            if band.when is None or band.when.holds(case):
                return band.days
        raise RuleSetError(f"no fixed-term length in cohort {self.id} fits the case")


@dataclass(frozen=True, slots=True)
class FixedOutcome:
    options: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    effective_from: date | None  # None: in force from the beginning of recorded time
    confirmed: bool
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    cohorts: tuple[Cohort, ...]
    fixed: Mapping[str, FixedOutcome]  # "extended", "indeterminate"

    def cohort_for(self, case: RecallCase) -> Cohort:
        for cohort in self.cohorts:
            if cohort.when is None or cohort.when.holds(case):
                return cohort
        raise RuleSetError(f"no determinate-sentence cohort of {self.name!r} fits the case")


# --- parsing -------------------------------------------------------------------------------


def _require(data: object, key: str, kind: type, where: str) -> Any:
    if not isinstance(data, dict):
        raise RuleSetError(f"{where}: expected an object holding {key!r}")
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise RuleSetError(f"{where}: {key!r} must be a {kind.__name__}")
    return value


def parse_condition(data: object, where: str) -> Condition:
    if not isinstance(data, dict):
        raise RuleSetError(f"{where}: a condition must be an object")
    for combinator in ("any", "all"):
        if combinator in data:
            parts = data[combinator]
            if not isinstance(parts, list) or not parts:
                raise RuleSetError(f"{where}: {combinator!r} needs a non-empty list")
            return Condition(kind=combinator, parts=tuple(parse_condition(p, where) for p in parts))
    if "not" in data:
        return Condition(kind="not", parts=(parse_condition(data["not"], where),))
    field = data.get("field")
    if field not in FACT_FIELDS:
        raise RuleSetError(f"{where}: unknown fact {field!r}")
    ops = [op for op in COMPARISONS if op in data]
    if len(ops) != 1:
        raise RuleSetError(f"{where}: a comparison needs exactly one of {', '.join(COMPARISONS)}")
    return Condition(kind="compare", field=str(field), op=ops[0], value=data[ops[0]])


def _optional_condition(data: Mapping[str, Any], where: str) -> Condition | None:
    raw = data.get("when")
    return None if raw is None else parse_condition(raw, where)


def _parse_cohort(data: object, where: str) -> Cohort:
    if not isinstance(data, dict):
        raise RuleSetError(f"{where}: a cohort must be an object")
    cohort_id = _require(data, "id", str, where)
    where = f"{where} cohort {cohort_id}"
    fixed_term = _require(data, "fixed_term", str, where)
    on_exclusion = _require(data, "on_exclusion", str, where)
    if fixed_term not in ("mandatory", "discretionary"):
        raise RuleSetError(f"{where}: fixed_term must be mandatory or discretionary")
    if on_exclusion not in ("standard", "discretionary"):
        raise RuleSetError(f"{where}: on_exclusion must be standard or discretionary")
    days = tuple(
        DaysBand(days=_require(band, "days", int, where), when=_optional_condition(band, where))
        for band in _require(data, "fixed_term_days", list, where)
    )
    if not days or days[-1].when is not None:
        raise RuleSetError(f"{where}: fixed_term_days must end with a band without 'when'")
    exclusions = []
    for raw in _require(data, "exclusions", list, where):
        exclusion_id = _require(raw, "id", str, where)
        exclusions.append(
            Exclusion(
                id=exclusion_id,
                when=parse_condition(raw.get("when"), f"{where} exclusion {exclusion_id}"),
                reason=_require(raw, "reason", str, where),
                confirmed=bool(raw.get("confirmed", True)),
                source=str(raw.get("source", "")),
            )
        )
    return Cohort(
        id=cohort_id,
        when=_optional_condition(data, where),
        fixed_term=fixed_term,
        on_exclusion=on_exclusion,
        days=days,
        exclusions=tuple(exclusions),
        reason=_require(data, "reason", str, where),
        excluded_reason=str(data.get("excluded_reason", "")),
    )


def _parse_fixed(data: Mapping[str, Any], key: str, where: str) -> FixedOutcome:
    raw = _require(data, key, dict, where)
    options = tuple(_require(raw, "options", list, f"{where} {key}"))
    if "no_recall" not in options or any(o not in OUTCOMES for o in options):
        raise RuleSetError(f"{where} {key}: options must be outcomes and include no_recall")
    return FixedOutcome(options=options, reason=_require(raw, "reason", str, f"{where} {key}"))


def parse_rule_set(data: object, where: str) -> RuleSet:
    if not isinstance(data, dict):
        raise RuleSetError(f"{where}: a rule set must be a JSON object")
    raw_from = data.get("effective_from")
    try:
        effective_from = None if raw_from is None else date.fromisoformat(str(raw_from))
    except ValueError:
        raise RuleSetError(f"{where}: effective_from must be YYYY-MM-DD or null") from None
    sentences = _require(data, "sentences", dict, where)
    cohorts = tuple(
        _parse_cohort(c, where) for c in _require(sentences, "determinate", list, where)
    )
    if not cohorts or cohorts[-1].when is not None:
        raise RuleSetError(f"{where}: the last determinate cohort must have no 'when'")
    return RuleSet(
        name=_require(data, "name", str, where),
        effective_from=effective_from,
        confirmed=_require(data, "confirmed", bool, where),
        sources=tuple(str(s) for s in data.get("sources", [])),
        notes=tuple(str(n) for n in data.get("notes", [])),
        cohorts=cohorts,
        fixed={k: _parse_fixed(sentences, k, where) for k in ("extended", "indeterminate")},
    )


def _shipped_files() -> list[tuple[str, str]]:
    folder = resources.files("safeguard.recall.engine").joinpath("rulesets")
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    )


def load_rule_sets(directory: Path | None = None) -> tuple[RuleSet, ...]:
    """All rule sets, oldest first. ``directory`` replaces the shipped rulesets/ folder."""
    if directory is None:
        files = _shipped_files()
    else:
        files = sorted(
            (path.name, path.read_text(encoding="utf-8")) for path in directory.glob("*.json")
        )
    rule_sets = []
    for name, text in files:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise RuleSetError(f"{name}: not valid JSON ({error.msg})") from None
        rule_sets.append(parse_rule_set(data, name))
    return _ordered(rule_sets)


def _ordered(rule_sets: Iterable[RuleSet]) -> tuple[RuleSet, ...]:
    ordered = sorted(rule_sets, key=lambda r: r.effective_from or date.min)
    starts = [r.effective_from for r in ordered]
    if len(set(starts)) != len(starts):
        raise RuleSetError("two rule sets share an effective_from date")
    return tuple(ordered)


def rule_set_in_force(rule_sets: Sequence[RuleSet], on: date) -> RuleSet:
    """The rule set with the latest effective_from on or before ``on``."""
    in_force = [r for r in rule_sets if r.effective_from is None or r.effective_from <= on]
    if not in_force:
        raise RuleSetError(f"no recall rule set is in force on {on.isoformat()}")
    return in_force[-1]
