"""Regions (zone polygons, curfew circles) in EPSG:27700, and the accuracy-aware test.

A fix is inside a region when it lies in it and its distance to the boundary exceeds its
``accuracy_m``; outside when it lies outside and that distance exceeds ``accuracy_m``; else
uncertain. Classes are int8: ``INSIDE`` 1, ``OUTSIDE`` -1, ``UNCERTAIN`` 0.

Fixes arrive with approximate coordinates (projection.py, within ``APPROX_ERROR_M``). Cheap
tests decide the clear cases with that error as margin: for circles, the distance to the
centre; for zones, one distance per fix to a point inside the zone (far outside, deep inside,
surely uncertain), then "sure" regions, the zone grown and shrunk by a band a little wider than
the accuracy (built per zone and accuracy level when first needed, then kept). Only fixes the
cheap tests cannot decide, those within about the accuracy of the boundary, are projected
exactly and measured with ``shapely.distance``: the result is that of the definition on exactly
projected coordinates (tests/monitoring/test_monitoring_geometry.py checks it).
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

from safeguard.monitoring.engine.projection import APPROX_ERROR_M, FloatArray, project_exact
from safeguard.monitoring.engine.zoneregion import PolygonRegion, band_level, inscribe_discs

ClassArray = NDArray[np.int8]
INSIDE, OUTSIDE, UNCERTAIN = 1, -1, 0

_MAX_BAND_M = 1024.0  # fixes less accurate than this always take the exact path
_FINE_LEVEL_M = 16.0  # the band for outdoor fixes


def classify_circle(
    x: FloatArray,
    y: FloatArray,
    acc: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
    cx: FloatArray | float,
    cy: FloatArray | float,
    radius: FloatArray | float,
) -> ClassArray:
    """Classes of fixes against circles (centre and radius per fix, or one for all)."""
    d = np.hypot(x - cx, y - cy)
    d -= radius  # signed distance to the circle, outward
    cls = np.zeros(x.size, dtype=np.int8)
    cls[d < -(acc + APPROX_ERROR_M)] = INSIDE
    cls[d > acc + APPROX_ERROR_M] = OUTSIDE
    # Clearly uncertain (within the accuracy even allowing for the approximation) needs no
    # exact projection either; only a band of twice the approximation error around the
    # accuracy does (and points that could not be projected).
    todo = np.flatnonzero(~(np.abs(d) < acc - APPROX_ERROR_M) & (cls == UNCERTAIN))
    if todo.size:
        xe, ye = project_exact(lon[todo], lat[todo])
        de = np.hypot(xe - _pick(cx, todo), ye - _pick(cy, todo))
        r = _pick(radius, todo)
        a = acc[todo]
        exact = np.where(r - de > a, INSIDE, np.where(de - r > a, OUTSIDE, UNCERTAIN))
        exact[~np.isfinite(de)] = OUTSIDE  # not projectable: nowhere near Great Britain
        cls[todo] = exact
    return cls


def classify_polygon(
    region: PolygonRegion,
    x: FloatArray,
    y: FloatArray,
    acc: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
) -> ClassArray:
    """Classes of fixes against one zone."""
    which = np.zeros(x.size, dtype=np.intp)
    return classify_polygons([region], which, x, y, acc, lon, lat)


def classify_polygons(
    regions: list[PolygonRegion],
    which: NDArray[np.intp],
    x: FloatArray,
    y: FloatArray,
    acc: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
) -> ClassArray:
    """Classes of fixes against zones: fix ``i`` against ``regions[which[i]]``.

    ``which`` must be non-decreasing (fixes grouped by region, as a block of subjects is).
    Vectorised over all the regions, from one distance per fix, to a point inside its zone
    (the centre of the zone's inscribed disc):
    - far outside: further than the zone's bounding box reaches from that point (and, for
      the fixes left, outside the bounding box by more than the accuracy);
    - deep inside: inside the inscribed disc, by more than the accuracy;
    - surely uncertain: the accuracy is wider than the zone and reaches that point (whichever
      side the fix is, its distance to the boundary is less than the accuracy).
    A loop over zones then tests only the fixes left, near a boundary.
    """
    cls = np.zeros(x.size, dtype=np.int8)
    if x.size == 0:
        return cls
    counts = np.bincount(which, minlength=len(regions))
    present = np.flatnonzero(counts).tolist()
    inscribe_discs([regions[r] for r in present])
    table = np.zeros((5, len(regions)))
    for r in present:
        table[:, r] = regions[r].reach
    cx, cy, inner, outer, half = (np.repeat(row, counts) for row in table)
    d = np.hypot(x - cx, y - cy)
    slack = acc + APPROX_ERROR_M
    far = d - outer > slack
    deep = d + slack < inner
    loose = acc - APPROX_ERROR_M
    vague = (inner > 0) & (d < loose) & (half < loose)
    cls[far] = OUTSIDE
    cls[deep] = INSIDE  # (vague ones stay UNCERTAIN)
    rest = np.flatnonzero(~(far | deep | vague))
    # The bounding box itself for those left (a circle around it is looser at its corners):
    # many zones then need no band at all.
    boxes = np.array([r.bbox for r in regions])[which[rest]]
    margin = slack[rest]
    boxed = (x[rest] < boxes[:, 0] - margin) | (y[rest] < boxes[:, 1] - margin)
    boxed |= (x[rest] > boxes[:, 2] + margin) | (y[rest] > boxes[:, 3] + margin)
    cls[rest[boxed]] = OUTSIDE
    rest = rest[~boxed]
    banded = acc[rest] <= _MAX_BAND_M
    near = rest[banded]
    exact = [rest[~banded]]
    bounds = np.searchsorted(which[near], np.arange(len(regions) + 1))
    for r in np.flatnonzero(bounds[1:] > bounds[:-1]).tolist():
        pick = near[bounds[r] : bounds[r + 1]]
        exact.append(_sure_tests(regions[r], pick, x, y, acc, cls))
    todo = np.concatenate(exact)
    if todo.size:
        cls[todo] = _exact_polygons(regions, which[todo], acc[todo], lon[todo], lat[todo])
    return cls


def _sure_tests(
    region: PolygonRegion,
    pick: NDArray[np.intp],
    x: FloatArray,
    y: FloatArray,
    acc: FloatArray,
    cls: ClassArray,
) -> NDArray[np.intp]:
    """Decide what the bands can for these fixes (writing ``cls``); return the rest.

    Outdoor fixes (a few metres) get a narrow band of their own, so that one indoor fix
    (150 m) near the zone does not widen the band, and the exact work, for all of them."""
    fine = acc[pick] <= _FINE_LEVEL_M
    rest = [_banded(region, _FINE_LEVEL_M, pick[fine], x, y, cls)]
    coarse = pick[~fine]
    if coarse.size:
        rest.append(_banded(region, band_level(float(acc[coarse].max())), coarse, x, y, cls))
    return np.concatenate(rest)


def _banded(
    region: PolygonRegion,
    level: float,
    pick: NDArray[np.intp],
    x: FloatArray,
    y: FloatArray,
    cls: ClassArray,
) -> NDArray[np.intp]:
    if pick.size == 0:
        return pick
    px, py = x[pick], y[pick]
    out: NDArray[np.bool_] = ~shapely.intersects_xy(region.grown(level), px, py)
    cls[pick[out]] = OUTSIDE
    rest = np.flatnonzero(~out)
    inner = region.shrunk(level) if rest.size else None
    if inner is None:
        return pick[rest]
    inside: NDArray[np.bool_] = shapely.contains_xy(inner, px[rest], py[rest])
    cls[pick[rest[inside]]] = INSIDE
    return pick[rest[~inside]]


def _exact_polygons(
    regions: list[PolygonRegion],
    which: NDArray[np.intp],
    acc: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
) -> ClassArray:
    xe, ye = project_exact(lon, lat)
    finite = np.isfinite(xe) & np.isfinite(ye)
    cls = np.full(xe.size, OUTSIDE, dtype=np.int8)
    if finite.any():
        fx, fy, fa = xe[finite], ye[finite], acc[finite]
        geometries = np.array([r.geometry for r in regions], dtype=object)[which[finite]]
        boundaries = np.array([r.boundary for r in regions], dtype=object)[which[finite]]
        inside = shapely.contains_xy(geometries, fx, fy)
        clear = shapely.distance(boundaries, shapely.points(fx, fy)) > fa
        cls[finite] = np.where(clear, np.where(inside, INSIDE, OUTSIDE), UNCERTAIN)
    return cls


def _pick(value: FloatArray | float, index: NDArray[np.intp]) -> FloatArray | float:
    return value[index] if isinstance(value, np.ndarray) else value
