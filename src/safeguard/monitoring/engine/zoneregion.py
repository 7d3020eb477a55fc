"""A zone's polygon in EPSG:27700, with what the fast tests need: an inscribed disc and
bands (the zone grown and shrunk by a margin), computed when first used and then kept.

Every shape here errs on the safe side (regions.py relies on it): the disc lies inside the zone,
the grown zone holds every point within the band, the shrunk zone only points further than the
band from the boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from safeguard.monitoring.engine.projection import APPROX_ERROR_M

# Buffers approximate arcs with chords (quad_segs=2 loses up to 1 - cos(pi/8) = 7.6% of the
# distance) and simplify their input by 1% of it; 1.12 more than covers both, so the shrunk
# region really lies further than the band from the boundary and the grown one really holds
# every point within the band.
_BAND_FACTOR = 1.12
_BAND_EXTRA_M = 0.05
Disc = tuple[float, float, float]  # centre x, y and radius, inside a polygon
Reach = tuple[float, float, float, float, float]


def inscribe_discs(regions: list[PolygonRegion]) -> None:
    """Give each region a large disc inside it (vectorised over the regions that lack one):
    around its centroid, or a point on its surface when the centroid is outside, out to the
    boundary. The disc lies inside, so a fix in it further than its accuracy from the disc's
    edge is inside: the cheapest test for fixes deep in a large zone."""
    todo = [r for r in regions if r._disc is None]
    if not todo:
        return
    shapes = np.array([r.geometry for r in todo], dtype=object)
    centres = shapely.centroid(shapes)
    off = ~shapely.contains(shapes, centres)
    if off.any():
        centres[off] = shapely.point_on_surface(shapes[off])
    radius = shapely.distance(np.array([r.boundary for r in todo], dtype=object), centres)
    inside = shapely.contains(shapes, centres)
    cx, cy = shapely.get_x(centres), shapely.get_y(centres)
    for r, x, y, rad, ok in zip(
        todo, cx.tolist(), cy.tolist(), radius.tolist(), inside.tolist(), strict=True
    ):
        r._disc = (x, y, rad if ok else 0.0)


@dataclass(eq=False)
class PolygonRegion:
    """A zone's Polygon or MultiPolygon in EPSG:27700 (holes and all parts are boundary).

    Build with ``of`` (one) or ``many`` (vectorised): both prepare the geometries.
    """

    geometry: Any
    boundary: Any
    bbox: tuple[float, float, float, float]
    _bands: dict[tuple[str, float], Any] = field(init=False, default_factory=dict)
    _disc: Disc | None = field(init=False, default=None)
    _reach: Reach | None = field(init=False, default=None)

    @classmethod
    def of(cls, geometry: Any) -> PolygonRegion:
        return cls.many(np.array([geometry], dtype=object))[0]

    @classmethod
    def many(cls, geometries: NDArray[np.object_]) -> list[PolygonRegion]:
        boundaries = shapely.boundary(geometries)
        shapely.prepare(geometries)
        shapely.prepare(boundaries)
        boxes = shapely.bounds(geometries).tolist()
        return [
            cls(g, b, (box[0], box[1], box[2], box[3]))
            for g, b, box in zip(geometries.tolist(), boundaries.tolist(), boxes, strict=True)
        ]

    @property
    def disc(self) -> Disc:
        """A disc inside the zone (see ``inscribe_discs``)."""
        if self._disc is None:
            inscribe_discs([self])
        assert self._disc is not None
        return self._disc

    @property
    def reach(self) -> Reach:
        """(cx, cy) the inscribed disc's centre, its radius, the radius around that centre
        that holds the whole bounding box, and half the box's shorter side (no point of the
        zone is further than that from the boundary)."""
        if self._reach is None:
            cx, cy, radius = self.disc
            minx, miny, maxx, maxy = self.bbox
            outer = math.hypot(max(cx - minx, maxx - cx), max(cy - miny, maxy - cy))
            self._reach = (cx, cy, radius, outer, min(maxx - minx, maxy - miny) / 2)
        return self._reach

    def grown(self, level: float) -> Any:
        """The zone grown by a band of ``level`` metres plus the approximation margin (a
        superset of every point within that band of it); built on first use, then kept."""
        key = ("grown", level)
        if key not in self._bands:
            self._bands[key] = _prepared(shapely.buffer(self.geometry, _width(level), quad_segs=2))
        return self._bands[key]

    def shrunk(self, level: float) -> Any:
        """The zone shrunk by the same band (every point of it further than the band from the
        boundary), or None when nothing is left."""
        key = ("shrunk", level)
        if key not in self._bands:
            inner = shapely.buffer(self.geometry, -_width(level), quad_segs=2)
            self._bands[key] = None if inner.is_empty else _prepared(inner)
        return self._bands[key]


def _width(level: float) -> float:
    return (level + APPROX_ERROR_M) * _BAND_FACTOR + _BAND_EXTRA_M


def _prepared(geometry: Any) -> Any:
    shapely.prepare(geometry)
    return geometry


def band_level(max_accuracy: float) -> float:
    """Accuracy levels are powers of two (8 m up): few band pairs per region, reused."""
    return float(2 ** max(3, math.ceil(math.log2(max(max_accuracy, 1.0)))))
