"""Vectorised questions about many timelines at once.

A timeline is a set of items, each with a group (a child, or a child and a person) and an
instant. Queries are (group, instant) pairs. Instants of items and queries are ranked together
so that a (group, instant) pair becomes one int64 key that sorts by group then instant, and
numpy's searchsorted answers every query in one call. Ranking (rather than adding a per-group
offset to the instant) keeps the keys exact whatever the spread of times or number of groups.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Int64s = NDArray[np.int64]
NONE = np.iinfo(np.int64).min  # "no such item" in arrays of instants


def _keys(
    item_group: Int64s, item_time: Int64s, query_group: Int64s, query_time: Int64s
) -> tuple[Int64s, Int64s, Int64s]:
    """Keys of items and queries, and of the start of each query's group.

    When every group fits in its own stretch of int64 (the usual case: years of microseconds
    times thousands of children), a key is `group * width + (time - earliest) + 1`; failing
    that, groups are renumbered densely, and failing that too, times are replaced by ranks.
    """
    earliest = min(int(item_time.min()), int(query_time.min()))
    latest = max(int(item_time.max()), int(query_time.max()))
    width = latest - earliest + 2  # offset 0 is the start of a group
    n = len(item_time)
    if (int(max(item_group.max(), query_group.max())) + 1) * width >= 2**62:
        # Sparse group codes (child x person pairs): number the groups present densely.
        dense, codes = np.unique(np.concatenate([item_group, query_group]), return_inverse=True)
        item_group, query_group = codes[:n].astype(np.int64), codes[n:].astype(np.int64)
        if len(dense) * width >= 2**62:
            return _ranked_keys(item_group, item_time, query_group, query_time)
    return (
        item_group * width + (item_time - earliest + 1),
        query_group * width + (query_time - earliest + 1),
        query_group * width,
    )


def _ranked_keys(
    item_group: Int64s, item_time: Int64s, query_group: Int64s, query_time: Int64s
) -> tuple[Int64s, Int64s, Int64s]:
    """Keys with times replaced by their ranks among all times given (any spread of times)."""
    _, ranks = np.unique(np.concatenate([item_time, query_time]), return_inverse=True)
    ranks = ranks.astype(np.int64) + 1
    width = int(ranks.max()) + 1
    n = len(item_time)
    return item_group * width + ranks[:n], query_group * width + ranks[n:], query_group * width


def count_upto(
    item_group: Int64s,
    item_time: Int64s,
    query_group: Int64s,
    query_time: Int64s,
    *,
    inclusive: bool,
) -> Int64s:
    """For each query: the number of items of its group at or before (or strictly before) it."""
    if len(query_time) == 0 or len(item_time) == 0:
        return np.zeros(len(query_time), dtype=np.int64)
    item_key, query_key, group_start = _keys(item_group, item_time, query_group, query_time)
    item_key = np.sort(item_key)
    upto = np.searchsorted(item_key, query_key, side="right" if inclusive else "left")
    return (upto - np.searchsorted(item_key, group_start, side="left")).astype(np.int64)


def latest_upto(
    item_group: Int64s,
    item_time: Int64s,
    query_group: Int64s,
    query_time: Int64s,
    tiebreak: Int64s | None = None,
) -> Int64s:
    """For each query: the index of the latest item of its group at or before it, or -1.

    Items at one instant are ordered by `tiebreak` (the latest is the one with the highest).
    """
    if len(query_time) == 0 or len(item_time) == 0:
        return np.full(len(query_time), -1, dtype=np.int64)
    item_key, query_key, group_start = _keys(item_group, item_time, query_group, query_time)
    order = np.lexsort((np.zeros_like(item_key) if tiebreak is None else tiebreak, item_key))
    item_key = item_key[order]
    last = np.searchsorted(item_key, query_key, side="right") - 1
    found = last >= np.searchsorted(item_key, group_start, side="left")
    return np.where(found, order[np.maximum(last, 0)], -1).astype(np.int64)


def latest_time_upto(
    item_group: Int64s, item_time: Int64s, query_group: Int64s, query_time: Int64s
) -> Int64s:
    """For each query: the latest instant of an item of its group at or before it, or NONE."""
    index = latest_upto(item_group, item_time, query_group, query_time)
    if len(item_time) == 0:
        return np.full(len(query_time), NONE, dtype=np.int64)
    return np.where(index >= 0, item_time[np.maximum(index, 0)], NONE).astype(np.int64)


def open_at(
    starts: tuple[Int64s, Int64s],
    ends: tuple[Int64s, Int64s],
    query_group: Int64s,
    query_time: Int64s,
) -> NDArray[np.bool_]:
    """Is a start-end state (a CP plan, a household membership) open at each query?

    `starts` and `ends` are (group, instant) arrays. Open when some start is at or before the
    query with no end after it up to the query: the latest start is at or after the latest
    end, since at one instant ends apply before starts.
    """
    last_start = latest_time_upto(*starts, query_group, query_time)
    last_end = latest_time_upto(*ends, query_group, query_time)
    opened: NDArray[np.bool_] = (last_start != NONE) & (last_start >= last_end)
    return opened


def chronological_order(group: Int64s, time: Int64s, seq: Int64s) -> Int64s:
    """The order (group, time, seq, position): a stable sort on one key when seq already
    follows position (lines of a file), else a lexicographic sort on all four."""
    if len(time) == 0:
        return np.zeros(0, dtype=np.int64)
    if np.all(seq[1:] > seq[:-1]):
        key, _, _ = _keys(group, time, group[:1], time[:1])
        return np.argsort(key, kind="stable").astype(np.int64)
    return np.lexsort((np.arange(len(time)), seq, time, group)).astype(np.int64)
