"""Benchmark of the live alert path: recording one chronology event re-evaluates that child.

    .venv/bin/python benchmarks/alerts_live.py            # children with 60, 300 and 1,200 events
    .venv/bin/python benchmarks/alerts_live.py --quick    # 60 and 300
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/alerts_live.py

Issue 7 asks for one new event re-evaluated in under 50 ms. The engine alone is measured by
``benchmarks/indicators.py``; this is the whole in-app path a practitioner waits for: store the
event and its audit entry, read and decrypt the child's chronology (details, narrative: ADR 0010),
run the rules, upsert the alerts and route them. The baseline is the same recording with the
live re-evaluation skipped (the source the demo's bulk loads use), so the ratio is what the
alerts add. In-process, median and p95 of the warm runs, wall and this process's CPU time.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import transaction
from django.utils import timezone

# benchmarks/chronology.py sets Django up on a temporary data folder: before any model import.
import chronology as bench
from safeguard.safeguarding.models import Child
from safeguard.safeguarding.services import EventDraft, chronology_events_record

LIVE, SKIPPED = "page", "demo"  # alerts.live skips the demo's bulk source


def _record(user: Any, child: Child, source: str, rng: random.Random) -> float:
    kind, agency, details = bench.KINDS[rng.randrange(len(bench.KINDS))]
    draft = EventDraft(child, kind, agency, timezone.now(), details(rng, []), narrative="Seen.")
    started = time.perf_counter()
    with transaction.atomic():
        chronology_events_record(actor=user, drafts=[draft], source=source)
    return time.perf_counter() - started


def _runs(user: Any, child: Child, source: str, repeat: int) -> tuple[list[float], list[float]]:
    rng = random.Random(7)
    _record(user, child, source, rng)  # cold
    walls, cpus = [], []
    for _ in range(repeat):
        cpu = time.process_time()
        walls.append(_record(user, child, source, rng))
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    sizes = [60, 300] if args.quick else [60, 300, 1200]
    user, team = bench._setup()
    print("events  path       wall p50  wall p95  cpu p50   (ms)   live/baseline (wall p50)")
    for size in sizes:
        child = bench._child(user, team, size, seed=size)
        base_wall, base_cpu = _runs(user, child, SKIPPED, args.repeat)
        live_wall, live_cpu = _runs(user, child, LIVE, args.repeat)
        for name, walls, cpus in (
            ("baseline", base_wall, base_cpu),
            ("live", live_wall, live_cpu),
        ):
            print(
                f"{size:6d}  {name:9s} {statistics.median(walls) * 1000:8.1f}  "
                f"{_p95(walls) * 1000:8.1f}  {statistics.median(cpus) * 1000:8.1f}",
                end="",
            )
            ratio = statistics.median(live_wall) / statistics.median(base_wall)
            print(f"            {ratio:5.1f}x" if name == "live" else "")
    print("target: one new event re-evaluated in < 50 ms (issue 7)")


if __name__ == "__main__":
    main()
