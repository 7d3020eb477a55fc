"""Building small monitoring cases in metres, writing them as files and running the check.

Places are offsets in metres (east, north) on the British National Grid from a point in
London, turned into WGS84 longitude/latitude the way a tag would report them; the engine
projects them back, so distances in a test are exact ground metres.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pyproj import Transformer

from safeguard.monitoring.engine import Summary, run_check

_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
ORIGIN_E, ORIGIN_N = 530_000.0, 180_000.0  # central London


def lonlat(east: float, north: float) -> tuple[float, float]:
    lon, lat = _TO_WGS84.transform(ORIGIN_E + east, ORIGIN_N + north)
    return float(lon), float(lat)


def ring(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    """A closed GeoJSON ring from (east, north) offsets."""
    coords = [list(lonlat(e, n)) for e, n in points]
    return [*coords, coords[0]]


def square(west: float, south: float, east: float, north: float) -> list[tuple[float, float]]:
    return [(west, south), (east, south), (east, north), (west, north)]


def polygon(*rings: Sequence[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring(r) for r in rings]}


def multipolygon(*polygons: Sequence[Sequence[tuple[float, float]]]) -> dict[str, Any]:
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in polygons]}


def address(east: float = 0.0, north: float = 0.0, radius_m: float = 60.0) -> dict[str, Any]:
    lon, lat = lonlat(east, north)
    return {"lat": lat, "lon": lon, "radius_m": radius_m}


EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def order(subject: str = "P-1", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"subject": subject, "timezone": "Europe/London"}
    base.update(fields)
    return base


def zone(zone_id: str, kind: str, geometry: dict[str, Any], schedule: Any = None) -> dict[str, Any]:
    return {"id": zone_id, "kind": kind, "geometry": geometry, "schedule": schedule}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Fix:
    at: datetime
    east: float
    north: float
    acc: float | str = 5.0
    subject: str = "P-1"
    seq: int | None = None


def track(
    start: str,
    places: Iterable[tuple[float, float]],
    *,
    every_s: int = 60,
    acc: float | str = 5.0,
    subject: str = "P-1",
) -> list[Fix]:
    """One fix per ``every_s`` seconds from ``start`` at each place in turn."""
    t0 = utc(start)
    return [
        Fix(t0 + timedelta(seconds=i * every_s), e, n, acc, subject)
        for i, (e, n) in enumerate(places)
    ]


def stay(n: int, east: float, north: float) -> list[tuple[float, float]]:
    return [(east, north)] * n


def fix_rows(fixes: Sequence[Fix]) -> list[list[str]]:
    rows = []
    for number, fix in enumerate(fixes, start=1):
        lon, lat = lonlat(fix.east, fix.north)
        seq = fix.seq if fix.seq is not None else number
        at = fix.at.isoformat().replace("+00:00", "Z")
        rows.append([fix.subject, str(seq), at, f"{lat:.9f}", f"{lon:.9f}", str(fix.acc)])
    return rows


FIX_HEADER = ["subject", "seq", "recorded_at", "lat", "lon", "accuracy_m"]
EVENT_HEADER = ["subject", "seq", "recorded_at", "kind"]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@dataclass
class Result:
    violations: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    summary: Summary
    out: Path


def check(
    tmp_path: Path,
    orders: Sequence[dict[str, Any]],
    fixes: Sequence[Fix] = (),
    events: Sequence[tuple[str, int, str, str]] | None = None,
    until: str | None = None,
) -> Result:
    """Write the case to files, run the check, read the output back."""
    orders_path = tmp_path / "orders.json"
    orders_path.write_text(json.dumps({"orders": list(orders)}), encoding="utf-8")
    fixes_path = write_csv(tmp_path / "fixes.csv", FIX_HEADER, fix_rows(fixes))
    events_path = None
    if events is not None:
        events_path = write_csv(
            tmp_path / "events.csv", EVENT_HEADER, ([s, str(q), t, k] for s, q, t, k in events)
        )
    out = tmp_path / "violations.jsonl"
    summary = run_check(orders_path, fixes_path, events_path, until, out)
    return Result(read_jsonl(out), read_jsonl(summary.errors), summary, out)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


CONTRACT_KEYS = ("subject", "kind", "zone", "started_at", "ended_at")


def brief(violations: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(kind, zone, started_at, ended_at) of each violation, for compact assertions."""
    return [(v["kind"], v["zone"], v["started_at"], v["ended_at"]) for v in violations]
