"""Crime matching: which subjects' trails were near a place around a time (issue 4 §7).

A fix *counts* when it was recorded within ``window`` of ``at`` (both ends included) and its
accuracy circle could intersect the search circle: great-circle distance from the fix to the
place ≤ ``radius_m + accuracy_m`` (docs/monitoring-engine.md, "Crime matching"; ADR 0108). A
fix with no accuracy uses ``default_accuracy_m``. The trail between two fixes is not
interpolated: the design notes ask only for the fixes ("overlaying ... locations and times on
trails"), and at one fix a minute a straight line between fixes is a guess.

Distances are haversine on the mean Earth radius (error under 0.5 % at any radius a crime
search uses, and no dependence on a national grid, so it works for any fix). Everything is
numpy over whole arrays; no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_371_008.8
US_PER_MINUTE = 60_000_000
MAX_RADIUS_M = 10_000.0
MAX_WINDOW_MINUTES = 1_440.0


@dataclass(frozen=True)
class NearHit:
    """One subject whose trail counts: when (first and last counting fix, microseconds), how
    many fixes counted, and the closest counting fix (its centre distance and accuracy)."""

    subject: str
    first_t: int
    last_t: int
    fixes: int
    closest_m: float
    closest_accuracy_m: float


def distance_m(
    lat: NDArray[np.float64], lon: NDArray[np.float64], lat0: float, lon0: float
) -> NDArray[np.float64]:
    """Great-circle distance (metres) from each (lat, lon) to (lat0, lon0)."""
    p1 = np.radians(lat)
    p0 = np.radians(lat0)
    dphi = p1 - p0
    dlmb = np.radians(lon) - np.radians(lon0)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p0) * np.sin(dlmb / 2) ** 2
    result: NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return result


def check_query(
    *, lat: float, lon: float, radius_m: float, window_minutes: float
) -> dict[str, str]:
    """What is wrong with a search, by field (empty when it is usable)."""
    problems: dict[str, str] = {}
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        problems["lat"] = "Latitude must be between -90 and 90"
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        problems["lon"] = "Longitude must be between -180 and 180"
    if not (math.isfinite(radius_m) and 0 <= radius_m <= MAX_RADIUS_M):
        problems["radius_m"] = f"Radius must be between 0 and {MAX_RADIUS_M:g} metres"
    if not (math.isfinite(window_minutes) and 0 <= window_minutes <= MAX_WINDOW_MINUTES):
        problems["window_minutes"] = f"Window must be between 0 and {MAX_WINDOW_MINUTES:g} minutes"
    return problems


def near(
    subjects: NDArray[np.str_] | list[str],
    t: NDArray[np.int64],
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    accuracy_m: NDArray[np.float64],
    *,
    at: int,
    lat0: float,
    lon0: float,
    radius_m: float,
    window_minutes: float,
    default_accuracy_m: float = 50.0,
) -> list[NearHit]:
    """The subjects with at least one counting fix, sorted by closest approach then subject.

    ``accuracy_m`` may hold NaN for "not sent" (``default_accuracy_m`` applies); a negative
    accuracy is treated as 0.
    """
    subject_arr = np.asarray(subjects, dtype=str)
    n = len(subject_arr)
    if n == 0:
        return []
    window = round(window_minutes * US_PER_MINUTE)
    acc = np.where(np.isnan(accuracy_m), default_accuracy_m, np.maximum(accuracy_m, 0.0))
    d = distance_m(lat, lon, lat0, lon0)
    in_time = (t >= at - window) & (t <= at + window)
    # A tiny tolerance so that a fix exactly on the boundary is not lost to rounding.
    counts = in_time & (d <= radius_m + acc + 1e-6)
    if not counts.any():
        return []
    idx = np.nonzero(counts)[0]
    subj = subject_arr[idx]
    names, inverse = np.unique(subj, return_inverse=True)
    k = len(names)
    tt = t[idx]
    dd = d[idx]
    first = np.full(k, np.iinfo(np.int64).max, np.int64)
    last = np.full(k, np.iinfo(np.int64).min, np.int64)
    np.minimum.at(first, inverse, tt)
    np.maximum.at(last, inverse, tt)
    counts_per = np.bincount(inverse, minlength=k)
    # Closest fix per subject: sort by (subject, distance) and take each group's first.
    order = np.lexsort((dd, inverse))
    starts = np.searchsorted(inverse[order], np.arange(k))
    closest = order[starts]
    hits = [
        NearHit(
            subject=str(names[i]),
            first_t=int(first[i]),
            last_t=int(last[i]),
            fixes=int(counts_per[i]),
            closest_m=float(dd[closest[i]]),
            closest_accuracy_m=float(acc[idx][closest[i]]),
        )
        for i in range(k)
    ]
    hits.sort(key=lambda h: (h.closest_m, h.subject))
    return hits
