"""Benchmark: a synthetic national day of GPS tag data through the monitoring engine.

    .venv/bin/python benchmarks/monitoring.py            # 13,000 subjects x 1,440 fixes
    .venv/bin/python benchmarks/monitoring.py --quick    # 1,000 subjects, under a minute
    .venv/bin/python benchmarks/monitoring.py --subjects 3000 --workers 2

Every subject has a GPS curfew (19:00-07:00 at home, 60-100 m) and 1-3 zones: an exclusion
zone near home, for some an inclusion zone of about 12 km around home and a second exclusion
zone active on weekdays 08:00-18:00. They sleep at home, walk about by day, and some enter a
zone, break curfew or lose signal; 10% of fixes are indoor (40-150 m accuracy).

Figures: the engine on columnar arrays (orders compiled separately), single process and with
``--workers``; the CSV reading path on a sample; and the baselines on a sample of subjects,
side by side with ratios of CPU time to the engine's:
- a naive per-fix shapely loop (a ``Point`` per fix, ``within`` and ``distance`` to the
  boundary) and the same loop with an STRtree query per fix; both run every rule in plain
  Python and must find the same violations as the engine;
- GeoPandas (a dev dependency), the zone part only: ``geopandas.sjoin(points, zones,
  predicate="within", on_attribute="subject")``, which keeps only pairs where the fix's subject
  owns the zone and ignores accuracy; and the same made accuracy-aware by a second ``sjoin``
  against the zones' boundaries with ``predicate="dwithin"`` and each fix's accuracy as the
  distance (a fix within its accuracy of the boundary is uncertain). Their classes are checked
  against the engine's classifier on the sample: the plain join on the fix-zone pairs the
  engine finds clearly inside or outside (farther than the accuracy from the boundary), the
  accuracy-aware one on every pair. They skip the rest of the rules (windows, confirm-fixes,
  curfews, gaps), so their ratios flatter GeoPandas.
Timings are of this machine as it is (shared, 2 cores): run it twice before trusting a figure.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from safeguard.monitoring.engine import EventTable, FixTable, Order, evaluate, parse_orders
from safeguard.monitoring.engine.ingest import read_fixes
from safeguard.monitoring.engine.timeparse import format_instant, parse_instant

DAY_START = "2026-06-09T23:00:00Z"  # local midnight, Wednesday 10 June 2026 (BST)
MINUTES = 1440
MINUTE_US = 60_000_000
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


# ---------------------------------------------------------------- synthetic data


def _lonlat(east: np.ndarray, north: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _TO_WGS84.transform(east, north)
    return np.asarray(lon), np.asarray(lat)


def _ring(
    cx: float, cy: float, radius: float, sides: int, rng: np.random.Generator
) -> list[list[float]]:
    # Evenly spread angles (jittered) keep the polygon simple.
    angles = (np.arange(sides) + rng.uniform(0, 0.5, sides)) * (2 * np.pi / sides)
    r = radius * rng.uniform(0.7, 1.0, sides)
    lon, lat = _lonlat(cx + r * np.cos(angles), cy + r * np.sin(angles))
    coords = [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]
    return [*coords, coords[0]]


def make_orders(
    subjects: int, seed: int
) -> tuple[dict[str, Any], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    home_e = rng.uniform(350_000, 600_000, subjects)
    home_n = rng.uniform(150_000, 450_000, subjects)
    angle = rng.uniform(0, 2 * np.pi, subjects)
    zone_e = home_e + 700 * np.cos(angle)  # the exclusion zone, 700 m from home
    zone_n = home_n + 700 * np.sin(angle)
    home_lon, home_lat = _lonlat(home_e, home_n)
    orders = []
    for i in range(subjects):
        zones: list[dict[str, Any]] = [
            {
                "id": "EX",
                "kind": "exclusion",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [_ring(zone_e[i], zone_n[i], 150, 6, rng)],
                },
                "schedule": None,
            }
        ]
        extra = i % 3
        if extra >= 1:
            zones.append(
                {
                    "id": "IN",
                    "kind": "inclusion",
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [_ring(home_e[i], home_n[i], 6000, 12, rng)],
                    },
                    "schedule": None,
                }
            )
        if extra >= 2:
            zones.append(
                {
                    "id": "SCHOOL",
                    "kind": "exclusion",
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [_ring(home_e[i] - 400, home_n[i] + 300, 120, 8, rng)],
                    },
                    "schedule": [
                        {
                            "days": ["mon", "tue", "wed", "thu", "fri"],
                            "from": "08:00",
                            "until": "18:00",
                        }
                    ],
                }
            )
        orders.append(
            {
                "subject": f"P-{i:05d}",
                "timezone": "Europe/London",
                "starts": "2026-06-01T00:00:00+01:00",
                "curfew_method": "gps",
                "curfews": [
                    {
                        "days": EVERY_DAY,
                        "from": "19:00",
                        "until": "07:00",
                        "address": {
                            "lat": float(home_lat[i]),
                            "lon": float(home_lon[i]),
                            "radius_m": float(rng.uniform(60, 100)),
                        },
                    }
                ],
                "zones": zones,
            }
        )
    return {"orders": orders}, home_e, home_n, angle


def make_fixes(home_e: np.ndarray, home_n: np.ndarray, angle: np.ndarray, seed: int) -> FixTable:
    """One fix a minute per subject; built a block of subjects at a time to bound memory."""
    rng = np.random.default_rng(seed + 1)
    parts = []
    t0 = parse_instant(DAY_START)
    for lo in range(0, home_e.size, 1000):
        hi = min(lo + 1000, home_e.size)
        n = hi - lo
        minute = np.arange(MINUTES)
        out_by_day = (minute >= 8 * 60) & (minute < 19 * 60)
        walk_e = np.cumsum(rng.normal(0, 25, (n, MINUTES)), axis=1)
        walk_n = np.cumsum(rng.normal(0, 25, (n, MINUTES)), axis=1)
        east = home_e[lo:hi, None] + np.where(out_by_day, walk_e - walk_e[:, [8 * 60]], 0.0)
        north = home_n[lo:hi, None] + np.where(out_by_day, walk_n - walk_n[:, [8 * 60]], 0.0)
        # One in five walks into the exclusion zone from 13:00 to 13:40.
        into = (rng.random(n) < 0.2)[:, None] & (minute >= 13 * 60) & (minute < 13 * 60 + 40)
        east = np.where(into, home_e[lo:hi, None] + 700 * np.cos(angle[lo:hi, None]), east)
        north = np.where(into, home_n[lo:hi, None] + 700 * np.sin(angle[lo:hi, None]), north)
        # One in twenty breaks curfew: 22:00-22:45 a kilometre away.
        late = (rng.random(n) < 0.05)[:, None] & (minute >= 22 * 60) & (minute < 22 * 60 + 45)
        east = np.where(late, east + 1000, east)
        east += rng.normal(0, 4, east.shape)
        north += rng.normal(0, 4, north.shape)
        indoor = rng.random((n, MINUTES)) < 0.1
        acc = np.where(indoor, rng.uniform(40, 150, (n, MINUTES)), rng.uniform(3, 15, (n, MINUTES)))
        # One in fifty loses signal for 30 minutes from 15:00.
        keep = ~((rng.random(n) < 0.02)[:, None] & (minute >= 15 * 60) & (minute < 15 * 60 + 30))
        lon, lat = _lonlat(east[keep], north[keep])
        subject = np.broadcast_to(np.arange(lo, hi, dtype=np.int32)[:, None], keep.shape)[keep]
        seq = np.broadcast_to(minute[None, :] + 1, keep.shape)[keep].astype(np.int64)
        t = t0 + (seq - 1) * MINUTE_US
        parts.append(FixTable(subject, seq, t, lat, lon, acc[keep], np.zeros(t.size, np.int64)))
    return FixTable.concat(parts)


# ---------------------------------------------------------------- naive baselines


def naive_check(orders: list[Order], fixes: FixTable, use_tree: bool) -> list[tuple[Any, ...]]:
    """Per-fix shapely loop: a Point per fix, ``within`` and ``distance`` to the boundary for
    each region, the confirm-fixes machines in plain Python. The fixes are projected in one
    pyproj call (projection is not what is compared). Returns (subject, kind, zone, start,
    end) tuples, compared with the engine's."""
    from safeguard.monitoring.engine.projection import project_exact
    from safeguard.monitoring.engine.subject import curfew_windows, date_range, zone_windows

    x, y = project_exact(fixes.lon, fixes.lat)
    until = int(fixes.t.max())
    geometries = [z.region.geometry for o in orders for z in o.zones]
    tree = shapely.STRtree(geometries) if use_tree else None
    out: list[tuple[Any, ...]] = []
    region = 0
    for s, order in enumerate(orders):
        rows = np.flatnonzero(fixes.subject == s).tolist()
        times = [int(fixes.t[r]) for r in rows]
        accs = [float(fixes.acc[r]) for r in rows]
        points = [shapely.Point(x[r], y[r]) for r in rows]
        confirm = order.settings.confirm_fixes
        days = date_range(order, times[0], until)
        near = (
            [
                set(tree.query(p, predicate="dwithin", distance=a).tolist())
                for p, a in zip(points, accs, strict=True)
            ]
            if tree
            else None
        )
        for z in order.zones:
            cls = []
            for k, (p, a) in enumerate(zip(points, accs, strict=True)):
                if near is not None and region not in near[k]:
                    cls.append(-1)  # farther than its accuracy from the zone
                    continue
                clear = p.distance(z.region.boundary) > a
                cls.append((1 if p.within(z.region.geometry) else -1) if clear else 0)
            region += 1
            bad = 1 if z.kind == "exclusion" else -1
            kind = "exclusion_entry" if z.kind == "exclusion" else "inclusion_exit"
            for w_start, w_end in zip(
                *(w.tolist() for w in zone_windows(order, z, days)), strict=True
            ):
                seq = [
                    (t, c == bad)
                    for t, c in zip(times, cls, strict=True)
                    if c and w_start <= t < w_end
                ]
                for start, end in _machine(seq, confirm):
                    stop = w_end if end is None else end
                    out.append((order.subject, kind, z.id, start, None if stop > until else stop))
        for k, c in enumerate(order.curfews):
            home = shapely.Point(c.x, c.y)
            seq = []
            for t, p, a in zip(times, points, accs, strict=True):
                d = p.distance(home)
                if c.radius_m - d > a or d - c.radius_m > a:
                    seq.append((t, d > c.radius_m))
            minimum = order.settings.min_absence_minutes * MINUTE_US
            ws, we = curfew_windows(order, k, days)
            for start, end in _machine(seq, confirm):
                for w_start, w_end in zip(ws.tolist(), we.tolist(), strict=True):
                    a, b = max(start, w_start), min(w_end, end if end is not None else w_end)
                    if a < b and (b if b <= until else until) - a >= minimum:
                        out.append(
                            (order.subject, "curfew_absence", None, a, b if b <= until else None)
                        )
        for i in range(len(times) - 1):
            if times[i + 1] - times[i] > order.settings.max_gap_minutes * MINUTE_US:
                out.append((order.subject, "no_signal", None, times[i], times[i + 1]))
    return sorted(out, key=lambda v: (v[0], v[3], v[1], v[2] or ""))


