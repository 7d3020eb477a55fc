"""Benchmark: tag fixes posted over HTTP to the real app, stored in PostgreSQL and evaluated.

    .venv/bin/python benchmarks/monitoring_ingest.py                  # all three runs
    .venv/bin/python benchmarks/monitoring_ingest.py --configs national --seconds 60

Setup (reused on later runs): the PostgreSQL database ``--database-url`` (created if missing,
default ``postgres://postgres@127.0.0.1:5432/h_monitoring_bench``) is migrated and gets the
demo county (its ~160 monitoring orders), plus a feed service account.

Three runs side by side, each from a clean slate of the feed subjects' readings and
violations (ADR 0112):
- ``national``: the deployment for national volume, fed at the target pace (``--rate``,
  default 20 000 fixes/s) to measure fix-to-violation latency there. gunicorn (``--workers``
  processes x ``--threads`` threads, ``--preload``), ``MONITORING_EVALUATION=queue``: each
  request stores its batch (one INSERT ... SELECT FROM unnest ... ON CONFLICT DO NOTHING),
  queues it in the same transaction and answers; ``--evaluators`` separate
  ``safeguard monitor evaluator`` processes (one per shard) turn the queue into violations
  with warm per-subject streams.
- ``national-max``: the same servers fed as fast as they answer: the most it sustains (with
  the evaluator falling behind a little, so latency there is not the figure to quote).
- ``pilot``: the default settings, as fast as it answers (the baseline). The standard
  library's threaded ``wsgiref`` server, one process, ``MONITORING_EVALUATION=request``: each
  request stores its batch, then re-evaluates the touched subjects over their whole stored
  history before answering.

The load generator (this process, on the same 2-core machine) first builds every request body
(``--days`` of fixes: every subject one fix a minute, at home; ``--planted`` zone entries,
three minutes inside an always-active exclusion zone at random minutes). Each of the
``--clients`` threads sends its own share of the subjects, in time order. A warm-up, not
timed, posts each client's first batch and waits for its evaluation (so workers have imported
their views and evaluators have read their subjects' history, as in a running service); then
the clients post the rest. Figures per run:
- sustained fixes/s (accepted fixes over wall time, 429s retried after their Retry-After);
- batch latency p50/p99;
- fix-to-violation p50/p90/p99/max: from the start of the request that carried the confirming
  fix of a planted entry to when a poller in this process first sees the violation row (20 ms
  polls); an entry never seen counts as infinitely late;
- in-process baselines on the same database: row-by-row ``Fix.objects.create`` and the ingest
  service called directly (``store_batch``, no HTTP, no evaluation).
Then the ratios. Nothing is asserted; timings are of this shared 2-core machine as it is.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/h_monitoring_bench"


# ---------------------------------------------------------------- the server process


def serve(port: int) -> None:
    """Run the app under a threaded wsgiref server until killed."""
    import logging
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    from django.core.wsgi import get_wsgi_application

    logging.disable(logging.WARNING)

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 64

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=Quiet
    )
    httpd.serve_forever()


# ---------------------------------------------------------------- setup


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # name from our own option


@dataclass
class Subject:
    id: str
    home: tuple[float, float]
    inside: tuple[float, float] | None  # a point in an always-active exclusion zone


def setup() -> tuple[str, list[Subject]]:
    """Migrate, make the demo county once, and answer (feed token, subjects with orders)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    django.setup()
    import shapely
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from safeguard.accounts.models import Agency, User
    from safeguard.accounts.roles import AgencyKind, Role
    from safeguard.accounts.services import token_create
    from safeguard.demo.county import county_generate
    from safeguard.licences.orders import monitoring_orders
    from safeguard.people.models import PersonAddress

    call_command("migrate", interactive=False, verbosity=0)
    county_generate(seed=2007)
    agency = Agency.objects.filter(kind=AgencyKind.PROBATION).first()
    feed = User.objects.filter(username="bench-em-feed").first()
    if feed is None:
        feed = User.objects.create(
            username="bench-em-feed", role=Role.PRACTITIONER, agency=agency, is_service_account=True
        )
    with transaction.atomic():
        token = token_create(actor=None, user=feed, name="ingest benchmark")
    orders = monitoring_orders(on=timezone.localdate()).orders
    homes = {
        str(a.person_id): (float(a.latitude), float(a.longitude))
        for a in PersonAddress.objects.filter(
            person_id__in=[o["subject"] for o in orders],
            valid_to__isnull=True,
            latitude__isnull=False,
        )
    }
    subjects = []
    for order in orders:
        sid = str(order["subject"])
        curfews = order.get("curfews") or []
        if curfews:
            home = (curfews[0]["address"]["lat"], curfews[0]["address"]["lon"])
        else:
            home = homes.get(sid, (53.05, -1.45))
        inside = None
        for zone in order.get("zones") or []:
            if zone["kind"] == "exclusion" and not zone.get("schedule"):
                point = shapely.geometry.shape(zone["geometry"]).representative_point()
                inside = (point.y, point.x)
                break
        subjects.append(Subject(sid, home, inside))
    return token, subjects


