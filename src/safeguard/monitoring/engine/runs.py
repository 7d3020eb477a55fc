"""The confirm-fixes state machine, vectorised.

Over a sequence of decided fixes (uncertain ones already removed), split into groups (a window,
or a subject), a state changes when ``n`` consecutive fixes of the other class arrive, at the
first of them. That is the same as: take the maximal runs of one class, keep those at least
``n`` long ("confirmed"), drop a confirmed run of the class the state already has, and each
remaining one is a change. So no loop over fixes: run boundaries, lengths and a few masks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

BoolArray = NDArray[np.bool_]
IndexArray = NDArray[np.intp]


def state_changes(
    flag: BoolArray,
    group: NDArray[np.int64],
    confirm: NDArray[np.int64] | int,
    initial: BoolArray | bool = False,
) -> tuple[IndexArray, BoolArray]:
    """Where the state changes, and to what.

    ``flag`` is the class of each decided fix (True = the violating side), ``group`` is
    non-decreasing (the state restarts from ``initial`` in each group, indexed by group id
    when an array), ``confirm`` is ``n`` (per fix when an array). Returns the index of the
    first fix of each state-changing run and the state it changes to; within a group the
    states alternate, starting with ``not initial``.
    """
    m = flag.size
    if m == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.bool_)
    boundary = np.empty(m, dtype=np.bool_)
    boundary[0] = True
    np.not_equal(flag[1:], flag[:-1], out=boundary[1:])
    boundary[1:] |= group[1:] != group[:-1]
    starts = np.flatnonzero(boundary)
    lengths = np.diff(starts, append=m)
    need = confirm[starts] if isinstance(confirm, np.ndarray) else confirm
    starts = starts[lengths >= need]
    cls = flag[starts]
    grp = group[starts]
    # Consecutive confirmed runs of one class in one group: only the first can change state.
    new_group = np.ones(starts.size, dtype=np.bool_)
    new_group[1:] = grp[1:] != grp[:-1]
    keep = new_group.copy()
    keep[1:] |= cls[1:] != cls[:-1]
    starts, cls, grp, new_group = starts[keep], cls[keep], grp[keep], new_group[keep]
    # ... and the first in a group changes nothing if it agrees with the initial state.
    first_state = initial[grp] if isinstance(initial, np.ndarray) else initial
    drop = new_group & (cls == first_state)
    return starts[~drop], cls[~drop]


def pair_intervals(
    change_at: IndexArray, change_to: BoolArray, group: NDArray[np.int64]
) -> tuple[IndexArray, IndexArray]:
    """Violating spells from alternating changes: (start index, end index or -1 when open).

    Assumes groups start from the non-violating state (so changes go True, False, True...).
    """
    on = np.flatnonzero(change_to)
    end = np.full(on.size, -1, dtype=np.intp)
    nxt = on + 1
    has_next = nxt < change_at.size
    same = np.zeros(on.size, dtype=np.bool_)
    same[has_next] = group[change_at[nxt[has_next]]] == group[change_at[on[has_next]]]
    end[same] = change_at[nxt[same]]
    return change_at[on], end
