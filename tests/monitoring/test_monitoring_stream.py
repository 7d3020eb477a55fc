"""The streaming engine gives exactly the batch result, whatever the chunking and order."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.monitoring.engine import EventTable, FixTable, evaluate, parse_orders
from safeguard.monitoring.engine.dedup import drop_duplicates
from safeguard.monitoring.engine.stream import MonitorStream
from safeguard.monitoring.engine.timeparse import parse_instant
from tests.monitoring.helpers import EVERY_DAY, address, lonlat, order, polygon, square, zone

T0 = parse_instant("2026-03-28T20:00:00Z")  # the night the clocks go forward
MINUTE = 60_000_000

ORDERS = parse_orders(
    {
        "orders": [
            order(
                "P-A",
                curfews=[
                    {
                        "days": EVERY_DAY,
                        "from": "23:00",
                        "until": "03:00",
                        "address": address(0, 0, 60),
                    }
                ],
                zones=[
                    zone("X", "exclusion", polygon(square(200, -50, 300, 50))),
                    zone(
                        "I",
                        "inclusion",
                        polygon(square(-400, -400, 400, 400)),
                        [
                            {"days": EVERY_DAY, "from": "22:00", "until": "23:30"},
                            {"days": EVERY_DAY, "from": "23:00", "until": "01:30"},
                        ],
                    ),
                ],
                settings={"confirm_fixes": 2, "max_gap_minutes": 20, "min_absence_minutes": 5},
            ),
            order(
                "P-B",
                starts="2026-03-28T22:00:00Z",
                ends="2026-03-29T06:00:00Z",
                curfews=[
                    {
                        "dates": ["2026-03-28"],
                        "from": "21:30",
                        "until": "02:30",
                        "address": address(0, 0, 80),
                    }
                ],
                zones=[
                    zone(
                        "X",
                        "exclusion",
                        polygon(square(200, -50, 300, 50)),
                        [{"days": EVERY_DAY, "from": "01:00", "until": "04:00"}],
                    )
                ],
                settings={"confirm_fixes": 3},
            ),
            order(
                "P-C",
                curfew_method="rf",
                curfews=[
                    {
                        "days": EVERY_DAY,
                        "from": "21:00",
                        "until": "06:00",
                        "address": address(0, 0, 50),
                    }
                ],
            ),
        ]
    }
)

# Home, near home (uncertain at 10-30 m accuracy), in X, by X's edge, out of the inclusion zone.
PLACES = [lonlat(e, n) for e, n in [(0, 0), (55, 0), (250, 0), (205, 0), (600, 0), (120, 0)]]


@st.composite
def readings(draw: st.DrawFn) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Fixes in runs at one place (so that confirm_fixes is met or not), with small and large
    time steps; events at random."""
    fixes = []
    for subject in (0, 1):
        t, seq = T0 + draw(st.integers(0, 240)) * MINUTE, 0
        for _ in range(draw(st.integers(0, 8))):
            lon, lat = PLACES[draw(st.integers(0, len(PLACES) - 1))]
            step = draw(st.sampled_from([0, 1, 1, 2, 5, 30]))  # 0: same time, next seq
            for _ in range(draw(st.integers(1, 6))):
                t += step * MINUTE
                seq += 1
                fixes.append((subject, seq, t, lat, lon, float(draw(st.sampled_from([5, 10, 30])))))
    events = []
    for subject in (0, 2):
        t = T0
        for seq in range(draw(st.integers(0, 8))):
            t += draw(st.integers(1, 180)) * MINUTE
            events.append((subject, seq, t, draw(st.integers(0, 5))))
    return fixes, events


def fix_table(rows: list[tuple[Any, ...]]) -> FixTable:
    if not rows:
        return FixTable.empty()
    s, q, t, lat, lon, acc = (np.array(c) for c in zip(*rows, strict=True))
    line = np.zeros(len(rows), np.int64)
    return FixTable(s.astype(np.int32), q.astype(np.int64), t.astype(np.int64), lat, lon, acc, line)


