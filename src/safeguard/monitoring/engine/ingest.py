"""FIXES.csv / EVENTS.csv → accepted ``FixTable`` / ``EventTable`` plus rejected rows.

Each row gets at most one reason, the first failing check in column order. Conversions run
over whole chunks (``map`` in C) and fall back to row by row only for a chunk with a bad value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.csvrows import Chunk, Reject, read_chunks
from safeguard.monitoring.engine.dedup import drop_duplicates
from safeguard.monitoring.engine.tables import EVENT_KINDS, EventTable, FixTable
from safeguard.monitoring.engine.timeparse import InstantError, parse_instant

FIX_COLUMNS = ("subject", "seq", "recorded_at", "lat", "lon", "accuracy_m")
EVENT_COLUMNS = ("subject", "seq", "recorded_at", "kind")
_KIND_CODES = {name: code for code, name in enumerate(EVENT_KINDS)}


class _Reasons:
    """The first reason found for each row of a chunk."""

    def __init__(self, size: int) -> None:
        self.by_row: dict[int, str] = {}
        self.bad = np.zeros(size, dtype=np.bool_)

    def add(self, row: int, reason: str) -> None:
        if row not in self.by_row:
            self.by_row[row] = reason
            self.bad[row] = True

    def add_mask(self, mask: NDArray[np.bool_], reason: Callable[[int], str]) -> None:
        for row in np.flatnonzero(mask & ~self.bad).tolist():
            self.add(row, reason(row))


def read_fixes(
    path: Path, subjects: Mapping[str, int], default_accuracy: Sequence[float]
) -> tuple[FixTable, list[Reject], int]:
    """Accepted fixes (file order), rejected rows, and the number of identical resends."""
    rejects: list[Reject] = []
    defaults = np.asarray(default_accuracy, dtype=np.float64)
    parts = [
        _fix_chunk(chunk, subjects, defaults, rejects)
        for chunk in read_chunks(path, FIX_COLUMNS, "fixes", rejects)
    ]
    table = FixTable.concat(parts)
    keep, conflicts = drop_duplicates(
        table.subject, table.seq, (table.t, table.lat, table.lon, table.acc)
    )
    rejects.extend(_conflicts(table.subject, table.seq, table.line, conflicts, subjects, "fixes"))
    duplicates = int(keep.size - keep.sum()) - len(conflicts)
    return table.take(keep), rejects, duplicates


def read_events(path: Path, subjects: Mapping[str, int]) -> tuple[EventTable, list[Reject], int]:
    rejects: list[Reject] = []
    parts = [
        _event_chunk(chunk, subjects, rejects)
        for chunk in read_chunks(path, EVENT_COLUMNS, "events", rejects)
    ]
    table = EventTable.concat(parts)
    keep, conflicts = drop_duplicates(table.subject, table.seq, (table.t, table.kind))
    rejects.extend(_conflicts(table.subject, table.seq, table.line, conflicts, subjects, "events"))
    duplicates = int(keep.size - keep.sum()) - len(conflicts)
    return table.take(keep), rejects, duplicates


def _fix_chunk(
    chunk: Chunk, subjects: Mapping[str, int], defaults: NDArray[np.float64], rejects: list[Reject]
) -> FixTable:
    cols = chunk.columns
    reasons = _Reasons(len(chunk.lines))
    subject = _subjects(cols["subject"], subjects, reasons)
    seq = _convert(cols["seq"], int, np.int64, reasons, lambda v: f"seq is not an integer: {v!r}")
    t = _times(cols["recorded_at"], reasons)
    lat = _coordinate(cols["lat"], "lat", 90, reasons)
    lon = _coordinate(cols["lon"], "lon", 180, reasons)
    acc = _accuracy(cols["accuracy_m"], subject, defaults, reasons)
    keep = ~reasons.bad
    _collect(reasons, chunk, "fixes", rejects)
    lines = np.asarray(chunk.lines, dtype=np.int64)
    return FixTable(subject[keep], seq[keep], t[keep], lat[keep], lon[keep], acc[keep], lines[keep])


def _event_chunk(chunk: Chunk, subjects: Mapping[str, int], rejects: list[Reject]) -> EventTable:
    cols = chunk.columns
    reasons = _Reasons(len(chunk.lines))
    subject = _subjects(cols["subject"], subjects, reasons)
    seq = _convert(cols["seq"], int, np.int64, reasons, lambda v: f"seq is not an integer: {v!r}")
    t = _times(cols["recorded_at"], reasons)
    codes = [_KIND_CODES.get(kind.lower(), -1) for kind in cols["kind"]]
    kind = np.asarray(codes, dtype=np.int8)
    reasons.add_mask(kind < 0, lambda row: f"unknown event kind {cols['kind'][row]!r}")
    keep = ~reasons.bad
    _collect(reasons, chunk, "events", rejects)
    lines = np.asarray(chunk.lines, dtype=np.int64)
    return EventTable(subject[keep], seq[keep], t[keep], kind[keep], lines[keep])


def _subjects(
    values: list[str], subjects: Mapping[str, int], reasons: _Reasons
) -> NDArray[np.int32]:
    codes = np.fromiter(
        (subjects.get(value, -1) for value in values), dtype=np.int32, count=len(values)
    )
    for row in np.flatnonzero(codes < 0).tolist():
        value = values[row]
        reasons.add(row, "empty subject" if not value else f"unknown subject {value!r}")
    return codes


def _convert(
    values: list[str],
    parse: Callable[[str], Any],
    dtype: type[np.generic],
    reasons: _Reasons,
    reason: Callable[[str], str],
) -> NDArray[Any]:
    try:
        return np.fromiter(map(parse, values), dtype=dtype, count=len(values))
    except (ValueError, OverflowError, TypeError):
        pass
    out = np.zeros(len(values), dtype=dtype)
    for row, value in enumerate(values):
        try:
            out[row] = parse(value)
        except (ValueError, OverflowError, TypeError):
            reasons.add(row, reason(value))
    return out


def _times(values: list[str], reasons: _Reasons) -> NDArray[np.int64]:
    def reason(value: str) -> str:
        try:
            parse_instant(value)
        except InstantError as error:
            return f"recorded_at {error.problem}: {value!r}"
        return f"recorded_at out of range: {value!r}"  # pragma: no cover - parse succeeded

    return _convert(values, parse_instant, np.int64, reasons, reason)


def _coordinate(
    values: list[str], name: str, limit: float, reasons: _Reasons
) -> NDArray[np.float64]:
    out = _convert(values, float, np.float64, reasons, lambda v: f"{name} is not a number: {v!r}")
    reasons.add_mask(np.isnan(out), lambda row: f"{name} is not a number: {values[row]!r}")
    reasons.add_mask(
        ~(np.abs(out) <= limit),
        lambda row: f"{name} outside [-{limit:g}, {limit:g}]: {values[row]!r}",
    )
    return out


def _accuracy(
    values: list[str], subject: NDArray[np.int32], defaults: NDArray[np.float64], reasons: _Reasons
) -> NDArray[np.float64]:
    out = _convert(
        [value or "nan" for value in values],
        float,
        np.float64,
        reasons,
        lambda v: f"accuracy_m is not a number: {v!r}",
    )
    blank = np.fromiter((not value for value in values), dtype=np.bool_, count=len(values))
    reasons.add_mask(
        ~blank & ~np.isfinite(out), lambda row: f"accuracy_m is not a number: {values[row]!r}"
    )
    reasons.add_mask(out < 0, lambda row: f"accuracy_m is negative: {values[row]!r}")
    if blank.any():
        known = blank & (subject >= 0)
        out[known] = defaults[subject[known]]
    return out


def _collect(reasons: _Reasons, chunk: Chunk, label: str, rejects: list[Reject]) -> None:
    rejects.extend(
        Reject(label, chunk.lines[row], reason) for row, reason in reasons.by_row.items()
    )


def _conflicts(
    subject: NDArray[np.int32],
    seq: NDArray[np.int64],
    line: NDArray[np.int64],
    conflicts: list[tuple[int, int]],
    subjects: Mapping[str, int],
    label: str,
) -> list[Reject]:
    names = {code: name for name, code in subjects.items()}
    return [
        Reject(
            label,
            int(line[later]),
            f"conflicting copy of subject {names[int(subject[later])]} seq {int(seq[later])}"
            f" (first on line {int(line[first])})",
        )
        for later, first in conflicts
    ]
