"""Rule pieces for one subject, on its in-scope readings sorted by (time, seq).

The confirm-fixes machine as a list of state changes (so that the streaming engine can resume
it), curfew absences cut to windows, no_signal gaps, and event spells. Fix classes come from
regions.py; uncertain fixes (0) are skipped by the presence rules and count as signal for
``no_signal``. The batch engine runs the same machine over many subjects at once (block.py).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.regions import OUTSIDE, ClassArray
from safeguard.monitoring.engine.runs import state_changes
from safeguard.monitoring.engine.spells import (
    CURFEW_ABSENCE,
    NO_SIGNAL,
    Spell,
)
from safeguard.monitoring.engine.windows import FAR_FUTURE

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Changes:
    """State changes of the one-state curfew machine: run start and confirming fix of each."""

    start_t: IntArray
    start_seq: IntArray
    confirm_t: IntArray
    confirm_seq: IntArray
    absent: NDArray[np.bool_]  # the state changed to (True: violating)

    @classmethod
    def concat(cls, first: Changes, second: Changes) -> Changes:
        return cls(
            *(np.concatenate([getattr(first, f), getattr(second, f)]) for f in _CHANGE_FIELDS)
        )

    @classmethod
    def empty(cls) -> Changes:
        none = np.empty(0, np.int64)
        return cls(none, none, none, none, np.empty(0, np.bool_))

    def __len__(self) -> int:
        return int(self.start_t.size)

    def take(self, index: NDArray[np.bool_] | slice) -> Changes:
        return Changes(*(getattr(self, f)[index] for f in _CHANGE_FIELDS))


_CHANGE_FIELDS = ("start_t", "start_seq", "confirm_t", "confirm_seq", "absent")


def machine_changes(
    t: IntArray,
    seq: IntArray,
    cls: ClassArray,
    confirm: int,
    violating: int = OUTSIDE,
    initial: bool = False,
) -> Changes:
    """One state machine over these fixes (a whole order for a GPS curfew, where the violating
    class is OUTSIDE; one window for a zone): the violating state starts at the first of
    ``confirm`` consecutive ``violating`` fixes and ends at the first of ``confirm`` of the
    other class. Starts from ``initial`` (True = violating)."""
    decided = np.flatnonzero(cls != 0)
    flag = cls[decided] == violating
    at, to = state_changes(flag, np.zeros(decided.size, np.int64), confirm, initial)
    first = decided[at]
    confirming = decided[at + confirm - 1]
    return Changes(t[first], seq[first], t[confirming], seq[confirming], to)


def spells_from_changes(changes: Changes, template: Spell) -> list[Spell]:
    """Violating spells from one machine's alternating changes (starting non-violating), in
    the shape of ``template`` (kind, zone or curfew, limit)."""
    spells = []
    open_at: tuple[int, int] | None = None
    for start, start_seq, violating in zip(
        changes.start_t.tolist(), changes.start_seq.tolist(), changes.absent.tolist(), strict=True
    ):
        if violating:
            open_at = (start, start_seq)
        elif open_at is not None:
            spells.append(
                replace(
                    template, start=open_at[0], start_seq=open_at[1], end=start, end_seq=start_seq
                )
            )
            open_at = None
    if open_at is not None:
        spells.append(replace(template, start=open_at[0], start_seq=open_at[1]))
    return spells


def absences(changes: Changes, curfew: int) -> list[Spell]:
    """Uncut absence spells of a GPS curfew (cut to its windows later)."""
    return spells_from_changes(
        changes, Spell(kind=CURFEW_ABSENCE, start=0, end=None, curfew=curfew)
    )


def cut_to_windows(absence: Spell, ws: list[int], we: list[int], min_length: int) -> list[Spell]:
    """The pieces of an absence inside each curfew window (one under way starts at the window).

    ``ws``/``we`` are the windows' starts and ends, sorted (plain lists: bisect on a few
    windows is cheaper than numpy)."""
    stop = FAR_FUTURE if absence.end is None else absence.end
    pieces = []
    for w in range(bisect.bisect_right(we, absence.start), len(ws)):
        w_start, w_end = ws[w], we[w]
        if w_start >= stop:
            break
        ended = absence.end is not None and absence.end < w_end
        pieces.append(
            Spell(
                kind=CURFEW_ABSENCE,
                curfew=absence.curfew,
                start=max(absence.start, w_start),
                end=absence.end if ended else None,
                limit=w_end,
                start_seq=absence.start_seq,
                end_seq=absence.end_seq if ended else None,
                min_length=min_length,
            )
        )
    return pieces


def gap_spells(t: IntArray, seq: IntArray, max_gap: int, limit: int) -> list[Spell]:
    """no_signal: gaps between consecutive fixes, and the trailing gap after the last one."""
    if t.size == 0:
        return []
    spells = [
        Spell(
            kind=NO_SIGNAL,
            start=int(t[i]),
            end=int(t[i + 1]),
            start_seq=int(seq[i]),
            end_seq=int(seq[i + 1]),
        )
        for i in np.flatnonzero(np.diff(t) > max_gap).tolist()
    ]
    spells.append(trailing_gap(int(t[-1]), int(seq[-1]), max_gap, limit))
    return spells


def trailing_gap(last: int, last_seq: int, max_gap: int, limit: int) -> Spell:
    return Spell(
        kind=NO_SIGNAL,
        start=last,
        end=None,
        limit=limit,
        start_seq=last_seq,
        min_length=max_gap,
        longer_than=True,
    )


def event_spells(
    t: IntArray,
    seq: IntArray,
    kind: NDArray[np.int8],
    opens: int,
    closes: int,
    name: str,
    limit: int,
) -> list[Spell]:
    """From the first ``opens`` event while none is open to the next ``closes`` event."""
    spells = []
    open_at: tuple[int, int] | None = None
    for when, number, code in zip(t.tolist(), seq.tolist(), kind.tolist(), strict=True):
        if code == opens and open_at is None:
            open_at = (when, number)
        elif code == closes and open_at is not None:
            spells.append(
                Spell(
                    kind=name,
                    start=open_at[0],
                    start_seq=open_at[1],
                    end=when,
                    end_seq=number,
                    limit=limit,
                )
            )
            open_at = None
    if open_at is not None:
        spells.append(
            Spell(kind=name, start=open_at[0], start_seq=open_at[1], end=None, limit=limit)
        )
    return spells
