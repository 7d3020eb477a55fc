"""The licence-condition catalogue: data files in ``catalogue/``, keyed by (policy, code).

V4 reuses some V3 codes with a different meaning (domain.md §1), so a code alone never
identifies a condition: every lookup takes the policy version too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

POLICIES = {"3.0": "v3.json", "4.0": "v4.json"}
V4_START_VARIABLE = "SAFEGUARD_LICENCE_V4_START"


class CatalogueError(ValueError):
    """An unknown policy version or condition code; the message is one plain line."""


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    inputs: tuple[InputSpec, ...]


@dataclass(frozen=True, slots=True)
class InputSpec:
    name: str
    type: str
    label: str
    required: bool
    error_missing: str
    options: tuple[Option, ...] = ()
    repeatable: bool = False
    case: str | None = None
    list_type: str | None = None
    include_before: str | None = None
    default_value: str | None = None
    indefinite_article: bool = False
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    policy: str
    code: str
    licence_type: str
    kind: str
    category: str
    text: str
    inputs: tuple[InputSpec, ...]
    em_check: str
    time_windows: tuple[tuple[str, str], ...]
    data: Mapping[str, Any]  # the catalogue entry as stored, for JSON output

    def all_inputs(self) -> dict[str, InputSpec]:
        """Every input, nested ones included, by name (first declaration wins)."""
        found: dict[str, InputSpec] = {}

        def walk(specs: tuple[InputSpec, ...]) -> None:
            for spec in specs:
                found.setdefault(spec.name, spec)
                for option in spec.options:
                    walk(option.inputs)

        walk(self.inputs)
        return found


@dataclass(frozen=True, slots=True)
class Catalogue:
    policy: str
    conditions: tuple[Condition, ...]
    by_code: Mapping[str, Condition]


def _input(data: Mapping[str, Any]) -> InputSpec:
    return InputSpec(
        name=data["name"],
        type=data["type"],
        label=data["label"],
        required=bool(data["required"]),
        error_missing=data["error_missing"],
        options=tuple(
            Option(value=o["value"], inputs=tuple(_input(i) for i in o.get("inputs", [])))
            for o in data.get("options", [])
        ),
        repeatable=bool(data.get("repeatable", False)),
        case=data.get("case"),
        list_type=data.get("list_type"),
        include_before=data.get("include_before"),
        default_value=data.get("default_value"),
        indefinite_article=bool(data.get("indefinite_article", False)),
        min=data.get("min"),
        max=data.get("max"),
    )


def _condition(data: Mapping[str, Any]) -> Condition:
    return Condition(
        policy=data["policy"],
        code=data["code"],
        licence_type=data["licence_type"],
        kind=data["kind"],
        category=data["category"],
        text=data["text"],
        inputs=tuple(_input(i) for i in data["inputs"]),
        em_check=data["em_check"],
        time_windows=tuple((w["start"], w["end"]) for w in data.get("time_windows", [])),
        data=data,
    )


def normalise_policy(version: str) -> str:
    """'3', '3.0', 'v3' and 'V3' all mean policy 3.0."""
    text = version.strip().lower().removeprefix("v")
    if text in ("3", "4"):
        text += ".0"
    if text not in POLICIES:
        known = ", ".join(POLICIES)
        raise CatalogueError(f"unknown licence policy version {version!r} (known: {known})")
    return text


@cache
def load_catalogue(policy: str) -> Catalogue:
    policy = normalise_policy(policy)
    folder = resources.files("safeguard.licences.engine").joinpath("catalogue")
    data = json.loads(folder.joinpath(POLICIES[policy]).read_text(encoding="utf-8"))
    conditions = tuple(_condition(c) for c in data["conditions"])
    return Catalogue(
        policy=policy,
        conditions=conditions,
        by_code={c.code.lower(): c for c in conditions},
    )


def get_condition(policy: str, code: str) -> Condition:
    catalogue = load_catalogue(normalise_policy(policy))
    condition = catalogue.by_code.get(code.strip().lower())
    if condition is None:
        raise CatalogueError(f"policy {catalogue.policy} has no condition with code {code!r}")
    return condition


def policy_for(licence_start: date, v4_start: date | None) -> str:
    """The policy a licence is on: V4 if it starts on or after the configured V4 date."""
    if v4_start is not None and licence_start >= v4_start:
        return "4.0"
    return "3.0"


def v4_start_from(environ: Mapping[str, str]) -> date | None:
    """The configured V4 start date (unset by default, as in the official service)."""
    raw = environ.get(V4_START_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CatalogueError(
            f"{V4_START_VARIABLE} must be a date like 2026-04-01 (got {raw!r})"
        ) from None
