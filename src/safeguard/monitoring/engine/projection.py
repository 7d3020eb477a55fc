"""WGS84 longitude/latitude → British National Grid (EPSG:27700) metres.

``project_exact`` is pyproj, the reference. It runs at about 1.7 M points a second here, slower
than the whole rule set is meant to be, so fixes go through ``project_approx`` instead: bilinear
interpolation in a grid of exact pyproj nodes, 0.02° apart, built lazily one 1°×1° tile at a time
over Great Britain. Each tile checks its own interpolation error against pyproj when it is built
and is only used if the error is under ``APPROX_ERROR_M / 3``; every decision made from
approximate coordinates keeps a margin of ``APPROX_ERROR_M`` and anything closer is recomputed
from exact coordinates (regions.py), so results are those of exact projection.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer

FloatArray = NDArray[np.float64]

APPROX_ERROR_M = 0.25
_LON0, _LAT0 = -9.0, 49.0  # south-west corner of the interpolation box
_TILES_X, _TILES_Y = 12, 13  # 1° tiles: -9..3 E, 49..62 N
_STEP = 0.02
_PER_TILE = 50  # grid steps per tile side
_NX = _TILES_X * _PER_TILE + 1
_NY = _TILES_Y * _PER_TILE + 1

_transformer = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def project_exact(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Exact projection with pyproj (non-finite where pyproj cannot project)."""
    if lon.size == 0:
        return np.empty(0), np.empty(0)
    x, y = _transformer.transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


class _Grid:
    """Lazily filled node arrays for the interpolation box."""

    def __init__(self) -> None:
        self.gx = np.full((_NY, _NX), np.nan)
        self.gy = np.full((_NY, _NX), np.nan)
        # 0 = not built, 1 = usable, 2 = built but too inaccurate (never the case in GB)
        self.state = np.zeros(_TILES_Y * _TILES_X, dtype=np.int8)

    def _build(self, tile: int) -> None:
        ty, tx = divmod(tile, _TILES_X)
        i0, j0 = ty * _PER_TILE, tx * _PER_TILE
        cols = _LON0 + (j0 + np.arange(_PER_TILE + 1)) * _STEP
        rows = _LAT0 + (i0 + np.arange(_PER_TILE + 1)) * _STEP
        lon, lat = np.meshgrid(cols, rows)
        x, y = project_exact(lon.ravel(), lat.ravel())
        block = (slice(i0, i0 + _PER_TILE + 1), slice(j0, j0 + _PER_TILE + 1))
        self.gx[block] = x.reshape(lon.shape)
        self.gy[block] = y.reshape(lon.shape)
        # Bilinear error peaks at cell centres and edge midpoints: measure it there, on the
        # probes of this tile's own cells (nudged off the edges so that each probe
        # interpolates from this tile's nodes).
        half, nudge = _STEP / 2, _STEP / 1000
        cell_lon = lon[:-1, :-1].ravel()
        cell_lat = lat[:-1, :-1].ravel()
        probes_lon = np.concatenate([cell_lon + half, cell_lon + nudge, cell_lon + half])
        probes_lat = np.concatenate([cell_lat + half, cell_lat + half, cell_lat + nudge])
        self.state[tile] = 1  # so that interpolate uses the new nodes
        ax, ay, _ = self.interpolate(probes_lon, probes_lat)
        ex, ey = project_exact(probes_lon, probes_lat)
        worst = float(np.max(np.hypot(ax - ex, ay - ey))) if ex.size else math.inf
        if not worst < APPROX_ERROR_M / 3:
            self.state[tile] = 2

    def interpolate(
        self, lon: FloatArray, lat: FloatArray
    ) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
        """Interpolated x, y and a mask of the points the grid covers (usable tiles only)."""
        x = np.empty(lon.size)
        y = np.empty(lon.size)
        covered = np.empty(lon.size, dtype=np.bool_)
        # Cache-sized blocks: the dozens of passes below then stay in the CPU cache, about
        # three times faster than whole-array passes over millions of fixes.
        for lo in range(0, lon.size, _BLOCK):
            hi = min(lo + _BLOCK, lon.size)
            self._interpolate_block(lon[lo:hi], lat[lo:hi], x[lo:hi], y[lo:hi], covered[lo:hi])
        return x, y, covered

    def _interpolate_block(
        self,
        lon: FloatArray,
        lat: FloatArray,
        x: FloatArray,
        y: FloatArray,
        covered: NDArray[np.bool_],
    ) -> None:
        fx = lon - _LON0
        fx *= 1 / _STEP
        fy = lat - _LAT0
        fy *= 1 / _STEP
        np.greater_equal(fx, 0, out=covered)
        covered &= fx < _NX - 1
        covered &= fy >= 0
        covered &= fy < _NY - 1
        if not covered.all():
            fx[~covered] = 0.0
            fy[~covered] = 0.0
        ix = fx.astype(np.intp)
        iy = fy.astype(np.intp)
        tiles = _TILE_ROW[iy]
        tiles += _TILE_COL[ix]
        state = self.state[tiles]
        unbuilt = (state == 0) & covered
        if unbuilt.any():
            for tile in np.unique(tiles[unbuilt]).tolist():
                self._build(tile)
            state = self.state[tiles]
        covered &= state == 1
        fx -= ix  # now the fractions u, v within the cell
        fy -= iy
        base = iy * _NX
        base += ix
        self._lerp(self.gx.ravel(), base, fx, fy, x)
        self._lerp(self.gy.ravel(), base, fx, fy, y)

    @staticmethod
    def _lerp(
        flat: FloatArray, base: NDArray[np.intp], u: FloatArray, v: FloatArray, out: FloatArray
    ) -> None:
        np.take(flat, base, out=out)
        high = flat[base + _NX]
        low_next = flat[base + 1]
        low_next -= out
        low_next *= u
        out += low_next
        high_next = flat[base + (_NX + 1)]
        high_next -= high
        high_next *= u
        high += high_next
        high -= out
        high *= v
        out += high


_BLOCK = 32_768
_TILE_COL = np.minimum(np.arange(_NX) // _PER_TILE, _TILES_X - 1)
_TILE_ROW = np.minimum(np.arange(_NY) // _PER_TILE, _TILES_Y - 1) * _TILES_X
_grid = _Grid()


def project_approx(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Projection within ``APPROX_ERROR_M`` of exact (exact outside the grid's box)."""
    if lon.size == 0:
        return np.empty(0), np.empty(0)
    x, y, covered = _grid.interpolate(lon, lat)
    if not covered.all():
        outside = np.flatnonzero(~covered)
        x[outside], y[outside] = project_exact(lon[outside], lat[outside])
    return x, y
