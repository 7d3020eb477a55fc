"""Evaluating a block of subjects at once (the batch engine's inner loop).

Per-call overhead of numpy and shapely dominates on one subject's 1,440 fixes, so a block of
subjects (about 32k fixes, sized for the CPU cache) is classified and run through the state
machines together: one call per zone or curfew "slot" (each order's k-th zone or curfew)
rather than one per subject. Group ids keep the machines apart (a subject, or a subject's
zone window). Spells are then finished per subject exactly as ``subject.violations`` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.orders import Order
from safeguard.monitoring.engine.projection import project_approx
from safeguard.monitoring.engine.regions import INSIDE, OUTSIDE, classify_circle, classify_polygons
from safeguard.monitoring.engine.runs import pair_intervals, state_changes
from safeguard.monitoring.engine.spells import (
    CURFEW_ABSENCE,
    EXCLUSION_ENTRY,
    INCLUSION_EXIT,
    Spell,
    Violation,
)
from safeguard.monitoring.engine.subject import (
    Events,
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
from safeguard.monitoring.engine.windows import assign_windows

IndexArray = NDArray[np.intp]


class Block:
    """Subjects ``first``..``last - 1``; their fixes and events sorted by (subject, t, seq)."""

    def __init__(
        self,
        orders: Sequence[Order],
        first: int,
        last: int,
        fixes: FixTable,
        events: EventTable,
        until: int,
    ) -> None:
        self.orders = orders
        self.first, self.last = first, last
        self.fixes, self.events = fixes, events
        self.until = until
        self.x, self.y = project_approx(fixes.lon, fixes.lat)
        subjects = np.arange(first, last + 1)
        self.fix_at = np.searchsorted(fixes.subject, subjects)
        self.event_at = np.searchsorted(events.subject, subjects)
        self.spells: dict[int, list[Spell]] = defaultdict(list)
        self._days: dict[int, tuple[date, date]] = {}
        self._confirm = np.array([o.settings.confirm_fixes for o in orders[first:last]], np.int64)
        counts = np.diff(self.fix_at)
        self._with_fixes = (np.flatnonzero(counts) + first).tolist()
        self._counts_all = counts[counts > 0]
        self._rank_all = np.repeat(np.arange(len(self._with_fixes)), self._counts_all)
        self._has = set(self._with_fixes)

    def run(self) -> list[Violation]:
        for k in range(max((len(o.zones) for o in self._orders()), default=0)):
            self._zone_slot(k)
        gps = [s for s in range(self.first, self.last) if uses_gps(self.orders[s])]
        for k in range(max((len(self.orders[s].curfews) for s in gps), default=0)):
            self._curfew_slot(k, gps)
        self._gaps(gps)
        self._events()
        out: list[Violation] = []
        for s in range(self.first, self.last):
            begin = self._first_reading(s)
            if begin is not None:
                out.extend(violations(self.orders[s], begin, self.spells.get(s, []), self.until))
        return out

    def _orders(self) -> Sequence[Order]:
        return self.orders[self.first : self.last]

    def _first_reading(self, s: int) -> int | None:
        i = s - self.first
        firsts = []
        if self.fix_at[i] < self.fix_at[i + 1]:
            firsts.append(int(self.fixes.t[self.fix_at[i]]))
        if self.event_at[i] < self.event_at[i + 1]:
            firsts.append(int(self.events.t[self.event_at[i]]))
        return min(firsts) if firsts else None

    def days(self, s: int) -> tuple[date, date]:
        if s not in self._days:
            begin = self._first_reading(s)
            assert begin is not None
            self._days[s] = date_range(self.orders[s], begin, self.until)
        return self._days[s]

    def _rows(self, subjects: list[int]) -> tuple[IndexArray | slice, IndexArray, IndexArray]:
        """The fix rows of these subjects, the rank of each row's subject in the list, and each
        subject's number of rows.

        When the list is every subject with fixes (the usual case) the rows are a slice, so
        that the columns are views rather than copies."""
        if subjects == self._with_fixes:
            return slice(None), self._rank_all, self._counts_all
        at = self.fix_at - self.fix_at[0]
        index = np.array(subjects, np.intp) - self.first
        starts, lengths = at[index], at[index + 1] - at[index]
        rank = np.repeat(np.arange(len(subjects)), lengths)
        rows = (
            np.arange(int(lengths.sum()))
            - np.repeat(np.cumsum(lengths) - lengths, lengths)
            + np.repeat(starts, lengths)
        )
        return rows, rank, lengths

    def _zone_slot(self, k: int) -> None:
        subjects = [
            s
            for s in range(self.first, self.last)
            if len(self.orders[s].zones) > k and self._has_fixes(s)
        ]
        if not subjects:
            return
        zones = [self.orders[s].zones[k] for s in subjects]
        rows, rank, _ = self._rows(subjects)
        f = self.fixes
        cls = classify_polygons(
            [z.region for z in zones],
            rank,
            self.x[rows],
            self.y[rows],
            f.acc[rows],
            f.lon[rows],
            f.lat[rows],
        )
        decided = np.flatnonzero(cls != 0)
        rows, rank, cls = _at(rows, decided), rank[decided], cls[decided]
        if all(z.schedule is None for z in zones):
            # Always active: one window per subject, its order's period, which every fix
            # here is in already.
            window = rank.astype(np.int64)
            we = np.array([limit_of(self.orders[s]) for s in subjects], np.int64)
        else:
            windows = [
                zone_windows(
                    self.orders[s], z, self.days(s) if z.schedule is not None else _NO_DAYS
                )
                for s, z in zip(subjects, zones, strict=True)
            ]
            window, _, we = assign_windows(rank, f.t[rows], windows)
            keep = window >= 0
            rows, rank, cls, window = rows[keep], rank[keep], cls[keep], window[keep]
        violating = np.array([INSIDE if z.kind == "exclusion" else OUTSIDE for z in zones], np.int8)
        confirm = self._confirm[np.array(subjects) - self.first][rank]
        at, to = state_changes(cls == violating[rank], window, confirm)
        begin, end = pair_intervals(at, to, window)
        for b, e in zip(begin.tolist(), end.tolist(), strict=True):
            z = zones[int(rank[b])]
            first, last = int(rows[b]), int(rows[e]) if e >= 0 else -1
            self.spells[subjects[int(rank[b])]].append(
                Spell(
                    kind=EXCLUSION_ENTRY if z.kind == "exclusion" else INCLUSION_EXIT,
                    zone=z.id,
                    start=int(f.t[first]),
                    end=int(f.t[last]) if last >= 0 else None,
                    limit=int(we[window[b]]),
                    start_seq=int(f.seq[first]),
                    end_seq=int(f.seq[last]) if last >= 0 else None,
                )
            )

    def _curfew_slot(self, k: int, gps: list[int]) -> None:
        subjects = [s for s in gps if len(self.orders[s].curfews) > k and self._has_fixes(s)]
        if not subjects:
            return
        rows, rank, counts = self._rows(subjects)
        curfews = [self.orders[s].curfews[k] for s in subjects]
        cx, cy, radius = (
            np.repeat(np.array(v), counts)
            for v in zip(*((c.x, c.y, c.radius_m) for c in curfews), strict=True)
        )
        f = self.fixes
        cls = classify_circle(
            self.x[rows], self.y[rows], f.acc[rows], f.lon[rows], f.lat[rows], cx, cy, radius
        )
        decided = np.flatnonzero(cls != 0)
        rows, rank, cls = _at(rows, decided), rank[decided], cls[decided]
        group = rank.astype(np.int64)
        confirm = self._confirm[np.array(subjects) - self.first][rank]
        at, to = state_changes(cls == OUTSIDE, group, confirm)
        begin, end = pair_intervals(at, to, group)
        for b, e in zip(begin.tolist(), end.tolist(), strict=True):
            first, last = int(rows[b]), int(rows[e]) if e >= 0 else -1
            self.spells[subjects[int(rank[b])]].append(
                Spell(
                    kind=CURFEW_ABSENCE,
                    curfew=k,
                    start=int(f.t[first]),
                    end=int(f.t[last]) if last >= 0 else None,
                    start_seq=int(f.seq[first]),
                    end_seq=int(f.seq[last]) if last >= 0 else None,
                )
            )

    def _gaps(self, gps: list[int]) -> None:
        """no_signal for every GPS subject at once: gaps between consecutive fixes, and the
        trailing gap after each subject's last fix."""
        subjects = [s for s in gps if self._has_fixes(s)]
        if not subjects:
            return
        rows, rank, _ = self._rows(subjects)
        t, seq = self.fixes.t[rows], self.fixes.seq[rows]
        max_gap = np.array(
            [round(self.orders[s].settings.max_gap_minutes * US_PER_MINUTE) for s in subjects],
            np.int64,
        )
        same = rank[1:] == rank[:-1]
        for i in np.flatnonzero(same & (np.diff(t) > max_gap[rank[:-1]])).tolist():
            self.spells[subjects[int(rank[i])]].append(
                Spell(
                    kind="no_signal",
                    start=int(t[i]),
                    end=int(t[i + 1]),
                    start_seq=int(seq[i]),
                    end_seq=int(seq[i + 1]),
                )
            )
        lasts = np.append(np.flatnonzero(~same), rank.size - 1)
        for r, i in enumerate(lasts.tolist()):
            s = subjects[r]  # rank r is subjects[r]: every subject here has fixes
            self.spells[s].append(
                Spell(
                    kind="no_signal",
                    start=int(t[i]),
                    end=None,
                    limit=limit_of(self.orders[s]),
                    start_seq=int(seq[i]),
                    min_length=int(max_gap[r]),
                    longer_than=True,
                )
            )

    def _events(self) -> None:
        e = self.events
        for i in np.flatnonzero(np.diff(self.event_at) > 0).tolist():
            s = self.first + i
            a, b = (
                int(self.event_at[i] - self.event_at[0]),
                int(self.event_at[i + 1] - self.event_at[0]),
            )
            events = Events(e.t[a:b], e.seq[a:b], e.kind[a:b])
            order = self.orders[s]
            self.spells[s].extend(device_results(order, events))
            if not uses_gps(order):
                self.spells[s].extend(rf_curfew_spells(order, events))

    def _has_fixes(self, s: int) -> bool:
        return s in self._has


def _at(rows: IndexArray | slice, index: IndexArray) -> IndexArray:
    """``rows[index]`` for rows given as an index array or as all rows (a slice)."""
    return index if isinstance(rows, slice) else rows[index]


_NO_DAYS = (date.min, date.min)  # an always-active zone's window does not depend on dates
