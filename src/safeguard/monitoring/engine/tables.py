"""Columnar tables of accepted fixes and device events (numpy arrays, one row per reading)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self

import numpy as np
from numpy.typing import NDArray

EVENT_KINDS = (
    "strap_tamper",
    "strap_restored",
    "battery_critical",
    "charging",
    "home_unit_absent",
    "home_unit_present",
)
# Event kind codes (indexes into EVENT_KINDS).
(
    KIND_STRAP_TAMPER,
    KIND_STRAP_RESTORED,
    KIND_BATTERY_CRITICAL,
    KIND_CHARGING,
    KIND_UNIT_ABSENT,
    KIND_UNIT_PRESENT,
) = range(6)


@dataclass(frozen=True)
class _Table:
    def take(self, index: NDArray[np.intp] | NDArray[np.bool_] | slice) -> Self:
        return type(self)(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        )

    @classmethod
    def empty(cls) -> Self:
        raise NotImplementedError

    def __len__(self) -> int:
        return int(getattr(self, fields(self)[0].name).size)


@dataclass(frozen=True)
class FixTable(_Table):
    """GPS fixes. ``subject`` indexes the orders; ``t`` is microseconds since the epoch."""

    subject: NDArray[np.int32]
    seq: NDArray[np.int64]
    t: NDArray[np.int64]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    acc: NDArray[np.float64]  # metres; blanks already replaced by the order's default
    line: NDArray[np.int64]  # line in FIXES.csv (0 when the fix did not come from a file)

    @classmethod
    def empty(cls) -> FixTable:
        i, f = np.empty(0, np.int64), np.empty(0, np.float64)
        return cls(np.empty(0, np.int32), i, i, f, f, f, i)


@dataclass(frozen=True)
class EventTable(_Table):
    """Device events; ``kind`` indexes ``EVENT_KINDS``."""

    subject: NDArray[np.int32]
    seq: NDArray[np.int64]
    t: NDArray[np.int64]
    kind: NDArray[np.int8]
    line: NDArray[np.int64]

    @classmethod
    def empty(cls) -> EventTable:
        i = np.empty(0, np.int64)
        return cls(np.empty(0, np.int32), i, i, np.empty(0, np.int8), i)
