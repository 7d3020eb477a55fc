"""Per-order rule settings, and the version of the rules that use them.

Every violation carries ``RULE_VERSION`` and the settings that produced it, so a result can be
explained (and re-run) after either changes. Orders may name their settings version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

# Bump when the meaning of a rule changes (not for refactoring): results name the version.
RULE_VERSION = "em-rules/1"

SETTING_NAMES = ("confirm_fixes", "min_absence_minutes", "max_gap_minutes", "default_accuracy_m")


class SettingsError(ValueError):
    """A setting with the wrong type or range."""


@dataclass(frozen=True)
class Settings:
    confirm_fixes: int = 2
    min_absence_minutes: float = 5
    max_gap_minutes: float = 15
    default_accuracy_m: float = 50
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in SETTING_NAMES}
        if self.version is not None:
            data["version"] = self.version
        return data

    def with_overrides(self, data: object) -> Settings:
        """These settings, overridden by an order's ``settings`` object."""
        if data is None:
            return self
        if not isinstance(data, dict):
            raise SettingsError("settings must be an object")
        # A misspelt threshold silently falling back to its default would be a monitoring
        # error nobody sees, so unknown keys are refused (ADR 0102).
        unknown = sorted(set(data) - {*SETTING_NAMES, "version"})
        if unknown:
            raise SettingsError(f"unknown setting {unknown[0]!r}")
        changes: dict[str, Any] = {}
        if "confirm_fixes" in data:
            changes["confirm_fixes"] = _integer(data["confirm_fixes"], "confirm_fixes", 1)
        for name in ("min_absence_minutes", "default_accuracy_m"):
            if name in data:
                changes[name] = _number(data[name], name, allow_zero=True)
        if "max_gap_minutes" in data:
            changes["max_gap_minutes"] = _number(data["max_gap_minutes"], "max_gap_minutes")
        if "version" in data:
            version = data["version"]
            if isinstance(version, bool) or not isinstance(version, str | int):
                raise SettingsError("settings version must be a string or an integer")
            changes["version"] = str(version)
        return replace(self, **changes)


def _integer(value: object, name: str, minimum: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 2.0 is 2
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"{name} must be an integer of at least {minimum}")
    return value


def _number(value: object, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SettingsError(f"{name} must be a number")
    if value < 0 or (value == 0 and not allow_zero):
        raise SettingsError(f"{name} must be {'at least 0' if allow_zero else 'above 0'}")
    return value
