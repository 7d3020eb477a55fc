"""The engine against a slow, literal reading of the contract (reference.py), on random data."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.monitoring.engine import EVENT_KINDS, EventTable, FixTable, evaluate, parse_orders
from tests.monitoring.helpers import (
    EVERY_DAY,
    address,
    lonlat,
    multipolygon,
    order,
    polygon,
    square,
    zone,
)
from tests.monitoring.reference import reference, us

T0 = us("2026-10-24T16:00:00Z")  # the evening before the clocks go back
MINUTE = 60_000_000

ORDER_JSON = [
    order(
        "P-A",
        curfews=[
            {"days": EVERY_DAY, "from": "19:00", "until": "07:00", "address": address(0, 0, 60)},
            {
                "dates": ["2026-10-25"],
                "from": "01:30",
                "until": "01:45",
                "address": address(250, 0, 40),
            },
        ],
        zones=[
            zone(
                "X",
                "exclusion",
                multipolygon(
                    [square(200, -50, 300, 50), square(220, -30, 280, 30)[::-1]],
                    [square(-300, 200, -200, 300)],
                ),
            ),
            zone(
                "I",
                "inclusion",
                polygon(square(-400, -400, 400, 400)),
                [
                    {"days": ["sat"], "from": "20:00", "until": "23:30"},
                    {"days": EVERY_DAY, "from": "23:00", "until": "01:30"},
                ],
            ),
        ],
        settings={"confirm_fixes": 2, "max_gap_minutes": 20, "min_absence_minutes": 5},
    ),
    order(
        "P-B",
        starts="2026-10-24T18:30:00+01:00",
        ends="2026-10-25T04:00:00Z",
        curfews=[
            {"days": ["sat"], "from": "21:30", "until": "02:30", "address": address(0, 0, 80)}
        ],
        zones=[
            zone(
                "X",
                "exclusion",
                polygon(square(200, -50, 300, 50)),
                [{"days": ["sun"], "from": "00:00", "until": "04:00"}],
            )
        ],
        settings={"confirm_fixes": 3, "min_absence_minutes": 0},
    ),
    order(
        "P-C",
        curfew_method="rf",
        curfews=[
            {"days": EVERY_DAY, "from": "21:00", "until": "06:00", "address": address(0, 0, 50)}
        ],
    ),
]
ORDERS = parse_orders({"orders": ORDER_JSON})
SUBJECTS = [o["subject"] for o in ORDER_JSON]

# Home; near home's edge; in X (and in X's hole); the other part of X; out of zone I.
PLACES = [
    lonlat(e, n) for e, n in [(0, 0), (55, 0), (210, 0), (250, 0), (-250, 250), (600, 0), (250, 45)]
]


@st.composite
def readings(draw: st.DrawFn) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int | None]:
    fixes = []
    for subject in ("P-A", "P-B"):
        t, seq = T0 + draw(st.integers(0, 600)) * MINUTE, 0
        for _ in range(draw(st.integers(0, 8))):
            lon, lat = PLACES[draw(st.integers(0, len(PLACES) - 1))]
            step = draw(st.sampled_from([0, 1, 2, 7, 30, 100]))
            for _ in range(draw(st.integers(1, 5))):
                t += step * MINUTE
                seq += 1
                fixes.append(
                    (subject, seq, t, lat, lon, float(draw(st.sampled_from([0, 5, 12, 30, 80]))))
                )
    events = []
    for subject in ("P-A", "P-C"):
        t = T0
        for seq in range(draw(st.integers(0, 8))):
            t += draw(st.integers(0, 200)) * MINUTE
            events.append((subject, seq, t, EVENT_KINDS[draw(st.integers(0, 5))]))
    until = None
    if draw(st.booleans()) and (fixes or events):
        latest = max(r[2] for r in fixes + events)
        until = latest + draw(st.integers(-300, 300)) * MINUTE
    return fixes, events, until


def engine(
    fixes: list[tuple[Any, ...]], events: list[tuple[Any, ...]], until: int | None
) -> list[tuple[Any, ...]]:
    index = {s: i for i, s in enumerate(SUBJECTS)}
    table = FixTable.empty()
    if fixes:
        s, q, t, lat, lon, acc = zip(*fixes, strict=True)
        table = FixTable(
            np.array([index[v] for v in s], np.int32),
            np.array(q, np.int64),
            np.array(t, np.int64),
            np.array(lat),
            np.array(lon),
            np.array(acc),
            np.zeros(len(fixes), np.int64),
        )
    event_table = EventTable.empty()
    if events:
        s, q, t, k = zip(*events, strict=True)
        event_table = EventTable(
            np.array([index[v] for v in s], np.int32),
            np.array(q, np.int64),
            np.array(t, np.int64),
            np.array([EVENT_KINDS.index(v) for v in k], np.int8),
            np.zeros(len(events), np.int64),
        )
    found = evaluate(ORDERS, table, event_table, until)
    return [(v.subject, v.kind, v.zone, v.started_at, v.ended_at) for v in found]


def ordered(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Both sides sorted the same way (within a second, the contract leaves ties open)."""
    return sorted(rows, key=lambda v: (v[0], v[3], v[1], v[2] or "", v[4] or 0))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=readings())
def test_engine_matches_the_literal_reading(
    data: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int | None],
) -> None:
    fixes, events, until = data
    expected = reference(ORDER_JSON, fixes, events, until)
    assert ordered(engine(fixes, events, until)) == ordered(list(expected))
