"""Zone geometry: GeoJSON Polygon/MultiPolygon → ``PolygonRegion`` in EPSG:27700.

All the zones of all orders are checked, projected and built together (one pyproj call, and
shapely's vectorised constructors and validity check): thousands of orders compile in a
fraction of a second. Vertices are projected and joined by straight lines in EPSG:27700
(docs/adr/0103-zone-edges-straight-in-bng.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from safeguard.monitoring.engine.projection import FloatArray, project_exact
from safeguard.monitoring.engine.zoneregion import PolygonRegion

Shape = list[list[FloatArray]]  # polygons → rings → (n, 2) longitude/latitude


class ShapeError(ValueError):
    """A geometry that cannot be a zone; ``index`` says which of the shapes given."""

    def __init__(self, message: str, index: int = -1) -> None:
        super().__init__(message)
        self.index = index


def read_shape(geometry: object) -> Shape:
    """Check a GeoJSON geometry's structure (coordinates are checked in ``build_regions``)."""
    if not isinstance(geometry, dict):
        raise ShapeError("geometry must be a GeoJSON Polygon or MultiPolygon")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons: list[Any] = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        polygons = coordinates
    else:
        raise ShapeError("geometry must be a GeoJSON Polygon or MultiPolygon")
    shape = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ShapeError("geometry: a polygon is a non-empty list of rings")
        shape.append([_ring(ring) for ring in polygon])
    return shape


def _ring(ring: object) -> FloatArray:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ShapeError("geometry: a ring needs at least 4 positions")
    try:
        # Positions may carry an altitude after [lon, lat]; it is ignored.
        lonlat = np.array([p[:2] for p in ring], dtype=np.float64)
    except (ValueError, TypeError, KeyError):
        lonlat = np.empty((0, 0))
    if lonlat.ndim != 2 or lonlat.shape[1] != 2:
        raise ShapeError("geometry: a position is [lon, lat] in numbers")
    return lonlat


def build_regions(shapes: list[Shape]) -> list[PolygonRegion]:
    """Project, build and validate every shape; ``ShapeError.index`` names the first bad one."""
    if not shapes:
        return []
    rings = [ring for shape in shapes for polygon in shape for ring in polygon]
    lengths = np.array([len(r) for r in rings])
    ring_shape = np.repeat(
        np.arange(len(shapes)), [sum(len(polygon) for polygon in shape) for shape in shapes]
    )
    lonlat = np.concatenate(rings)
    ring_of_point = np.repeat(np.arange(len(rings)), lengths)
    outside = ~((np.abs(lonlat[:, 0]) <= 180) & (np.abs(lonlat[:, 1]) <= 90))
    _first_failure(
        ring_shape[ring_of_point[outside]],
        "geometry: longitude must be in [-180, 180] and latitude in [-90, 90]",
    )
    last = np.cumsum(lengths) - 1
    first = last - lengths + 1
    _first_failure(
        ring_shape[np.flatnonzero(np.any(lonlat[first] != lonlat[last], axis=1))],
        "geometry: ring is not closed",
    )
    x, y = project_exact(np.ascontiguousarray(lonlat[:, 0]), np.ascontiguousarray(lonlat[:, 1]))
    _first_failure(
        ring_shape[ring_of_point[~(np.isfinite(x) & np.isfinite(y))]],
        "geometry cannot be projected to EPSG:27700",
    )
    built = shapely.linearrings(np.column_stack([x, y]), indices=ring_of_point)
    geometries = []
    at = 0
    for shape in shapes:
        polygons = []
        for polygon in shape:
            shell, holes = built[at], built[at + 1 : at + len(polygon)]
            polygons.append(shapely.polygons(shell, holes=holes if len(holes) else None))
            at += len(polygon)
        geometries.append(polygons[0] if len(polygons) == 1 else shapely.multipolygons(polygons))
    array = np.array(geometries, dtype=object)
    valid = shapely.is_valid(array)
    for index in np.flatnonzero(~valid)[:1].tolist():
        reason = shapely.is_valid_reason(array[index])
        raise ShapeError(f"invalid geometry ({reason})", index)
    _first_failure(np.flatnonzero(shapely.area(array) <= 0), "geometry has no area")
    return PolygonRegion.many(array)


def _first_failure(indices: Any, message: str) -> None:
    if len(indices):
        raise ShapeError(message, int(np.min(indices)))
