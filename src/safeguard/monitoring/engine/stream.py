"""The engine run incrementally, as readings arrive (late and out of order included).

Per subject it keeps the in-period fixes sorted with their classes (a fix is classified once,
on arrival), and the results of every state machine as lists of state changes. New fixes
re-run only what they can affect:
- a zone: only the windows that received fixes (or are new as the horizon moves), and within
  one only from the last state change confirmed before the earliest new fix;
- a GPS curfew (one state over the whole order): from the last change confirmed before the
  earliest new fix;
- no_signal: the gaps from the fix before the earliest new fix.
Device events are few, so a subject's event rules re-run in full when events arrive.
The result always equals the batch engine on the same readings (tests/monitoring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from safeguard.monitoring.engine.batch import in_scope
from safeguard.monitoring.engine.csvrows import Reject
from safeguard.monitoring.engine.orders import Order
from safeguard.monitoring.engine.projection import project_approx
from safeguard.monitoring.engine.regions import INSIDE, OUTSIDE, ClassArray
from safeguard.monitoring.engine.registry import SeqRegistry
from safeguard.monitoring.engine.rules import (
    Changes,
    absences,
    gap_spells,
    machine_changes,
    spells_from_changes,
    trailing_gap,
)
from safeguard.monitoring.engine.spells import EXCLUSION_ENTRY, INCLUSION_EXIT, Spell, Violation
from safeguard.monitoring.engine.subject import (
    Events,
    Fixes,
    classify,
    date_range,
    device_results,
    limit_of,
    rf_curfew_spells,
    uses_gps,
    violations,
    zone_windows,
)
from safeguard.monitoring.engine.tables import EventTable, FixTable
from safeguard.monitoring.engine.timeparse import US_PER_MINUTE
from safeguard.monitoring.engine.windows import FAR_FUTURE, IntArray

WindowKey = tuple[int, int]


class MonitorStream:
    """Feed accepted readings with ``add_fixes`` / ``add_events``; ask for ``violations``."""

    def __init__(self, orders: Sequence[Order]) -> None:
        self.orders = list(orders)
        self.latest: int | None = None
        self._fix_registry = SeqRegistry(len(self.orders), "fixes")
        self._event_registry = SeqRegistry(len(self.orders), "events")
        self._subjects: dict[int, _SubjectState] = {}

    def add_fixes(self, fixes: FixTable) -> list[Reject]:
        """Add a chunk of valid fixes (any order); returns the conflicting copies rejected."""
        keep, rejects = self._fix_registry.admit(
            fixes.subject,
            fixes.seq,
            (fixes.t, fixes.lat, fixes.lon, fixes.acc),
            fixes.line,
            self.orders,
        )
        fixes = fixes.take(keep)
        self._note_latest(fixes.t)
        fixes = fixes.take(in_scope(self.orders, fixes.subject, fixes.t, FAR_FUTURE))
        x, y = project_approx(fixes.lon, fixes.lat)
        for s in np.unique(fixes.subject).tolist():
            rows = np.flatnonzero(fixes.subject == s)
            f = fixes.take(rows)
            self._state(s).add_fixes(Fixes(f.t, f.seq, f.lon, f.lat, f.acc, x[rows], y[rows]))
        return rejects

    def add_events(self, events: EventTable) -> list[Reject]:
        keep, rejects = self._event_registry.admit(
            events.subject, events.seq, (events.t, events.kind), events.line, self.orders
        )
        events = events.take(keep)
        self._note_latest(events.t)
        events = events.take(in_scope(self.orders, events.subject, events.t, FAR_FUTURE))
        for s in np.unique(events.subject).tolist():
            e = events.take(events.subject == s)
            self._state(s).add_events(Events(e.t, e.seq, e.kind))
        return rejects

    def violations(self, until: int | None = None) -> list[Violation]:
        """Every violation as of ``until`` (default: the latest reading), sorted."""
        horizon = self.latest if until is None else until
        if horizon is None:
            return []
        if self.latest is not None and horizon < self.latest:
            raise ValueError("a stream evaluates up to its latest reading or later")
        out: list[Violation] = []
        for s in sorted(self._subjects):
            out.extend(self._subjects[s].violations(horizon))
        out.sort(key=Violation.sort_key)
        return out

    def _state(self, subject: int) -> _SubjectState:
        if subject not in self._subjects:
            self._subjects[subject] = _SubjectState(self.orders[subject])
        return self._subjects[subject]

    def _note_latest(self, t: IntArray) -> None:
        if t.size:
            latest = int(t.max())
            self.latest = latest if self.latest is None else max(self.latest, latest)


class _SubjectState:
    def __init__(self, order: Order) -> None:
        self.order = order
        self.confirm = order.settings.confirm_fixes
        self.t = np.empty(0, np.int64)
        self.seq = np.empty(0, np.int64)
        self.curfew_cls: list[ClassArray] = []
        self.zone_cls: list[ClassArray] = [np.empty(0, np.int8) for _ in order.zones]
        if uses_gps(order):
            self.curfew_cls = [np.empty(0, np.int8) for _ in order.curfews]
        self.events = Events(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int8))
        self.pending: list[IntArray] = []  # times of fixes added since the last refresh
        self.events_changed = False
        self.days: tuple[date, date] | None = None
        # Per zone, per window (start, end): its machine's changes and the spells they make.
        self.zone_windows: list[dict[WindowKey, tuple[Changes, list[Spell]]]] = [
            {} for _ in order.zones
        ]
        self.zone_spells: list[Spell] = []
        self.curfew_changes = [Changes.empty() for _ in self.curfew_cls]
        self.gaps: list[Spell] = []  # closed no_signal gaps
        self.event_spells: list[Spell] = []
        self.absence_spells: list[Spell] = []

    def add_fixes(self, fixes: Fixes) -> None:
        curfew_cls, zone_cls = classify(self.order, fixes)
        t = np.concatenate([self.t, fixes.t])
        seq = np.concatenate([self.seq, fixes.seq])
        order = np.lexsort((seq, t))
        self.t, self.seq = t[order], seq[order]
        self.curfew_cls = [
            np.concatenate([a, b])[order] for a, b in zip(self.curfew_cls, curfew_cls, strict=True)
        ]
        self.zone_cls = [
            np.concatenate([a, b])[order] for a, b in zip(self.zone_cls, zone_cls, strict=True)
        ]
        self.pending.append(fixes.t)

    def add_events(self, events: Events) -> None:
        t = np.concatenate([self.events.t, events.t])
        seq = np.concatenate([self.events.seq, events.seq])
        kind = np.concatenate([self.events.kind, events.kind])
        order = np.lexsort((seq, t))
        self.events = Events(t[order], seq[order], kind[order])
        self.events_changed = True

    def first(self) -> int | None:
        firsts = [int(a[0]) for a in (self.t, self.events.t) if a.size]
        return min(firsts) if firsts else None

    def violations(self, until: int) -> list[Violation]:
        first = self.first()
        if first is None:
            return []
        new = np.sort(np.concatenate(self.pending)) if self.pending else np.empty(0, np.int64)
        days = date_range(self.order, first, until)
        if new.size or days != self.days:
            self._refresh_zones(days, new)
        if new.size:
            self._refresh_curfews(int(new[0]))
            self._refresh_gaps(int(new[0]))
        if self.events_changed:
            self.event_spells = device_results(self.order, self.events)
            if not uses_gps(self.order):
                self.absence_spells = rf_curfew_spells(self.order, self.events)
        self.pending, self.days, self.events_changed = [], days, False
        spells = self.zone_spells + self.absence_spells + self.gaps + self.event_spells
        if uses_gps(self.order) and self.t.size:
            max_gap = round(self.order.settings.max_gap_minutes * US_PER_MINUTE)
            last, last_seq = int(self.t[-1]), int(self.seq[-1])
            spells.append(trailing_gap(last, last_seq, max_gap, limit_of(self.order)))
        return violations(self.order, first, spells, until)

    def _rerun(
        self, changes: Changes, lo: int, hi: int, t0: int, cls: ClassArray, violating: int
    ) -> Changes:
        """Keep the changes confirmed before ``t0``; run the machine again after the last."""
        kept = changes.take(changes.confirm_t < t0)
        start, state = lo, False
        if len(kept):
            start = _position_after(
                self.t, self.seq, int(kept.confirm_t[-1]), int(kept.confirm_seq[-1])
            )
            state = bool(kept.absent[-1])
        s = slice(start, hi)
        return Changes.concat(
            kept, machine_changes(self.t[s], self.seq[s], cls[s], self.confirm, violating, state)
        )

    def _refresh_zones(self, days: tuple[date, date], new: IntArray) -> None:
        spells: list[Spell] = []
        for z, zone in enumerate(self.order.zones):
            ws, we = zone_windows(self.order, zone, days)
            violating = INSIDE if zone.kind == "exclusion" else OUTSIDE
            template = Spell(
                kind=EXCLUSION_ENTRY if zone.kind == "exclusion" else INCLUSION_EXIT,
                start=0,
                end=None,
                zone=zone.id,
            )
            first_new = np.searchsorted(new, ws, side="left")
            touched = first_new < np.searchsorted(new, we, side="left")
            old = self.zone_windows[z]
            cache: dict[WindowKey, tuple[Changes, list[Spell]]] = {}
            for i, key in enumerate(zip(ws.tolist(), we.tolist(), strict=True)):
                if key in old and not touched[i]:
                    cache[key] = old[key]  # nothing new in this window
                else:
                    lo, hi = (int(v) for v in np.searchsorted(self.t, key, side="left"))
                    before = old[key][0] if key in old else Changes.empty()
                    t0 = int(new[first_new[i]]) if key in old else key[0]
                    changes = self._rerun(before, lo, hi, t0, self.zone_cls[z], violating)
                    found = spells_from_changes(changes, replace(template, limit=key[1]))
                    cache[key] = (changes, found)
                spells.extend(cache[key][1])
            self.zone_windows[z] = cache
        self.zone_spells = spells

    def _refresh_curfews(self, t0: int) -> None:
        spells: list[Spell] = []
        for k, cls in enumerate(self.curfew_cls):
            self.curfew_changes[k] = self._rerun(
                self.curfew_changes[k], 0, self.t.size, t0, cls, OUTSIDE
            )
            spells.extend(absences(self.curfew_changes[k], k))
        if uses_gps(self.order):
            self.absence_spells = spells

    def _refresh_gaps(self, t0: int) -> None:
        if not uses_gps(self.order):
            return
        max_gap = round(self.order.settings.max_gap_minutes * US_PER_MINUTE)
        kept = [g for g in self.gaps if g.end is not None and g.end < t0]
        q = max(int(np.searchsorted(self.t, t0, side="left")) - 1, 0)
        fresh = gap_spells(self.t[q:], self.seq[q:], max_gap, FAR_FUTURE)
        self.gaps = kept + fresh[:-1]  # the trailing gap (last) is made afresh at each query


def _position_after(t: IntArray, seq: IntArray, at: int, at_seq: int) -> int:
    """Index just after the fix (at, at_seq) in arrays sorted by (t, seq)."""
    lo = int(np.searchsorted(t, at, side="left"))
    hi = int(np.searchsorted(t, at, side="right"))
    return lo + int(np.searchsorted(seq[lo:hi], at_seq, side="right"))
