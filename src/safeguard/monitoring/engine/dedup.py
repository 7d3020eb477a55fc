"""Repeated (subject, seq): the first valid copy counts.

A later identical copy is the same reading sent again and is dropped silently; a later copy
that differs is a conflict and is rejected (the first copy stays).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray


def drop_duplicates(
    subject: NDArray[np.int32], seq: NDArray[np.int64], values: Sequence[NDArray[Any]]
) -> tuple[NDArray[np.bool_], list[tuple[int, int]]]:
    """A keep mask (first copies), and (later, first) row pairs for conflicting copies."""
    n = subject.size
    keep = np.ones(n, dtype=np.bool_)
    if n < 2 or _all_distinct(subject, seq):
        return keep, []
    order = np.lexsort((np.arange(n), seq, subject))  # by key, then by arrival
    s, q = subject[order], seq[order]
    repeat = np.zeros(n, dtype=np.bool_)
    repeat[1:] = (s[1:] == s[:-1]) & (q[1:] == q[:-1])
    # The first copy of each key: carry the group's first position forward.
    group_start = np.maximum.accumulate(np.where(repeat, 0, np.arange(n)))
    later = order[repeat]
    first = order[group_start[repeat]]
    same = np.ones(later.size, dtype=np.bool_)
    for column in values:
        same &= column[later] == column[first]
    keep[later] = False
    conflicts = sorted(zip(later[~same].tolist(), first[~same].tolist(), strict=True))
    return keep, conflicts


def _all_distinct(subject: NDArray[np.int32], seq: NDArray[np.int64]) -> bool:
    """The usual feed (each subject's rows together, seq rising) proves it without sorting."""
    same_subject = subject[1:] == subject[:-1]
    if not bool(np.all(seq[1:][same_subject] > seq[:-1][same_subject])):
        return False
    runs = int(np.count_nonzero(~same_subject)) + 1
    return runs == int(np.count_nonzero(np.bincount(subject)))
