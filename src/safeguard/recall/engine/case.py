"""The facts of a recall case, parsed and checked from the CASE.json shape (contracts.md §4).

Parsing is strict about types (a string "true" is not a boolean) but lenient about absence:
flags that are missing count as false, so a case written for an older rule set still runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

SENTENCE_TYPES = ("determinate", "extended", "indeterminate")

# Yes/no facts a rule set may test. The first five are the contract's; the rest are optional
# extras needed by the 2026 models (see rulesets/*.json) and default to false when absent.
FLAG_FIELDS = (
    "charged_with_new_offence",
    "terrorist_sentence",
    "terrorism_or_state_threat_charge",
    "convicted_of_new_offence",
    "youth_charged_with_serious_offence",
    "referred_to_parole_board_244zb",
    "repatriated_for_murder",
    "sopc_sentence",
    "dcr_sentence",
    "foreign_power_threat",
)


class CaseError(ValueError):
    """The case cannot be assessed; the message is one plain-English line."""


@dataclass(frozen=True, slots=True)
class RecallCase:
    """The facts the rules test. ``flags`` holds the yes/no facts; absent ones are false."""

    sentence_type: str
    length_months: float | None
    age: int | None
    mappa_category: int | None
    mappa_level: int | None
    flags: Mapping[str, bool]
    recall_date: date | None = None

    def fact(self, name: str) -> object:
        """The value of a named fact, as rule-set conditions refer to it."""
        if name in FLAG_FIELDS:
            return self.flags.get(name, False)
        return {
            "sentence.type": self.sentence_type,
            "sentence.length_months": self.length_months,
            "age": self.age,
            "mappa.category": self.mappa_category,
            "mappa.level": self.mappa_level,
        }[name]


FACT_FIELDS = frozenset(
    (
        "sentence.type",
        "sentence.length_months",
        "age",
        "mappa.category",
        "mappa.level",
        *FLAG_FIELDS,
    )
)


def parse_date(text: object, what: str) -> date:
    if not isinstance(text, str):
        raise CaseError(f"{what} must be a date like 2025-10-01")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CaseError(f"{what} must be a real date like 2025-10-01 (got {text!r})") from None


def _optional_int(value: object, what: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CaseError(f"{what} must be a whole number from {low} to {high}, or null")
    return value


def _length_months(sentence: Mapping[str, object], sentence_type: str) -> float | None:
    value = sentence.get("length_months")
    if value is None:
        if sentence_type == "determinate":
            raise CaseError("sentence.length_months is required for a determinate sentence")
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise CaseError("sentence.length_months must be a number of months, 0 or more")
    return value


def _age(data: Mapping[str, object], sentence_type: str) -> int | None:
    value = data.get("age")
    if value is None:
        if sentence_type == "determinate":
            raise CaseError("age is required for a determinate sentence")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
        raise CaseError("age must be a whole number of years")
    return value


def parse_case(data: object) -> RecallCase:
    """Build a RecallCase from parsed JSON, or raise CaseError naming the first problem."""
    if not isinstance(data, dict):
        raise CaseError("the case must be a JSON object")
    sentence = data.get("sentence")
    if sentence is None:
        raise CaseError("sentence is missing")
    if not isinstance(sentence, dict):
        raise CaseError("sentence must be an object with a type")
    sentence_type = sentence.get("type")
    if sentence_type is None:
        raise CaseError("sentence.type is missing")
    if sentence_type not in SENTENCE_TYPES:
        raise CaseError(
            f"sentence.type must be one of {', '.join(SENTENCE_TYPES)} (got {sentence_type!r})"
        )
    assert isinstance(sentence_type, str)

    mappa = data.get("mappa")
    if mappa is None:
        mappa = {}
    if not isinstance(mappa, dict):
        raise CaseError("mappa must be an object with category and level, or null")

    flags: dict[str, bool] = {}
    for name in FLAG_FIELDS:
        value = data.get(name, False)
        if value is None:
            value = False
        if not isinstance(value, bool):
            raise CaseError(f"{name} must be true or false")
        flags[name] = value

    raw_date = data.get("recall_date")
    recall_date = None if raw_date is None else parse_date(raw_date, "recall_date")

    return RecallCase(
        sentence_type=sentence_type,
        length_months=_length_months(sentence, sentence_type),
        age=_age(data, sentence_type),
        mappa_category=_optional_int(mappa.get("category"), "mappa.category", 1, 4),
        mappa_level=_optional_int(mappa.get("level"), "mappa.level", 1, 3),
        flags=flags,
        recall_date=recall_date,
    )
