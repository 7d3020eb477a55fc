"""Benchmark of the indicator rules (contracts.md §3).

    .venv/bin/python benchmarks/indicators.py            # 10,000 children, 1,000,000 events
    .venv/bin/python benchmarks/indicators.py --quick    # 1,000 children, 100,000 events

Prints, side by side with ratios:
- batch: every child evaluated by the vectorised engine (target < 5 s for 1 M events), wall
  and CPU time (the machine may be shared), against the naive baseline - the reference
  evaluator, one child at a time in plain Python, re-reading the chronology at every moment
  (quadratic) - run on a sample of children and scaled to all of them;
- live: one new event added to a child and that child re-evaluated (target < 50 ms), p50/p95;
- parsing: EVENTS.jsonl lines to events, for scale (not part of the evaluation target).
Figures vary with the machine; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from safeguard.safeguarding.engine.evaluate import evaluate_child, evaluate_children
from safeguard.safeguarding.engine.events import Event
from safeguard.safeguarding.engine.gc_pause import collector_paused
from safeguard.safeguarding.engine.parse import parse_lines
from safeguard.safeguarding.engine.reference import evaluate_child_reference
from safeguard.safeguarding.engine.rule_sets import rule_set_on

T = TypeVar("T")
START = datetime(2024, 1, 1, tzinfo=UTC)
# What a chronology mostly holds, with weights and the agencies that record each kind; the
# registration, the household and the visits of a plan are added by `_child`.
MIX = [
    ("visit", 30, ["social_care", "health"]),
    ("attendance", 16, ["health"]),
    ("missed_appointment", 4, ["health"]),
    ("concern", 6, ["public", "education", "health", "police", "social_care"]),
    ("police_callout", 5, ["police"]),
    ("injury", 4, ["health", "health", "education", "social_care"]),
    ("household_member_added", 1, ["social_care"]),
    ("household_member_left", 1, ["social_care"]),
    ("adult_associated", 1, ["police", "social_care", "probation"]),
    ("adult_restriction", 0.3, ["probation", "police"]),
]
DAY = 86_400


def _details(
    rng: random.Random, kind: str, home: list[str], others: list[str]
) -> dict[str, object]:
    """Adults present are mostly the household; now and then someone social care has not met."""
    present = rng.sample(home, 2)
    if rng.random() < 0.03:
        present.append(rng.choice(others))
    if kind == "visit":
        return {"child_seen": rng.random() < 0.85, "adults_present": present}
    if kind == "attendance":
        setting = rng.choice(["emergency_department", "urgent_care", "gp", "gp"])
        return {"setting": setting, "provider": rng.choice(["North", "South"]), "reason": "r"}
    if kind == "missed_appointment":
        return {"setting": rng.choice(["gp", "health_visitor", "dentist"])}
    if kind == "injury":
        return {
            "site": "arm",
            "type": "bruise",
            "explanation": "fell",
            "mobile": rng.random() < 0.95,
        }
    if kind == "police_callout":
        return {"reason": "noise", "adults_present": present}
    if kind in ("household_member_added", "household_member_left"):
        return {"person": rng.choice(others), "role": "partner"}
    if kind == "adult_restriction":
        return {"person": rng.choice(home + others), "restriction": "no unsupervised contact"}
    if kind == "adult_associated":
        return {"person": rng.choice(others), "reason": "partner of a parent"}
    return {"summary": "worried about the children"}


def _child(rng: random.Random, c: int, per_child: int, seq: int) -> list[Event]:
    """One child over two years: registered with two parents at home; a third go on a plan,
    visited about every ten days while it lasts; the rest drawn from MIX."""
    child = f"C-{c:05d}"
    home, others = [f"P-{c:05d}-1", f"P-{c:05d}-2"], [f"P-{c:05d}-{k}" for k in range(3, 6)]
    born = START - timedelta(days=rng.randint(30, 3000))
    fixed: list[tuple[int, str, str, dict[str, object]]] = [
        (0, "child_registered", "health", {"dob": born.date().isoformat()}),
        (0, "household_member_added", "social_care", {"person": home[0], "role": "mother"}),
        (0, "household_member_added", "social_care", {"person": home[1], "role": "father"}),
    ]
    if rng.random() < 0.33:
        start = rng.randint(0, 500) * DAY
        end = start + rng.randint(90, 400) * DAY
        fixed.append((start, "cp_plan_started", "social_care", {"category": "neglect"}))
        if end < 730 * DAY:
            fixed.append((end, "cp_plan_ended", "social_care", {"category": "neglect"}))
        visit = start + rng.randint(1, 10) * DAY
        while visit < min(end, 730 * DAY) and len(fixed) < per_child // 2:
            seen = {"child_seen": rng.random() < 0.9, "adults_present": home}
            fixed.append((visit, "visit", "social_care", seen))
            visit += rng.randint(7, 14) * DAY
    kinds = [(kind, agencies) for kind, weight, agencies in MIX for _ in range(int(weight * 10))]
    events = []
    for k in range(per_child):
        if k < len(fixed):
            offset, kind, agency, details = fixed[k]
        else:
            kind, agencies = rng.choice(kinds)
            offset, agency = rng.randint(0, 730 * DAY), rng.choice(agencies)
            details = _details(rng, kind, home, others)
        events.append(
            Event(
                id=f"{child}-{k}",
                child=child,
                at=START + timedelta(seconds=offset),
                kind=kind,
                agency=agency,
                details=details,
                seq=seq + k,
            )
        )
    return events


def synthetic(children: int, per_child: int, seed: int = 7) -> list[Event]:
    """A seeded county of children with `per_child` events each."""
    rng = random.Random(seed)
    events: list[Event] = []
    for c in range(children):
        events += _child(rng, c, per_child, seq=len(events))
    return events


def _timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    began = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - began, result


def _cpu_and_wall(fn: Callable[..., T], *args: Any) -> tuple[float, float, T]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args)
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 children instead of 10,000")
    parser.add_argument("--per-child", type=int, default=100)
    parser.add_argument("--sample", type=int, default=None, help="children for the baseline")
    args = parser.parse_args()
    children = 1_000 if args.quick else 10_000
    sample = args.sample or (20 if args.quick else 100)

    events = synthetic(children, args.per_child)
    as_of = START + timedelta(days=731)
    rule_set = rule_set_on(as_of)
    print(
        f"{children:,} children, {len(events):,} events, rule set {rule_set.version}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    batch_cpu, batch_s, alerts = _cpu_and_wall(evaluate_children, events, as_of, rule_set)
    by_child: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_child[e.child].append(e)
    chosen = random.Random(1).sample(sorted(by_child), sample)
    naive_cpu, naive_s, _ = _cpu_and_wall(
        lambda: [evaluate_child_reference(by_child[c], as_of, rule_set) for c in chosen]
    )
    naive_all, naive_all_cpu = naive_s * children / sample, naive_cpu * children / sample
    counts: dict[str, int] = defaultdict(int)
    for a in alerts:
        counts[a.rule] += 1
    print(f"alerts: {len(alerts):,} ({', '.join(f'{k} {v:,}' for k, v in sorted(counts.items()))})")
    print(f"{'':34}{'vectorised':>12}{'naive':>14}{'ratio':>9}")
    print(
        f"{'batch, all children, wall (s)':34}{batch_s:>12.2f}{naive_all:>14.1f}"
        f"{naive_all / batch_s:>8.0f}x   (naive: {sample} children measured, scaled)"
    )
    print(
        f"{'batch, all children, CPU (s)':34}{batch_cpu:>12.2f}{naive_all_cpu:>14.1f}"
        f"{naive_all_cpu / batch_cpu:>8.0f}x"
    )

    rng = random.Random(2)
    live: list[float] = []
    naive_live: list[float] = []
    for child in rng.sample(sorted(by_child), 200):
        mine = by_child[child]
        new = Event(
            id=f"{child}-new",
            child=child,
            at=as_of - timedelta(hours=1),
            kind="injury",
            agency="police",
            details={"mobile": False},
            seq=10**9,
        )
        seconds, _ = _timed(evaluate_child, [*mine, new], as_of, rule_set)
        live.append(seconds * 1000)
        if len(naive_live) < 20:
            seconds, _ = _timed(evaluate_child_reference, [*mine, new], as_of, rule_set)
            naive_live.append(seconds * 1000)
    p50, p95 = statistics.median(live), statistics.quantiles(live, n=20)[-1]
    naive_p50 = statistics.median(naive_live)
    print(
        f"{'live, one new event p50 (ms)':34}{p50:>12.2f}{naive_p50:>14.1f}"
        f"{naive_p50 / p50:>8.1f}x   ({args.per_child} events a child)"
    )
    print(f"{'live, one new event p95 (ms)':34}{p95:>12.2f}")

    lines = [
        json.dumps(
            {
                "id": e.id,
                "child": e.child,
                "at": e.at.isoformat(),
                "agency": e.agency,
                "kind": e.kind,
                "details": dict(e.details),
            }
        )
        for e in events[: min(len(events), 200_000)]
    ]
    with collector_paused():  # as the command reads its file
        parse_s, parsed = _timed(parse_lines, lines)
    rate = len(lines) / parse_s
    print(
        f"parsing EVENTS.jsonl: {rate:,.0f} lines/s ({len(events) / rate:.1f} s for all events; "
        f"{len(parsed.rejects)} rejected)"
    )


if __name__ == "__main__":
    main()