# ---------------------------------------------------------------- the load


@dataclass
class Batch:
    body: bytes
    fixes: int
    # planted entries whose confirming fix this batch carries: (subject, entry minute)
    confirms: list[tuple[str, int]]


def build_batches(
    subjects: list[Subject], size: int, base: datetime, minutes: int, planted: set[tuple[str, int]]
) -> list[Batch]:
    """Every request body, minute by minute: each subject one fix a minute at home, and three
    minutes inside its zone from each planted (subject, minute)."""
    inside_at: dict[tuple[str, int], tuple[float, float]] = {}
    for subject in subjects:
        for sid, minute in planted:
            if sid == subject.id and subject.inside:
                for k in range(3):
                    inside_at[(sid, minute + k)] = subject.inside
    rng = random.Random(11)
    batches: list[Batch] = []
    items: list[dict[str, Any]] = []
    confirms: list[tuple[str, int]] = []
    for minute in range(minutes):
        when = (base + timedelta(minutes=minute)).isoformat()
        for subject in subjects:
            lat, lon = inside_at.get((subject.id, minute), subject.home)
            if (subject.id, minute - 1) in planted:
                confirms.append((subject.id, minute - 1))  # the second fix inside confirms
            items.append(
                {
                    "subject": subject.id,
                    "seq": minute + 1,
                    "recorded_at": when,
                    "lat": round(lat + rng.gauss(0, 3e-5), 6),
                    "lon": round(lon + rng.gauss(0, 5e-5), 6),
                    "accuracy_m": 12.0,
                }
            )
            if len(items) == size:
                batches.append(Batch(json.dumps(items).encode(), len(items), confirms))
                items, confirms = [], []
    if items:
        batches.append(Batch(json.dumps(items).encode(), len(items), confirms))
    return batches