def sjoin_classes(orders: list[Order], fixes: FixTable, aware: bool) -> np.ndarray:
    """The zone part only, with GeoPandas: which fixes are inside which of their own subject's
    zones. ``geopandas.sjoin(points, zones, predicate="within", on_attribute="subject")`` (the
    join keeps only pairs where the fix's subject owns the zone); with ``aware``, a second
    ``sjoin`` of the points against the zones' boundaries with ``predicate="dwithin"`` and
    each fix's accuracy as its distance marks the uncertain pairs (within its accuracy of the
    boundary), which is the engine's definition exactly. Fixes are projected in one pyproj call,
    as in ``naive_check``. Returns classes, one row per fix and a column per zone slot:
    1 inside, -1 outside, 0 uncertain (``aware`` only), -2 where the subject has no such zone."""
    import geopandas  # type: ignore[import-untyped]

    from safeguard.monitoring.engine.projection import project_exact

    x, y = project_exact(fixes.lon, fixes.lat)
    owner = [s for s, o in enumerate(orders) for _ in o.zones]
    slot = [k for o in orders for k in range(len(o.zones))]
    shapes = [z.region.geometry for o in orders for z in o.zones]
    zones = geopandas.GeoDataFrame(
        {"subject": owner, "slot": slot}, geometry=shapes, crs="EPSG:27700"
    )
    points = geopandas.GeoDataFrame(
        {"subject": fixes.subject},
        geometry=geopandas.points_from_xy(x, y),
        crs="EPSG:27700",
    )
    counts = np.array([len(o.zones) for o in orders])
    width = np.arange(int(counts.max()))
    cls = np.where(width[None, :] < counts[fixes.subject][:, None], -1, -2)
    inside = geopandas.sjoin(points, zones, predicate="within", on_attribute="subject")
    cls[inside.index.to_numpy(), inside["slot"].to_numpy()] = 1
    if aware:
        edges = zones.set_geometry(zones.boundary)
        near = geopandas.sjoin(
            points, edges, predicate="dwithin", distance=fixes.acc, on_attribute="subject"
        )
        cls[near.index.to_numpy(), near["slot"].to_numpy()] = 0
    return cls


