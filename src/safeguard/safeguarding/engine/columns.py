"""Many children's events as columns, sorted by child, instant and position in the source."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
from numpy.typing import NDArray

from safeguard.safeguarding.engine.events import KINDS, Event
from safeguard.safeguarding.engine.timeline import Int64s, chronological_order

KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(sorted(KINDS))}


@dataclass(frozen=True, slots=True)
class Columns:
    events: list[Event]  # in (child, instant, seq, input position) order
    children: list[str]  # child id of each group code (children past `limit` included)
    group: Int64s  # child code of each event
    instant: Int64s
    kind: NDArray[np.int8]

    @classmethod
    def build(cls, events: Sequence[Event], limit: int | None = None) -> Columns:
        """Columns of the events at or before `limit` (microseconds; None: all of them)."""
        # C-level passes that make no container per event (a million tuples would keep the
        # cyclic garbage collector busy for longer than all the rules take).
        children = list(map(attrgetter("child"), events))
        kinds = list(map(attrgetter("kind"), events))
        n = len(children)
        instant = np.fromiter(map(attrgetter("instant"), events), np.int64, count=n)
        seq = np.fromiter(map(attrgetter("seq"), events), np.int64, count=n)
        codes = {child: code for code, child in enumerate(dict.fromkeys(children))}
        group = np.fromiter(map(codes.__getitem__, children), np.int64, count=n)
        kind = np.fromiter(map(KIND_CODES.__getitem__, kinds), np.int8, count=n)
        order = chronological_order(group, instant, seq)
        if limit is not None and n and int(instant.max()) > limit:
            order = order[instant[order] <= limit]
        listed = order.tolist()
        return cls(
            events=list(map(events.__getitem__, listed)),
            children=list(codes),
            group=group[order],
            instant=instant[order],
            kind=kind[order],
        )

    def of_kinds(self, kinds: Iterable[str]) -> Int64s:
        """Indices (in sorted order) of the events of the given kinds."""
        wanted = np.array([KIND_CODES[k] for k in kinds], dtype=np.int8)
        return np.flatnonzero(np.isin(self.kind, wanted)).astype(np.int64)
