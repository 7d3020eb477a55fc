"""Crime matching in the engine: a fix counts when recorded in the window (ends included) and
its accuracy circle could touch the search circle (distance ≤ radius + accuracy)."""

from __future__ import annotations

import math

import numpy as np

from safeguard.monitoring.engine.near import EARTH_RADIUS_M, check_query, distance_m, near

PLACE = (53.05, -1.45)
AT = 1_780_000_000 * 1_000_000  # microseconds
MINUTE = 60_000_000


def north_of(metres: float) -> float:
    """The latitude ``metres`` due north of PLACE (exact on the sphere the engine uses)."""
    return PLACE[0] + math.degrees(metres / EARTH_RADIUS_M)


def run(rows: list[tuple[str, int, float, float]], **kw: float) -> list[tuple[str, int]]:
    """rows: (subject, t offset in microseconds, metres north, accuracy or NaN)."""
    hits = near(
        [r[0] for r in rows],
        np.array([AT + r[1] for r in rows], np.int64),
        np.array([north_of(r[2]) for r in rows], np.float64),
        np.full(len(rows), PLACE[1], np.float64),
        np.array([r[3] for r in rows], np.float64),
        at=AT,
        lat0=PLACE[0],
        lon0=PLACE[1],
        radius_m=kw.get("radius_m", 100.0),
        window_minutes=kw.get("window_minutes", 10.0),
        default_accuracy_m=kw.get("default_accuracy_m", 50.0),
    )
    return [(h.subject, h.fixes) for h in hits]


def test_distance_is_the_great_circle_distance() -> None:
    d = distance_m(np.array([north_of(1234.5)]), np.array([PLACE[1]]), *PLACE)
    assert abs(d[0] - 1234.5) < 1e-6
    # London to Edinburgh is about 534 km.
    assert distance_m(np.array([55.9533]), np.array([-3.1883]), 51.5074, -0.1278)[0] > 530_000


def test_a_fix_counts_when_its_accuracy_circle_could_touch_the_search_circle() -> None:
    # radius 100 m, accuracy 30 m: counts up to 130 m from the place, not beyond.
    assert run([("A", 0, 129.99, 30.0)]) == [("A", 1)]
    assert run([("A", 0, 130.0, 30.0)]) == [("A", 1)]
    assert run([("A", 0, 130.01, 30.0)]) == []
    # A precise fix just outside the radius does not count; a vague one at the same spot does.
    assert run([("A", 0, 100.5, 0.0)]) == []
    assert run([("A", 0, 100.5, 1.0)]) == [("A", 1)]


def test_a_fix_without_accuracy_uses_the_default() -> None:
    assert run([("A", 0, 149.0, math.nan)], default_accuracy_m=50.0) == [("A", 1)]
    assert run([("A", 0, 151.0, math.nan)], default_accuracy_m=50.0) == []
    assert run([("A", 0, 151.0, math.nan)], default_accuracy_m=60.0) == [("A", 1)]


def test_the_window_includes_both_ends_and_nothing_beyond() -> None:
    ten = 10 * MINUTE
    assert run([("A", -ten, 0.0, 5.0), ("B", ten, 0.0, 5.0)]) == [("A", 1), ("B", 1)]
    assert run([("A", -ten - 1, 0.0, 5.0), ("B", ten + 1, 0.0, 5.0)]) == []
    assert run([("A", 0, 0.0, 5.0)], window_minutes=0) == [("A", 1)]
    assert run([("A", 1, 0.0, 5.0)], window_minutes=0) == []


def test_each_subject_once_with_its_fixes_times_and_closest_approach() -> None:
    rows = [
        ("far", 0, 90.0, 5.0),
        ("near", -MINUTE, 40.0, 8.0),
        ("near", 2 * MINUTE, 10.0, 20.0),
        ("near", 3 * MINUTE, 60.0, 5.0),
        ("near", 4 * MINUTE, 5000.0, 5.0),  # away by then: does not count
        ("gone", 0, 800.0, 5.0),
    ]
    hits = near(
        [r[0] for r in rows],
        np.array([AT + r[1] for r in rows], np.int64),
        np.array([north_of(r[2]) for r in rows]),
        np.full(len(rows), PLACE[1]),
        np.array([r[3] for r in rows]),
        at=AT,
        lat0=PLACE[0],
        lon0=PLACE[1],
        radius_m=100,
        window_minutes=10,
    )
    assert [h.subject for h in hits] == ["near", "far"]  # closest first
    first = hits[0]
    assert (first.fixes, first.first_t, first.last_t) == (3, AT - MINUTE, AT + 3 * MINUTE)
    assert abs(first.closest_m - 10.0) < 1e-6 and first.closest_accuracy_m == 20.0


def test_no_fixes_no_hits() -> None:
    empty = np.array([], np.float64)
    assert (
        near(
            [],
            np.array([], np.int64),
            empty,
            empty,
            empty,
            at=AT,
            lat0=0,
            lon0=0,
            radius_m=1,
            window_minutes=1,
        )
        == []
    )


def test_unusable_searches_are_named_by_field() -> None:
    assert check_query(lat=53, lon=-1, radius_m=100, window_minutes=30) == {}
    problems = check_query(lat=91, lon=-181, radius_m=-1, window_minutes=2000)
    assert set(problems) == {"lat", "lon", "radius_m", "window_minutes"}
    assert set(check_query(lat=math.nan, lon=0, radius_m=math.inf, window_minutes=1)) == {
        "lat",
        "radius_m",
    }