@dataclass
class Stats:
    accepted: int = 0
    refused_429: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    confirm_sent: dict[tuple[str, int], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(
    port: int,
    token: str,
    queue: list[Batch],
    stats: Stats,
    deadline: float,
    lock: threading.Lock,
    rate: float = 0.0,
) -> None:
    """Post the batches in order; with ``rate`` (fixes/s for this client), batch k is not sent
    before its time on that schedule (a paced feed), else as fast as answers come."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    began, sent = time.monotonic(), 0
    while time.monotonic() < deadline:
        with lock:
            if not queue:
                break
            batch = queue.pop(0)
        if rate > 0:
            due = began + sent / rate
            if due > deadline:
                break
            time.sleep(max(0.0, due - time.monotonic()))
        sent += batch.fixes
        while True:
            started = time.monotonic()
            with stats.lock:
                for entry in batch.confirms:
                    stats.confirm_sent.setdefault(entry, time.time())
            try:
                conn.request(
                    "POST",
                    "/api/v1/monitoring/fixes",
                    batch.body,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with stats.lock:
                    stats.errors += 1
                time.sleep(0.5)
                continue
            if response.status == 429:
                with stats.lock:
                    stats.refused_429 += 1
                time.sleep(float(response.getheader("Retry-After", "1")))
                continue
            elapsed = time.monotonic() - started
            with stats.lock:
                stats.latencies.append(elapsed)
                if response.status == 200:
                    stats.accepted += json.loads(payload)["accepted"]
                else:
                    stats.errors += 1
            break
    conn.close()


def poll_violations(
    planted: set[tuple[str, int]],
    base: datetime,
    seen: dict[tuple[str, int], float],
    stop: threading.Event,
) -> None:
    """Note when each planted entry's violation row first appears (matched by its start)."""
    from django.db import connection

    from safeguard.monitoring.models import Violation

    subjects = {s for s, _ in planted}
    since = datetime.now(UTC)
    while not stop.is_set() and len(seen) < len(planted):
        rows = Violation.objects.filter(
            subject__in=subjects, kind="exclusion_entry", first_seen_at__gte=since
        ).values_list("subject", "started_at")
        now = time.time()
        for subject, started in rows:
            minute = round((started - base).total_seconds() / 60)
            if (subject, minute) in planted:
                seen.setdefault((subject, minute), now)
        time.sleep(0.02)
    connection.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------- baselines


def baselines(subjects: list[Subject], n: int) -> tuple[float, float]:
    """(row-by-row ORM fixes/s, store_batch fixes/s) on the same database, rolled back."""
    from django.db import transaction

    from safeguard.monitoring.ingest import store_batch
    from safeguard.monitoring.models import Fix
    from safeguard.monitoring.readings import parse_items

    base = datetime.fromisoformat("2020-01-01T00:00:00+00:00")
    items = [
        {
            "subject": subjects[k % len(subjects)].id,
            "seq": 10_000_000 + k,
            "recorded_at": (base + timedelta(minutes=k)).isoformat(),
            "lat": 53.05,
            "lon": -1.45,
            "accuracy_m": 10.0,
        }
        for k in range(n)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        for item in items:
            Fix.objects.create(
                subject=str(item["subject"]),
                seq=int(str(item["seq"])),
                recorded_at=datetime.fromisoformat(str(item["recorded_at"])),
                lat=float(str(item["lat"])),
                lon=float(str(item["lon"])),
                accuracy_m=float(str(item["accuracy_m"])),
            )
        naive = n / (time.perf_counter() - started)
        transaction.set_rollback(True)
    started = time.perf_counter()
    with transaction.atomic():
        store_batch(actor=None, parsed=parse_items(items, events=False), events=False)
        direct = n / (time.perf_counter() - started)
        transaction.set_rollback(True)
    return naive, direct


# ---------------------------------------------------------------- main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Outcome:
    name: str
    rate: float
    p50: float
    p99: float
    delays: list[float]
    planted_sent: int
    refused_429: int
    errors: int
    drain_s: float


def start_servers(
    config: str, port: int, args: argparse.Namespace
) -> list[subprocess.Popen[bytes]]:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    if config == "pilot":  # national-max: the national servers, unpaced
        env["SAFEGUARD_MONITORING_EVALUATION"] = "request"
        return [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--serve",
                    str(port),
                    "--database-url",
                    args.database_url,
                ],
                env=env,
            )
        ]
    env.update(
        SAFEGUARD_MONITORING_EVALUATION="queue",
        SAFEGUARD_MONITORING_EVALUATOR_SHARDS=str(args.evaluators),
        SAFEGUARD_DB_CONN_MAX_AGE="600",
    )
    processes = [
        subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.threads),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
                "safeguard.site.wsgi:application",
            ],
            env=env,
        )
    ]
    for shard in range(args.evaluators):
        processes.append(
            subprocess.Popen(
                [
                    str(bin_dir / "safeguard"),
                    "monitor",
                    "evaluator",
                    "--shard",
                    str(shard),
                    "--report-every",
                    str(args.report_every),
                ],
                env=env,
            )
        )
    return processes