def event_table(rows: list[tuple[Any, ...]]) -> EventTable:
    if not rows:
        return EventTable.empty()
    s, q, t, k = (np.array(c) for c in zip(*rows, strict=True))
    line = np.zeros(len(rows), np.int64)
    return EventTable(
        s.astype(np.int32), q.astype(np.int64), t.astype(np.int64), k.astype(np.int8), line
    )


def batch(
    fix_rows: list[tuple[Any, ...]], event_rows: list[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    fixes, events = fix_table(fix_rows), event_table(event_rows)
    keep, _ = drop_duplicates(fixes.subject, fixes.seq, (fixes.t,))
    keep_e, _ = drop_duplicates(events.subject, events.seq, (events.t,))
    return [v.to_json() for v in evaluate(ORDERS, fixes.take(keep), events.take(keep_e))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=readings(),
    shuffle=st.randoms(use_true_random=False),
    chunks=st.integers(1, 6),
    resend=st.integers(0, 5),
)
def test_any_chunking_and_order_gives_the_batch_result(
    data: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]],
    shuffle: Any,
    chunks: int,
    resend: int,
) -> None:
    fixes, events = data
    arrivals = [("f", r) for r in fixes] + [("e", r) for r in events]
    arrivals += [arrivals[i % len(arrivals)] for i in range(resend)] if arrivals else []  # resends
    shuffle.shuffle(arrivals)
    stream = MonitorStream(ORDERS)
    size = max(1, -(-len(arrivals) // chunks))
    seen_f: list[tuple[Any, ...]] = []
    seen_e: list[tuple[Any, ...]] = []
    for at in range(0, len(arrivals), size):
        part = arrivals[at : at + size]
        new_f = [r for kind, r in part if kind == "f"]
        new_e = [r for kind, r in part if kind == "e"]
        assert stream.add_fixes(fix_table(new_f)) == []
        assert stream.add_events(event_table(new_e)) == []
        seen_f += new_f
        seen_e += new_e
        # After every chunk, not just at the end: the horizon moves with the data.
        assert [v.to_json() for v in stream.violations()] == batch(seen_f, seen_e)


def test_a_late_fix_changes_what_came_after_it() -> None:
    # P-A at X (exclusion) at minutes 1 and 3: two consecutive inside fixes, a violation.
    # The fix for minute 2 arrives late and shows the subject elsewhere: no violation.
    inside, away = PLACES[2], PLACES[4]
    stream = MonitorStream(ORDERS)
    on_time = [
        (0, 1, T0 + MINUTE, inside[1], inside[0], 5.0),
        (0, 3, T0 + 3 * MINUTE, inside[1], inside[0], 5.0),
    ]
    stream.add_fixes(fix_table(on_time))
    assert [v.kind for v in stream.violations() if v.zone == "X"] == ["exclusion_entry"]
    stream.add_fixes(fix_table([(0, 2, T0 + 2 * MINUTE, away[1], away[0], 5.0)]))
    assert [v.kind for v in stream.violations() if v.zone == "X"] == []


def test_a_stream_ignores_resends_and_rejects_conflicting_copies() -> None:
    lon, lat = PLACES[0]
    stream = MonitorStream(ORDERS)
    row = (0, 1, T0, lat, lon, 5.0)
    assert stream.add_fixes(fix_table([row])) == []
    assert stream.add_fixes(fix_table([row])) == []
    rejects = stream.add_fixes(fix_table([(0, 1, T0, lat + 0.01, lon, 5.0)]))
    assert [r.reason for r in rejects] == ["conflicting copy of subject P-A seq 1"]


def test_a_stream_evaluates_up_to_its_latest_reading_or_later() -> None:
    lon, lat = PLACES[0]
    stream = MonitorStream(ORDERS)
    stream.add_fixes(fix_table([(0, 1, T0, lat, lon, 5.0)]))
    assert stream.violations(until=T0 + 60 * MINUTE)  # an hour's silence: no_signal
    with pytest.raises(ValueError, match="latest reading"):
        stream.violations(until=T0 - MINUTE)
