"""Inside, outside or uncertain: zone boundaries (holes, MultiPolygons) and curfew circles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.monitoring.engine import parse_orders
from safeguard.monitoring.engine.projection import APPROX_ERROR_M, project_approx, project_exact
from safeguard.monitoring.engine.regions import (
    INSIDE,
    OUTSIDE,
    UNCERTAIN,
    classify_circle,
    classify_polygon,
)
from safeguard.monitoring.engine.zoneregion import PolygonRegion
from tests.monitoring.helpers import (
    ORIGIN_E,
    ORIGIN_N,
    address,
    lonlat,
    multipolygon,
    order,
    polygon,
    square,
    zone,
)

NAMES = {INSIDE: "inside", OUTSIDE: "outside", UNCERTAIN: "uncertain"}


def zone_region(geometry: dict[str, object]) -> PolygonRegion:
    (compiled,) = parse_orders({"orders": [order(zones=[zone("Z", "exclusion", geometry)])]})
    return compiled.zones[0].region


def classes(region: PolygonRegion, fixes: Sequence[tuple[float, float, float]]) -> list[str]:
    lon, lat = (np.array(v) for v in zip(*(lonlat(e, n) for e, n, _ in fixes), strict=True))
    acc = np.array([a for _, _, a in fixes], dtype=np.float64)
    x, y = project_approx(lon, lat)
    return [NAMES[int(c)] for c in classify_polygon(region, x, y, acc, lon, lat)]


def test_polygon_inside_outside_and_uncertain_by_accuracy() -> None:
    region = zone_region(polygon(square(0, 0, 100, 100)))
    fixes = [
        (50, 50, 10),  # 50 m from every edge
        (95, 50, 10),  # 5 m inside, accuracy 10: could be either side
        (95, 50, 4),  # 5 m inside, accuracy 4: inside
        (120, 50, 10),  # 20 m outside
        (105, 50, 10),  # 5 m outside, accuracy 10
        (100, 50, 0.01),  # on the edge (to within floating point)
        (50, 50, 60),  # 50 m from the edges but accuracy 60
    ]
    assert classes(region, fixes) == [
        "inside",
        "uncertain",
        "inside",
        "outside",
        "uncertain",
        "uncertain",
        "uncertain",
    ]


def test_a_hole_is_boundary_and_outside() -> None:
    region = zone_region(polygon(square(0, 0, 200, 200), square(80, 80, 120, 120)))
    fixes = [
        (100, 100, 10),  # centre of the hole, 20 m from its edge
        (100, 100, 25),  # same, but the accuracy reaches the hole's edge
        (60, 100, 10),  # in the polygon, 20 m from the hole
        (60, 100, 30),  # ... with an accuracy reaching the hole
    ]
    assert classes(region, fixes) == ["outside", "uncertain", "inside", "uncertain"]


def test_every_part_of_a_multipolygon_counts() -> None:
    region = zone_region(multipolygon([square(0, 0, 100, 100)], [square(300, 0, 400, 100)]))
    fixes = [
        (350, 50, 10),  # inside the second part
        (200, 50, 10),  # between the parts, 100 m from both
        (305, 50, 10),  # 5 m inside the second part
        (50, 50, 10),  # inside the first part
    ]
    assert classes(region, fixes) == ["inside", "outside", "uncertain", "inside"]


@pytest.mark.parametrize(
    ("east", "acc", "expected"),
    [
        (30, 20, "inside"),  # 30 m from the 60 m circle's edge
        (30, 35, "uncertain"),
        (59, 0.5, "inside"),
        (61, 0.5, "outside"),
        (70, 15, "uncertain"),
        (100, 30, "outside"),
        (0, 59, "inside"),  # at the centre
        (0, 60, "uncertain"),
    ],
)
def test_curfew_circle_in_ground_metres(east: float, acc: float, expected: str) -> None:
    (compiled,) = parse_orders(
        {
            "orders": [
                order(
                    curfews=[
                        {
                            "days": ["mon"],
                            "from": "19:00",
                            "until": "07:00",
                            "address": address(0, 0, 60),
                        }
                    ]
                )
            ]
        }
    )
    curfew = compiled.curfews[0]
    lon, lat = (np.array([v]) for v in lonlat(east, 0))
    x, y = project_approx(lon, lat)
    got = classify_circle(
        x, y, np.array([float(acc)]), lon, lat, curfew.x, curfew.y, curfew.radius_m
    )
    assert NAMES[int(got[0])] == expected


def _exact_classes_polygon(
    region: PolygonRegion, lon: np.ndarray, lat: np.ndarray, acc: np.ndarray
) -> list[int]:
    """The definition, one fix at a time, from exactly projected coordinates."""
    out = []
    for x, y, a in zip(*project_exact(lon, lat), acc, strict=True):
        point = shapely.Point(x, y)
        if point.distance(region.boundary) > a:
            out.append(INSIDE if region.geometry.contains(point) else OUTSIDE)
        else:
            out.append(UNCERTAIN)
    return out


# A star-shaped zone with a hole, and fixes drawn near its edges where the shortcuts matter.
STAR = [
    (400 * np.cos(a) * r, 400 * np.sin(a) * r)
    for a, r in zip(np.linspace(0, 2 * np.pi, 9)[:-1], [1, 0.5] * 4, strict=True)
]
HOLE = square(-60, -60, 60, 60)


@settings(max_examples=40, deadline=None)
@given(
    points=st.lists(
        st.tuples(
            st.floats(-450, 450),
            st.floats(-450, 450),
            st.sampled_from([0.0, 0.2, 3.0, 12.5, 64.0, 300.0, 1500.0]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_fast_polygon_classes_equal_the_exact_definition(
    points: list[tuple[float, float, float]],
) -> None:
    region = zone_region(polygon(STAR, HOLE))
    lon, lat = (np.array(v) for v in zip(*(lonlat(e, n) for e, n, _ in points), strict=True))
    acc = np.array([a for _, _, a in points])
    x, y = project_approx(lon, lat)
    assert classify_polygon(region, x, y, acc, lon, lat).tolist() == _exact_classes_polygon(
        region, lon, lat, acc
    )


@settings(max_examples=40, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.floats(-200, 200), st.floats(-200, 200), st.floats(0, 120)),
        min_size=1,
        max_size=60,
    )
)
def test_fast_circle_classes_equal_the_exact_definition(
    points: list[tuple[float, float, float]],
) -> None:
    cx, cy, radius = ORIGIN_E + 10.0, ORIGIN_N - 5.0, 75.0
    lon, lat = (np.array(v) for v in zip(*(lonlat(e, n) for e, n, _ in points), strict=True))
    acc = np.array([a for _, _, a in points])
    x, y = project_approx(lon, lat)
    got = classify_circle(x, y, acc, lon, lat, cx, cy, radius).tolist()
    ex, ey = project_exact(lon, lat)
    d = np.hypot(ex - cx, ey - cy)
    expected = [
        INSIDE if radius - di > a else OUTSIDE if di - radius > a else UNCERTAIN
        for di, a in zip(d, acc, strict=True)
    ]
    assert got == expected


def test_approximate_projection_is_within_its_stated_error() -> None:
    rng = np.random.default_rng(3)
    lon = rng.uniform(-8.5, 2.5, 20_000)
    lat = rng.uniform(49.5, 60.5, 20_000)
    x, y = project_approx(lon, lat)
    ex, ey = project_exact(lon, lat)
    assert float(np.max(np.hypot(x - ex, y - ey))) < APPROX_ERROR_M


def test_a_fix_far_from_great_britain_is_outside_everything() -> None:
    region = zone_region(polygon(square(-5000, -5000, 5000, 5000)))
    lon, lat = np.array([151.2]), np.array([-33.9])  # Sydney
    x, y = project_approx(lon, lat)
    acc = np.array([10.0])
    assert classify_polygon(region, x, y, acc, lon, lat).tolist() == [OUTSIDE]
    assert classify_circle(x, y, acc, lon, lat, ORIGIN_E, ORIGIN_N, 60.0).tolist() == [OUTSIDE]