def run_config(
    config: str, args: argparse.Namespace, token: str, subjects: list[Subject]
) -> Outcome:
    from django.db import connection
    from django.utils import timezone

    from safeguard.monitoring.models import DeviceEvent, Fix, PendingEvaluation, Violation
    from safeguard.recall.models import BreachEvidence

    # A clean slate of readings, queue and violations for the feed's subjects each run (the
    # demo feed's recent device events too: they would put each subject's horizon at today
    # and every backfilled fix would move an open no-signal gap). Violations cited as breach
    # evidence (the demo's recall cases) are protected and stay.
    ids = [s.id for s in subjects]
    Fix.objects.filter(subject__in=ids).delete()
    DeviceEvent.objects.filter(subject__in=ids).delete()
    PendingEvaluation.objects.all().delete()
    Violation.objects.filter(subject__in=ids).exclude(
        pk__in=BreachEvidence.objects.filter(violation__isnull=False).values("violation")
    ).delete()
    minutes = int(args.days * 1440)
    rng = random.Random(7)
    with_zone = [s for s in subjects if s.inside]
    planted: set[tuple[str, int]] = set()
    while with_zone and len(planted) < args.planted:
        # Entries spread over the run, at least 10 minutes apart for one subject.
        subject, minute = rng.choice(with_zone), rng.randint(30, minutes - 30)
        if all(s != subject.id or abs(m - minute) > 10 for s, m in planted):
            planted.add((subject.id, minute))
    base = (timezone.now() - timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    print(f"[{config}] building {minutes * len(subjects):,} fixes ...", flush=True)
    # One stream of batches per client, each for its own share of the subjects in time order:
    # like a supplier spreading its devices over connections. (Consecutive stretches of time
    # sent concurrently for the same subjects would arrive out of order, and every subject
    # would show a no-signal gap until the earlier batch landed: correct, but not this test.)
    streams = [
        build_batches(subjects[k :: args.clients], args.batch, base, minutes, planted)
        for k in range(args.clients)
    ]
    connection.close()
    port = free_port()
    servers = start_servers(config, port, args)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Warm-up, not timed: the first minute of fixes (every worker imports its views, each
        # evaluator reads its subjects' history once), then empty batches to every thread.
        warm = Stats()
        client(port, token, [b[0] for b in streams], warm, time.monotonic() + 60, threading.Lock())
        warm_ups = [
            threading.Thread(
                target=client,
                args=(
                    port,
                    token,
                    [Batch(b"[]", 0, [])],
                    warm,
                    time.monotonic() + 60,
                    threading.Lock(),
                ),
            )
            for _ in range(args.workers * args.threads * 2)
        ]
        for t in warm_ups:
            t.start()
        for t in warm_ups:
            t.join()
        waited = time.monotonic()
        while time.monotonic() - waited < 60 and PendingEvaluation.objects.exists():
            time.sleep(0.1)
        stats = Stats()
        seen: dict[tuple[str, int], float] = {}
        stop = threading.Event()
        poller = threading.Thread(target=poll_violations, args=(planted, base, seen, stop))
        poller.start()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=client,
                args=(
                    port,
                    token,
                    stream[1:],
                    stats,
                    deadline,
                    threading.Lock(),
                    (args.rate if config == "national" else 0.0) / args.clients,
                ),
            )
            for stream in streams
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        # Let the evaluators drain what was acknowledged (bounded).
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < 60 and PendingEvaluation.objects.exists():
            time.sleep(0.1)
        drain = time.monotonic() - drain_started
        sent = {e for e in planted if e in stats.confirm_sent}
        waited = time.monotonic()
        while time.monotonic() - waited < 5 and not sent <= set(seen):
            time.sleep(0.05)
        stop.set()
        poller.join()
        connection.close()
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    delays = [seen[e] - stats.confirm_sent[e] for e in sent if e in seen]
    missing = len(sent) - len(delays)
    # A planted entry never seen counts as infinitely late, never as absent.
    delays += [float("inf")] * missing
    return Outcome(
        config,
        stats.accepted / wall,
        percentile(stats.latencies, 50),
        percentile(stats.latencies, 99),
        delays,
        len(sent),
        stats.refused_429,
        stats.errors,
        drain,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--configs",
        default="national,national-max,pilot",
        help="comma-separated: national (paced at --rate), national-max (unpaced), pilot",
    )
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--days", type=float, default=3, help="days of fixes built up front")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--rate",
        type=float,
        default=20_000,
        help="the national configuration's pace in fixes/s, all clients together",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (national)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn process")
    parser.add_argument("--evaluators", type=int, default=1, help="evaluator shards (national)")
    parser.add_argument("--planted", type=int, default=80)
    parser.add_argument(
        "--report-every", type=float, default=600, help="evaluator totals line interval (s)"
    )
    parser.add_argument("--baseline-fixes", type=int, default=3000)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("SAFEGUARD_DATA_DIR", "/tmp/data_monitoring_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    Path(os.environ["SAFEGUARD_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if args.serve:
        serve(args.serve)
        return
    ensure_database(args.database_url)
    print("setting up (migrate, demo county once) ...", flush=True)
    token, subjects = setup()
    outcomes = [
        run_config(config.strip(), args, token, subjects)
        for config in args.configs.split(",")
        if config.strip()
    ]
    print(
        f"subjects with orders: {len(subjects)}; clients: {args.clients}; batch: {args.batch}; "
        f"national: gunicorn {args.workers} x {args.threads} threads, "
        f"{args.evaluators} evaluator(s)"
    )
    for o in outcomes:
        print(
            f"{o.name:9} {o.rate:>9,.0f} fixes/s sustained; batch p50 {o.p50:.2f} s, "
            f"p99 {o.p99:.2f} s; fix-to-violation ({len(o.delays)} of {o.planted_sent} "
            f"planted entries) p50 {percentile(o.delays, 50):.2f} s, "
            f"p90 {percentile(o.delays, 90):.2f} s, p99 {percentile(o.delays, 99):.2f} s, "
            f"max {max(o.delays, default=float('nan')):.2f} s; queue drained "
            f"{o.drain_s:.1f} s after the load; 429s {o.refused_429}, errors {o.errors}"
        )
    naive, direct = baselines(subjects, args.baseline_fixes)
    print(f"baseline row-by-row ORM insert: {naive:,.0f} fixes/s")
    print(f"baseline store_batch in process (no HTTP, no evaluation): {direct:,.0f} fixes/s")
    by_name = {o.name: o for o in outcomes}
    for o in outcomes:
        print(f"ratio {o.name} HTTP ingest / row-by-row ORM: {o.rate / naive:.1f}x")
        print(f"ratio {o.name} HTTP ingest / in-process store_batch: {o.rate / direct:.2f}x")
    fastest = by_name.get("national-max") or by_name.get("national")
    if fastest is not None and "pilot" in by_name:
        pilot = by_name["pilot"]
        print(f"ratio {fastest.name} / pilot fixes/s: {fastest.rate / pilot.rate:.1f}x")
    if "national" in by_name and "pilot" in by_name:
        paced, pilot = by_name["national"], by_name["pilot"]
        print(
            "ratio pilot / national fix-to-violation p99: "
            f"{percentile(pilot.delays, 99) / percentile(paced.delays, 99):.1f}x"
        )
    print("targets: >= 20,000 fixes/s sustained, fix-to-violation p99 < 2 s")


if __name__ == "__main__":
    main()