def engine_classes(orders: list[Order], fixes: FixTable) -> np.ndarray:
    """The engine's classes of the same pairs (its own classifier, on its own projection)."""
    from safeguard.monitoring.engine.projection import project_approx
    from safeguard.monitoring.engine.regions import classify_polygon

    x, y = project_approx(fixes.lon, fixes.lat)
    cls = np.full((len(fixes), max(len(o.zones) for o in orders)), -2, dtype=np.int64)
    for s, order in enumerate(orders):
        rows = np.flatnonzero(fixes.subject == s)
        for k, z in enumerate(order.zones):
            cls[rows, k] = classify_polygon(
                z.region, x[rows], y[rows], fixes.acc[rows], fixes.lon[rows], fixes.lat[rows]
            )
    return cls


def _machine(seq: list[tuple[int, bool]], confirm: int) -> list[tuple[int, int | None]]:
    """(start, end or None) spells: switch at the first of ``confirm`` consecutive others."""
    spells: list[tuple[int, int | None]] = []
    state, run, run_start = False, 0, 0
    for t, flag in seq:
        if flag == state:
            run = 0
            continue
        run += 1
        if run == 1:
            run_start = t
        if run >= confirm:
            state, run = flag, 0
            if state:
                spells.append((run_start, None))
            else:
                spells[-1] = (spells[-1][0], run_start)
    return spells


