"""The batch engine: every order against every accepted reading, as of one horizon.

Readings are filtered to each order's period and the horizon, sorted by (subject, time, seq)
and evaluated in blocks of subjects sized to stay in the CPU cache (projection is vectorised
over a block; rules run per subject on its slice). With ``workers`` > 1 the blocks are shared
between forked processes; the output is sorted, so it does not depend on the split.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.block import Block
from safeguard.monitoring.engine.orders import Order
from safeguard.monitoring.engine.spells import Violation
from safeguard.monitoring.engine.tables import EventTable, FixTable
from safeguard.monitoring.engine.windows import FAR_FUTURE, FAR_PAST

BLOCK_FIXES = 32_768
Progress = Callable[[int, int], None]


def latest_reading(fixes: FixTable, events: EventTable) -> int | None:
    """The default horizon: the latest accepted reading of any subject."""
    latest = [int(a.max()) for a in (fixes.t, events.t) if a.size]
    return max(latest) if latest else None


def in_scope(
    orders: Sequence[Order], subject: NDArray[np.int32], t: NDArray[np.int64], until: int
) -> NDArray[np.bool_]:
    """Readings inside their order's [starts, ends) and not after the horizon."""
    starts = np.array([FAR_PAST if o.starts is None else o.starts for o in orders], np.int64)
    ends = np.array([FAR_FUTURE if o.ends is None else o.ends for o in orders], np.int64)
    mask = np.empty(t.size, dtype=np.bool_)
    for part in _pieces(t.size):  # cache-sized pieces: a national day is 18.7 M rows
        s, when = subject[part], t[part]
        ok = when >= starts[s]
        ok &= when < ends[s]
        ok &= when <= until
        mask[part] = ok
    return mask


def sort_order(
    subject: NDArray[np.int32], t: NDArray[np.int64], seq: NDArray[np.int64]
) -> NDArray[np.intp] | None:
    """The permutation sorting by (subject, t, seq), or None when already sorted (the usual
    feed, checked in one pass: a full lexsort of millions of rows takes seconds)."""
    for part in _pieces(subject.size - 1):
        ahead = slice(part.start + 1, part.stop + 1)
        ds = subject[ahead] - subject[part]
        dt = t[ahead] - t[part]
        later = (dt > 0) | ((dt == 0) & (seq[ahead] > seq[part]))
        if not bool(np.all((ds > 0) | ((ds == 0) & later))):
            return np.lexsort((seq, t, subject))
    return None


def _pieces(n: int, size: int = 1 << 18) -> Iterator[slice]:
    for start in range(0, max(n, 0), size):
        yield slice(start, min(start + size, n))


class _Prepared:
    """Sorted in-scope readings with each subject's slice."""

    def __init__(
        self, orders: Sequence[Order], fixes: FixTable, events: EventTable, until: int
    ) -> None:
        fix_mask = in_scope(orders, fixes.subject, fixes.t, until)
        event_mask = in_scope(orders, events.subject, events.t, until)
        # Copies cost a gigabyte on a national day: only when something is filtered out.
        fixes = fixes if fix_mask.all() else fixes.take(fix_mask)
        events = events if event_mask.all() else events.take(event_mask)
        fix_order = sort_order(fixes.subject, fixes.t, fixes.seq)
        event_order = sort_order(events.subject, events.t, events.seq)
        self.fixes = fixes if fix_order is None else fixes.take(fix_order)
        self.events = events if event_order is None else events.take(event_order)
        self.orders = orders
        self.until = until
        every = np.arange(len(orders) + 1)
        self.fix_at = np.searchsorted(self.fixes.subject, every)
        self.event_at = np.searchsorted(self.events.subject, every)

    def blocks(self) -> list[tuple[int, int]]:
        """Consecutive subject ranges of about BLOCK_FIXES fixes each."""
        bounds = [0]
        start_fix = 0
        for s in range(len(self.orders)):
            if self.fix_at[s + 1] - start_fix >= BLOCK_FIXES:
                bounds.append(s + 1)
                start_fix = int(self.fix_at[s + 1])
        if bounds[-1] != len(self.orders):
            bounds.append(len(self.orders))
        return list(itertools.pairwise(bounds))

    def run_block(self, first: int, last: int) -> list[Violation]:
        fixes = self.fixes.take(slice(int(self.fix_at[first]), int(self.fix_at[last])))
        events = self.events.take(slice(int(self.event_at[first]), int(self.event_at[last])))
        return Block(self.orders, first, last, fixes, events, self.until).run()


_shared: _Prepared | None = None  # what forked workers see


def _run_blocks(blocks: list[tuple[int, int]]) -> list[Violation]:
    assert _shared is not None
    out: list[Violation] = []
    for first, last in blocks:
        out.extend(_shared.run_block(first, last))
    return out


def evaluate(
    orders: Sequence[Order],
    fixes: FixTable,
    events: EventTable,
    until: int | None = None,
    *,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[Violation]:
    """Violations of every order, sorted as VIOLATIONS.jsonl is."""
    horizon = latest_reading(fixes, events) if until is None else until
    if horizon is None or not orders:
        return []
    prepared = _Prepared(orders, fixes, events, horizon)
    blocks = prepared.blocks()
    total = len(prepared.fixes)
    out: list[Violation] = []
    if workers > 1 and len(blocks) > 1:
        out = _parallel(prepared, blocks, workers, progress)
    else:
        for first, last in blocks:
            out.extend(prepared.run_block(first, last))
            if progress is not None:
                progress(int(prepared.fix_at[last]), total)
    out.sort(key=Violation.sort_key)
    return out


def _parallel(
    prepared: _Prepared, blocks: list[tuple[int, int]], workers: int, progress: Progress | None
) -> list[Violation]:
    global _shared  # noqa: PLW0603 - handed to forked workers without pickling the data
    _shared = prepared
    try:
        # Interleaved shares (neighbouring subjects cost alike), a few per worker so that
        # progress can be shown as they finish.
        count = min(len(blocks), workers * 4)
        shares = [blocks[i::count] for i in range(count)]
        done, total = 0, len(prepared.fixes)
        out: list[Violation] = []
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for share, found in zip(shares, pool.map(_run_blocks, shares), strict=True):
                out.extend(found)
                done += sum(int(prepared.fix_at[b] - prepared.fix_at[a]) for a, b in share)
                if progress is not None:
                    progress(done, total)
        return out
    finally:
        _shared = None
