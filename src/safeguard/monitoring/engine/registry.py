"""Every accepted (subject, seq) seen by a stream, to recognise resends and conflicts.

The batch engine dedups a whole file at once (dedup.py); a stream must also compare each chunk
with what came before. The first copy to arrive counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.csvrows import Reject
from safeguard.monitoring.engine.dedup import drop_duplicates
from safeguard.monitoring.engine.orders import Order


class SeqRegistry:
    def __init__(self, subjects: int, label: str) -> None:
        self.label = label
        self._seq: list[NDArray[np.int64]] = [np.empty(0, np.int64) for _ in range(subjects)]
        self._values: list[tuple[NDArray[Any], ...] | None] = [None] * subjects
        self._line: list[NDArray[np.int64]] = [np.empty(0, np.int64) for _ in range(subjects)]

    def admit(
        self,
        subject: NDArray[np.int32],
        seq: NDArray[np.int64],
        values: tuple[NDArray[Any], ...],
        line: NDArray[np.int64],
        orders: Sequence[Order],
    ) -> tuple[NDArray[np.bool_], list[Reject]]:
        """A keep mask for the new rows (first copies only), and the conflicts rejected."""
        keep, conflicts = drop_duplicates(subject, seq, values)
        rejects = [
            self._reject(orders, int(subject[a]), int(seq[a]), int(line[a]), int(line[b]))
            for a, b in conflicts
        ]
        for s in np.unique(subject[keep]).tolist():
            rows = np.flatnonzero(keep & (subject == s))
            known = self._seq[s]
            at = np.searchsorted(known, seq[rows])
            found = at < known.size
            found[found] = known[at[found]] == seq[rows][found]
            if found.any():
                old = self._values[s]
                assert old is not None
                same = np.ones(int(found.sum()), dtype=np.bool_)
                for new_col, old_col in zip(values, old, strict=True):
                    same &= new_col[rows[found]] == old_col[at[found]]
                for r, first_line, is_same in zip(
                    rows[found].tolist(),
                    self._line[s][at[found]].tolist(),
                    same.tolist(),
                    strict=True,
                ):
                    keep[r] = False
                    if not is_same:
                        rejects.append(
                            self._reject(orders, s, int(seq[r]), int(line[r]), first_line)
                        )
            added = rows[~found]
            self._add(s, seq[added], tuple(v[added] for v in values), line[added])
        return keep, rejects

    def _add(
        self,
        s: int,
        seq: NDArray[np.int64],
        values: tuple[NDArray[Any], ...],
        line: NDArray[np.int64],
    ) -> None:
        old = self._values[s]
        merged_seq = np.concatenate([self._seq[s], seq])
        order = np.argsort(merged_seq, kind="stable")
        self._seq[s] = merged_seq[order]
        self._line[s] = np.concatenate([self._line[s], line])[order]
        self._values[s] = tuple(
            (np.concatenate([o, v]) if old is not None else v)[order]
            for o, v in zip(old if old is not None else values, values, strict=True)
        )

    def _reject(
        self, orders: Sequence[Order], s: int, seq: int, line: int, first_line: int
    ) -> Reject:
        where = f" (first on line {first_line})" if first_line else ""
        return Reject(
            self.label, line, f"conflicting copy of subject {orders[s].subject} seq {seq}{where}"
        )
