"""Zones as polygons: read GeoJSON, check a zone is usable, make a circle around a point.

Pure (shapely 2 + pyproj). Areas and distances are in metres on the British National Grid
(EPSG:27700), never in degrees. Messages are GOV.UK-style sentences for the form and the API.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

# Longitude/latitude box of Great Britain, the area of use of EPSG:27700.
GB_BOUNDS = (-9.0, 49.75, 2.1, 61.0)
DECIMALS = 6  # about 0.1 m: enough for a zone, and stable text when stored

NOT_GEOJSON = "The file must be GeoJSON containing one or more polygons"
ZONE_SHAPE = "Draw the area as a closed shape with at least 3 corners"
NOT_CLOSED = "The area's outline must be closed: its last point must be its first"
ZONE_CROSSING = "The area's edges must not cross each other"
OUTSIDE_GB = "The area must be in Great Britain"
RADIUS = "Enter a radius from {low:,} to {high:,} metres"


class ZoneInputError(ValueError):
    """The input cannot be made into a zone; the message says why in plain English."""


@dataclass(frozen=True, slots=True)
class ZoneLimits:
    """What counts as a sensible zone (settings: LICENCE_ZONE_LIMITS)."""

    min_area_m2: float = 100.0  # 10 m by 10 m
    max_area_m2: float = 2_500_000_000.0  # 2,500 km², about the size of a county
    max_vertices: int = 5_000
    min_radius_m: int = 20
    max_radius_m: int = 20_000


@cache
def _to_grid() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_grid(geometry: shapely.Geometry) -> shapely.Geometry:
    """WGS84 (lon, lat) → British National Grid metres, every vertex in one pyproj call."""

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = _to_grid().transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def _round(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS))


def geometry_from_geojson(data: object) -> dict[str, Any]:
    """A Polygon or MultiPolygon from a GeoJSON geometry, Feature or FeatureCollection.

    Text is parsed first (an uploaded file). Several polygons become one MultiPolygon; any
    other geometry type is refused.
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise ZoneInputError(NOT_GEOJSON) from None
    if not isinstance(data, Mapping):
        raise ZoneInputError(NOT_GEOJSON)
    kind = data.get("type")
    if kind == "Feature":
        return geometry_from_geojson(data.get("geometry"))
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise ZoneInputError(NOT_GEOJSON)
        parts = [geometry_from_geojson(f) for f in features]
        polygons = [
            polygon
            for part in parts
            for polygon in (
                [part["coordinates"]] if part["type"] == "Polygon" else part["coordinates"]
            )
        ]
        if len(polygons) == 1:
            return {"type": "Polygon", "coordinates": polygons[0]}
        return {"type": "MultiPolygon", "coordinates": polygons}
    if kind in ("Polygon", "MultiPolygon") and isinstance(data.get("coordinates"), list):
        return {"type": kind, "coordinates": data["coordinates"]}
    raise ZoneInputError(NOT_GEOJSON)


def _rings(geometry: Mapping[str, Any]) -> list[Any]:
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry.get("type") == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ZoneInputError(ZONE_SHAPE)
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ZoneInputError(ZONE_SHAPE)
        rings.extend(polygon)
    return rings


def _check_rings(geometry: Mapping[str, Any], limits: ZoneLimits) -> None:
    vertices = 0
    for ring in _rings(geometry):
        if not isinstance(ring, list) or not all(
            isinstance(p, list | tuple)
            and len(p) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in p[:2])
            and all(math.isfinite(c) for c in p[:2])
            for p in ring
        ):
            raise ZoneInputError(ZONE_SHAPE)
        if len({(p[0], p[1]) for p in ring}) < 3:
            raise ZoneInputError(ZONE_SHAPE)
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise ZoneInputError(NOT_CLOSED)
        vertices += len(ring)
    if vertices > limits.max_vertices:
        raise ZoneInputError(f"The area must have no more than {limits.max_vertices:,} corners")


def zone_normalise(geometry: object, limits: ZoneLimits | None = None) -> dict[str, Any]:
    """The zone as stored (GeoJSON, coordinates rounded), or ZoneInputError saying what is wrong.

    Checks, in order: a polygon; closed rings with at least 3 corners; inside Great Britain;
    edges that do not cross (nor holes that leak, nor overlapping parts); an area between the
    limits, measured in square metres on the British National Grid.
    """
    limits = limits or ZoneLimits()
    data = geometry_from_geojson(geometry)
    _check_rings(data, limits)
    try:
        polygon = _round(shape(data))
    except (ValueError, TypeError, AttributeError, IndexError):
        raise ZoneInputError(ZONE_SHAPE) from None
    min_x, min_y, max_x, max_y = polygon.bounds
    west, south, east, north = GB_BOUNDS
    if min_x < west or max_x > east or min_y < south or max_y > north:
        raise ZoneInputError(OUTSIDE_GB)
    if not polygon.is_valid:
        raise ZoneInputError(ZONE_CROSSING)
    area = zone_area_m2(polygon)
    if area < limits.min_area_m2:
        raise ZoneInputError(f"The area must be at least {limits.min_area_m2:,.0f} square metres")
    if area > limits.max_area_m2:
        km2 = limits.max_area_m2 / 1_000_000
        raise ZoneInputError(f"The area must be no bigger than {km2:,.0f} square kilometres")
    return _as_geojson(polygon)


def _as_geojson(geometry: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON with plain lists (not tuples), so stored and re-read values compare equal."""
    return json.loads(json.dumps(mapping(geometry)))  # type: ignore[no-any-return]


def zone_area_m2(geometry: shapely.Geometry | Mapping[str, Any]) -> float:
    polygon = geometry if isinstance(geometry, shapely.Geometry) else shape(geometry)
    return float(to_grid(polygon).area)


def circle_zone(
    lat: float, lon: float, radius_m: float, limits: ZoneLimits | None = None
) -> dict[str, Any]:
    """A circle of ``radius_m`` metres on the ground around (lat, lon), as a 64-sided polygon."""
    limits = limits or ZoneLimits()
    if not limits.min_radius_m <= radius_m <= limits.max_radius_m:
        raise ZoneInputError(RADIUS.format(low=limits.min_radius_m, high=limits.max_radius_m))
    west, south, east, north = GB_BOUNDS
    if not (west <= lon <= east and south <= lat <= north):
        raise ZoneInputError(OUTSIDE_GB)
    x, y = _to_grid().transform(lon, lat)
    circle = shapely.Point(x, y).buffer(radius_m, quad_segs=16)

    def unproject(xy: np.ndarray) -> np.ndarray:
        lons, lats = _to_wgs84().transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lons, lats])

    return zone_normalise(_as_geojson(shapely.transform(circle, unproject)), limits)