def as_tuples(found: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (v.subject, v.kind, v.zone, v.started_at, v.ended_at)
        for v in found
        if v.kind != "no_signal" or v.ended_at is not None
    ]


# ---------------------------------------------------------------- measuring


@dataclass
class Timing:
    wall: float
    cpu: float  # this process only


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, Timing]:
    """Run ``fn``; print and return wall-clock and CPU seconds. CPU is the steadier figure on
    a shared machine: wall-clock includes waiting for other people's work."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    taken = Timing(time.perf_counter() - start, time.process_time() - cpu)
    print(f"  {label:<44} {taken.wall:8.2f} s wall {taken.cpu:8.2f} s CPU", flush=True)
    return result, taken


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _generate(subjects: int, seed: int, folder: str) -> None:
    """In a child process, so that generating does not count in the engine's peak memory."""
    document, home_e, home_n, angle = make_orders(subjects, seed)
    Path(folder, "orders.json").write_text(json.dumps(document))
    fixes = make_fixes(home_e, home_n, angle, seed)
    for name in _COLUMNS:
        np.save(Path(folder, f"{name}.npy"), getattr(fixes, name))


_COLUMNS = ("subject", "seq", "t", "lat", "lon", "acc", "line")


def load(subjects: int, seed: int) -> tuple[dict[str, Any], FixTable]:
    with tempfile.TemporaryDirectory() as folder:
        context = multiprocessing.get_context("fork")
        child = context.Process(target=_generate, args=(subjects, seed, folder))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generating the data failed")
        document = json.loads(Path(folder, "orders.json").read_text())
        columns = {name: np.load(Path(folder, f"{name}.npy")) for name in _COLUMNS}
    return document, FixTable(**columns)


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds / 1e6:8.2f} M fixes/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=13_000)
    parser.add_argument("--quick", action="store_true", help="1,000 subjects, a smaller sample")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=50, help="subjects in the baseline sample")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    subjects = 1000 if args.quick else args.subjects
    sample = min(20 if args.quick else args.sample, subjects)
    print(f"monitoring benchmark: {subjects:,} subjects x {MINUTES} fixes, seed {args.seed}")
    print("generating in a child process (not timed)...", flush=True)
    document, fixes = load(subjects, args.seed)
    n = len(fixes)
    zones = sum(len(o["zones"]) for o in document["orders"])
    print(f"  {n:,} fixes, {zones:,} zones, {subjects:,} curfews")
    print("engine (wall-clock and CPU seconds; this machine is shared, CPU is the steadier):")
    orders, compiled = timed("orders: parse, project, validate", lambda: parse_orders(document))
    empty = EventTable.empty()
    if args.workers > 1:
        # First, so that the workers start cold like a real run (they build their own caches).
        before = _children_cpu()
        together, parallel = timed(
            f"evaluate, {args.workers} processes, cold",
            lambda: evaluate(orders, fixes, empty, workers=args.workers),
        )
        workers_cpu = _children_cpu() - before
        print(f"  {'':<44} {_rate(n, parallel.wall)} wall; {workers_cpu:.2f} s CPU in the workers")
    found, cold = timed("evaluate, 1 process, cold", lambda: evaluate(orders, fixes, empty))
    print(f"  {'':<44} {_rate(n, cold.cpu)} per CPU second ({len(found):,} violations)")
    _, warm = timed("evaluate, 1 process, warm", lambda: evaluate(orders, fixes, empty))
    print(f"  {'':<44} {_rate(n, warm.cpu)} per CPU second")
    print("  (cold: the projection grid's tiles and the zones' bands are built on first use)")
    if args.workers > 1:
        same = [v.to_json() for v in together] == [v.to_json() for v in found]
        print(f"  {args.workers} processes give the same violations as 1: {same}")
        scale = 13_000 * MINUTES / n
        how = "measured" if scale == 1 else f"scaled x{scale:.1f} from this run"
        total = (compiled.wall + parallel.wall) * scale
        print(f"  national day (13,000 x 1,440), {how}: {total:.1f} s wall, orders included")
        serial = compiled.cpu + parallel.cpu  # orders, and the parent's share of evaluate
        ideal = (serial + workers_cpu / args.workers) * scale
        print(
            f"  ... from CPU time, on {args.workers} otherwise idle cores: {ideal:.1f} s"
            f" (orders and parent CPU {serial * scale:.1f} s + workers' CPU / {args.workers})"
        )
    print(
        f"  peak memory: {peak_mib():,.0f} MiB this process,"
        f" {peak_mib(resource.RUSAGE_CHILDREN):,.0f} MiB largest child (pages shared after fork"
        " count in both)"
    )
    kinds: dict[str, int] = {}
    for v in found:
        kinds[v.kind] = kinds.get(v.kind, 0) + 1
    print("  violations by kind:", json.dumps(kinds, sort_keys=True))
    _baselines(orders[:sample], fixes.take(np.flatnonzero(fixes.subject < sample)))
    sys.stdout.flush()


