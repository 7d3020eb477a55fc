"""Zone geometry (pure): GeoJSON in, checked polygons out, areas in metres on the ground."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.licences.helpers import square

from safeguard.licences.engine.zones import (
    ZoneInputError,
    ZoneLimits,
    circle_zone,
    geometry_from_geojson,
    zone_area_m2,
    zone_normalise,
)


def test_features_and_collections_become_one_polygon_or_multipolygon() -> None:
    one = {"type": "Feature", "properties": {}, "geometry": square(53.0, -1.5)}
    assert geometry_from_geojson(one)["type"] == "Polygon"
    two = {
        "type": "FeatureCollection",
        "features": [one, {"type": "Feature", "geometry": square(53.1, -1.5)}],
    }
    multi = geometry_from_geojson(two)
    assert multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2
    with pytest.raises(ZoneInputError, match="GeoJSON containing one or more polygons"):
        geometry_from_geojson({"type": "Point", "coordinates": [-1.5, 53.0]})


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {"type": "Polygon", "coordinates": [[[-1.5, 53.0], [-1.4, 53.0], [-1.4, 53.1]]]},
            "must be closed",
        ),
        (
            {"type": "Polygon", "coordinates": [[[-1.5, 53.0], [-1.4, 53.0], [-1.5, 53.0]]]},
            "at least 3 corners",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[-1.5, 53.0], [-1.4, 53.1], [-1.4, 53.0], [-1.5, 53.1], [-1.5, 53.0]]
                ],
            },
            "must not cross",
        ),
        (square(40.7, -74.0), "in Great Britain"),
        (square(53.0, -1.5, half=0.5), "no bigger than 2,500 square kilometres"),
        (square(53.0, -1.5, half=0.00002), "at least 100 square metres"),
    ],
)
def test_unusable_zones_are_refused_with_a_reason(geometry: object, message: str) -> None:
    with pytest.raises(ZoneInputError, match=message):
        zone_normalise(geometry)


def test_overlapping_parts_of_a_multipolygon_are_refused() -> None:
    a, b = square(53.0, -1.5), square(53.0005, -1.5)
    with pytest.raises(ZoneInputError, match="must not cross"):
        zone_normalise(
            {"type": "MultiPolygon", "coordinates": [a["coordinates"], b["coordinates"]]}
        )


def test_limits_are_settings() -> None:
    tight = ZoneLimits(max_area_m2=10_000, max_vertices=4)
    with pytest.raises(ZoneInputError, match="no more than 4 corners"):
        zone_normalise(square(53.0, -1.5), tight)


def test_area_is_measured_on_the_ground_not_in_degrees() -> None:
    # 0.004° of longitude is ~268 m at latitude 53; 0.004° of latitude is ~445 m.
    area = zone_area_m2(square(53.0, -1.5))
    assert area == pytest.approx(268 * 445, rel=0.02)


@settings(max_examples=25, deadline=None)
@given(
    lat=st.floats(50.5, 58.5),
    lon=st.floats(-5.0, 1.0),
    radius=st.integers(20, 20_000),
)
def test_a_circle_has_the_area_of_a_circle(lat: float, lon: float, radius: int) -> None:
    zone = circle_zone(lat, lon, radius)
    assert zone_area_m2(zone) == pytest.approx(math.pi * radius**2, rel=0.01)
    assert zone_normalise(zone) == zone  # stored zones are stable when checked again


def test_circle_radius_is_limited() -> None:
    with pytest.raises(ZoneInputError, match="Enter a radius from 20 to 20,000 metres"):
        circle_zone(53.0, -1.5, 5)
