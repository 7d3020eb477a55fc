"""Benchmark of a child's chronology: the first page view and the full exports.

    .venv/bin/python benchmarks/chronology.py            # a child with 5,000 events
    .venv/bin/python benchmarks/chronology.py --quick    # 1,000 events
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/chronology.py   # on PostgreSQL

Targets (issue 5): the chronology page's first view (paged) under 300 ms of server time; the
full PDF and CSV exports under 5 s. Each figure is printed beside a baseline run, the same
request for a child with 50 events, so the ratio shows how the cost grows with the chronology
(a paged view should barely grow). Times are in-process (Django test client: middleware, view,
queries, templates; no network), median of several runs after one cold run, as wall time and as
this process's CPU time (the machine may be shared). The database is a fresh test database,
removed at the end. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_DATA = tempfile.mkdtemp(prefix="sg-bench-")
os.environ.setdefault("SAFEGUARD_DATA_DIR", _DATA)
os.environ["SAFEGUARD_REQUIRE_TWO_FACTOR"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeguard.accounts.models import Agency, Team, User  # noqa: E402
from safeguard.people.models import Allocation, Person  # noqa: E402
from safeguard.safeguarding.models import Child, HouseholdMember  # noqa: E402
from safeguard.safeguarding.services import EventDraft, chronology_events_record  # noqa: E402

KINDS: list[tuple[str, str, Callable[[random.Random, list[str]], dict[str, Any]]]] = [
    (
        "visit",
        "social_care",
        lambda r, a: {"child_seen": r.random() < 0.9, "adults_present": a[:2]},
    ),
    (
        "attendance",
        "health",
        lambda r, a: {
            "setting": r.choice(["gp", "emergency_department", "urgent_care"]),
            "provider": r.choice(["North", "South"]),
            "reason": "unwell",
        },
    ),
    (
        "concern",
        "education",
        lambda r, a: {"summary": "Tired and hungry at school again this week."},
    ),
    (
        "police_callout",
        "police",
        lambda r, a: {"reason": "Neighbours reported shouting", "adults_present": a},
    ),
    (
        "injury",
        "health",
        lambda r, a: {
            "site": r.choice(["face", "left_forearm_front", "upper_back"]),
            "type": "bruise",
            "explanation": "fell",
            "mobile": True,
        },
    ),
    ("missed_appointment", "health", lambda r, a: {"setting": "gp"}),
]


def _setup() -> tuple[User, Team]:
    """A fresh test database (SQLite in a temporary folder, or test_<name> on PostgreSQL)."""
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    agency = Agency.objects.create(name="Benchshire Children's Services", kind="social_care")
    team = Team.objects.create(agency=agency, name="CP Team")
    user = User.objects.create(username="bench.sw", role="practitioner", agency=agency, team=team)
    return user, team


def _child(user: User, team: Team, events: int, seed: int) -> Child:
    rng = random.Random(seed)
    today = timezone.localdate()
    kid = Person.objects.create(
        given_name="Bench", family_name=f"Child{events}", date_of_birth=today - timedelta(days=3000)
    )
    adults = [
        Person.objects.create(
            given_name=f"Adult{i}", family_name=f"Child{events}", date_of_birth=date(1985, 1, 1)
        )
        for i in range(3)
    ]
    Allocation.objects.create(
        person=kid, team=team, practitioner=user, started_on=today - timedelta(days=2000)
    )
    child = Child.objects.create(person=kid, registered_at=timezone.now() - timedelta(days=1900))
    for adult in adults[:2]:
        HouseholdMember.objects.create(
            child=child,
            person=adult,
            role="parent_carer",
            moved_in_on=today - timedelta(days=1900),
            known_by="seen",
        )
    refs = [str(a.pk) for a in adults]
    start = timezone.now() - timedelta(days=1800)
    drafts = []
    for i in range(events):
        kind, agency, details = KINDS[rng.randrange(len(KINDS))]
        at = start + timedelta(minutes=int(i * 1800 * 24 * 60 / events) + rng.randint(0, 60))
        drafts.append(
            EventDraft(
                child,
                kind,
                agency,
                at,
                details(rng, refs),
                narrative="Recorded for the benchmark.",
                significant=rng.random() < 0.05,
            )
        )
    chronology_events_record(actor=user, drafts=drafts, source="benchmark")
    return child


@dataclass(frozen=True)
class Figure:
    cold: float  # the first run, seconds of wall time
    wall: float  # median of the warm runs
    cpu: float  # median process CPU time of the warm runs (what a quiet machine would show)
    queries: int


def _time(run: Callable[[], Any], repeat: int) -> Figure:
    # Each request clears the query log when it starts (django.db.reset_queries), so the
    # context must start from an empty log to count one request's queries.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run()
        cold = time.perf_counter() - started
    count = len(queries)  # now: the next request clears the log this reads from
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return Figure(cold, statistics.median(walls), statistics.median(cpus), count)


def _measure(client: Client, child: Child, repeat: int) -> dict[str, Figure]:
    base = f"/children/{child.pk}"

    def page() -> None:
        assert client.get(f"{base}/chronology").status_code == 200

    def export(fmt: str) -> Callable[[], None]:
        def run() -> None:
            response = client.post(
                f"{base}/export",
                {"format": fmt, "purpose": "benchmark run", "recipients": "nobody"},
            )
            assert response.status_code == 200 and len(response.content) > 100

        return run

    return {
        "chronology page 1 (50 rows)": _time(page, repeat * 4),
        "CSV export, every event": _time(export("csv"), repeat),
        "PDF export, every event": _time(export("pdf"), repeat),
    }


BUDGETS = {
    "chronology page 1 (50 rows)": 0.3,
    "CSV export, every event": 5.0,
    "PDF export, every event": 5.0,
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1,000 events instead of 5,000")
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    events = args.events or (1000 if args.quick else 5000)
    repeat = 2 if args.quick else 3
    old_name = connection.settings_dict["NAME"]
    user, team = _setup()
    started = time.perf_counter()
    big = _child(user, team, events, seed=1)
    load = time.perf_counter() - started
    small = _child(user, team, 50, seed=2)
    # As Django's test runner does: one connection for the whole run, so that the query counts
    # see every query (the request signals would otherwise close it after each request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; {events:,} events recorded in {load:.1f} s (one batch)")
    baseline = _measure(client, small, repeat)
    measured = _measure(client, big, repeat)
    head = "  wall    cpu   cold queries"
    print(f"{'':28} {'baseline: 50 events':>28}   {f'{events:,} events':>28}   ratio")
    print(f"{'':28} {head}   {head}   (wall)  target")
    for name, fig in measured.items():
        base, budget = baseline[name], BUDGETS[name]
        verdict = "met" if fig.wall < budget else "met on CPU" if fig.cpu < budget else "MISSED"
        print(
            f"{name:28} {_ms(base.wall)} {_ms(base.cpu)} {_ms(base.cold)} {base.queries:7}"
            f"   {_ms(fig.wall)} {_ms(fig.cpu)} {_ms(fig.cold)} {fig.queries:7}"
            f"   {fig.wall / base.wall:5.1f}x  < {budget * 1000:.0f} ms: {verdict}"
        )
    print("times in ms. wall: server time in-process; cpu: this process's CPU time (load-free)")
    sys.stdout.flush()
    connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