def _baselines(small: list[Order], part: FixTable) -> None:
    print(f"baselines on a sample of {len(small)} subjects ({len(part):,} fixes):")
    empty = EventTable.empty()
    ours = evaluate(small, part, empty)  # warm the sample's caches, as the loops need none
    _, engine = timed("engine", lambda: evaluate(small, part, empty))
    loop, point = timed("naive per-fix Point loop", lambda: naive_check(small, part, False))
    tree, strtree = timed(
        "naive loop, STRtree query per fix", lambda: naive_check(small, part, True)
    )
    sjoin_classes(small, part, True)  # untimed: importing GeoPandas and its first use
    within, sjoin = timed(
        "GeoPandas sjoin within (zones only)", lambda: sjoin_classes(small, part, False)
    )
    aware, sjoin_aware = timed(
        "sjoin within + dwithin edges (zones only)", lambda: sjoin_classes(small, part, True)
    )
    expected = sorted(as_tuples(ours), key=lambda v: (v[0], v[3], v[1], v[2] or ""))
    agree = f"Point loop {loop == expected}, STRtree loop {tree == expected}"
    print(f"  same violations as the engine: {agree}")
    classes = engine_classes(small, part)
    pairs = classes != -2
    clear = pairs & (classes != 0)
    print(
        "  same zone classes as the engine: sjoin within"
        f" {int((within == classes)[clear].sum()):,} of {int(clear.sum()):,} clear"
        f" fix-zone pairs, aware {int((aware == classes)[pairs].sum()):,} of"
        f" {int(pairs.sum()):,} pairs"
    )
    m = len(part)
    print(f"  {'(per CPU second)':<28}{'fixes/s':>14}{'CPU time vs engine':>20}")
    for label, t in (
        ("engine", engine),
        ("Point loop", point),
        ("STRtree loop", strtree),
        ("sjoin within, zones only", sjoin),
        ("sjoin aware, zones only", sjoin_aware),
    ):
        print(f"  {label:<28}{m / t.cpu:>14,.0f}{t.cpu / engine.cpu:>19.1f}x")
    print("  (the engine and the loops run every rule; the sjoin rows only classify fixes")
    print("  against their subject's zones, so their ratios flatter GeoPandas)")
    print("CSV path (reading and validating FIXES.csv) on the sample:")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fixes.csv"
        _write_csv(path, part)
        names = {o.subject: i for i, o in enumerate(small)}
        _, csv_time = timed("read_fixes", lambda: read_fixes(path, names, [50.0] * len(small)))
        print(f"  {'':<44} {m / csv_time.cpu / 1e6:8.2f} M rows per CPU second")


def _write_csv(path: Path, part: FixTable) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject", "seq", "recorded_at", "lat", "lon", "accuracy_m"])
        columns = (part.subject, part.seq, part.t, part.lat, part.lon, part.acc)
        for s, q, t, la, lo, a in zip(*(c.tolist() for c in columns), strict=True):
            writer.writerow(
                [f"P-{s:05d}", q, format_instant(t), f"{la:.6f}", f"{lo:.6f}", f"{a:.1f}"]
            )


if __name__ == "__main__":
    main()
