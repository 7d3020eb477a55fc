"""Benchmark: tag fixes posted over HTTP to the real app, stored in PostgreSQL and evaluated.

    .venv/bin/python benchmarks/monitoring_ingest.py                 # 30 s of load
    .venv/bin/python benchmarks/monitoring_ingest.py --seconds 60 --batch 5000 --clients 4

Setup (reused on later runs): the PostgreSQL database ``--database-url`` (created if missing,
default ``postgres://postgres@127.0.0.1:5432/h_monitoring_bench``) is migrated and gets the
demo county (its ~160 monitoring orders), plus a feed service account. The server is a
separate process: Django's WSGI application under the standard library's threaded
``wsgiref`` server (gunicorn/uvicorn are not installed and no dependency may be added; a
thread per request, like ``runserver --nothreading`` off). Every request therefore runs the
whole ingest path: parse, insert-or-ignore in one transaction with its audit entry, then the
synchronous re-evaluation of the touched subjects (their current orders and stored history)
before the answer.

The load generator (this process) runs ``--clients`` threads on the same machine, each posting
JSON batches of ``--batch`` fixes: every subject one fix a minute from 24 hours ago, minute by
minute, at home; ``--planted`` subjects with an always-active exclusion zone walk into it for
three minutes at a random minute. Figures:

- sustained fixes/s (accepted fixes over wall time, 429s retried after their Retry-After);
- batch latency p50/p99;
- fix-to-violation p99: from the start of the request that carried the confirming fix of a
  planted entry to when a poller in this process first sees the violation row;
- baselines in this process on the same database: row-by-row ``Fix.objects.create`` (the naive
  ORM insert) and the ingest service called directly (``store_batch``, no HTTP, no
  evaluation), with ratios.

Nothing is asserted; timings are of this shared 2-core machine as it is.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
    cache = float(os.environ.get("BENCH_ORDERS_CACHE_SECONDS", "0"))
    if cache:
        from django.conf import settings

        settings.MONITORING_ORDERS_CACHE_SECONDS = cache

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
class Load:
    subjects: list[Subject]
    batch: int
    base: datetime
    planted: dict[str, int]  # subject -> minute of the zone entry
    minutes: int = 1440
    cursor: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (subject, seq) of each planted confirming fix -> when its request started
    confirm_sent: dict[str, float] = field(default_factory=dict)

    def next_batch(self) -> list[dict[str, Any]] | None:
        with self.lock:
            total = self.minutes * len(self.subjects)
            if self.cursor >= total:
                return None
            start, self.cursor = self.cursor, min(self.cursor + self.batch, total)
        items = []
        rng = random.Random(start)
        for k in range(start, self.cursor):
            minute, index = divmod(k, len(self.subjects))
            subject = self.subjects[index]
            lat, lon = subject.home
            entry = self.planted.get(subject.id)
            if entry is not None and entry <= minute < entry + 3 and subject.inside:
                lat, lon = subject.inside
            items.append(
                {
                    "subject": subject.id,
                    "seq": minute + 1,
                    "recorded_at": (self.base + timedelta(minutes=minute)).isoformat(),
                    "lat": round(lat + rng.gauss(0, 3e-5), 6),
                    "lon": round(lon + rng.gauss(0, 5e-5), 6),
                    "accuracy_m": 12.0,
                }
            )
        return items


@dataclass
class Stats:
    accepted: int = 0
    refused_429: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(port: int, token: str, load: Load, stats: Stats, deadline: float) -> None:
    while time.monotonic() < deadline:
        items = load.next_batch()
        if items is None:
            return
        confirming = [
            i["subject"]
            for i in items
            if i["subject"] in load.planted and i["seq"] == load.planted[i["subject"]] + 2
        ]
        body = json.dumps(items).encode()
        while True:
            started = time.monotonic()
            for subject in confirming:
                load.confirm_sent.setdefault(subject, time.time())
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                conn.request(
                    "POST",
                    "/api/v1/monitoring/fixes",
                    body,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                payload = response.read()
            except OSError:
                with stats.lock:
                    stats.errors += 1
                time.sleep(0.5)
                continue
            finally:
                conn.close()
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


def poll_violations(load: Load, seen: dict[str, float], stop: threading.Event) -> None:
    from django.db import connection

    from safeguard.monitoring.models import Violation

    wanted = set(load.planted)
    while not stop.is_set() and len(seen) < len(wanted):
        rows = Violation.objects.filter(subject__in=wanted - set(seen), kind="exclusion_entry")
        now = time.time()
        for subject in rows.values_list("subject", flat=True):
            seen.setdefault(subject, now)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--planted", type=int, default=10)
    parser.add_argument("--baseline-fixes", type=int, default=3000)
    parser.add_argument(
        "--orders-cache",
        type=float,
        default=0,
        help="MONITORING_ORDERS_CACHE_SECONDS for the server (default 0: the app's default)",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("SAFEGUARD_DATA_DIR", "/tmp/data_monitoring_bench")
    Path(os.environ["SAFEGUARD_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if args.serve:
        serve(args.serve)
        return
    ensure_database(args.database_url)
    print("setting up (migrate, demo county once) ...", flush=True)
    token, subjects = setup()
    from django.db import connection
    from django.utils import timezone

    from safeguard.monitoring.models import Fix, Violation

    # A clean slate of readings and violations for the feed's subjects each run.
    ids = [s.id for s in subjects]
    Fix.objects.filter(subject__in=ids).delete()
    Violation.objects.filter(subject__in=ids).delete()
    connection.close()
    rng = random.Random(7)
    with_zone = [s for s in subjects if s.inside]
    planted = {
        s.id: rng.randint(60, 600) for s in rng.sample(with_zone, min(args.planted, len(with_zone)))
    }
    base = (timezone.now() - timedelta(hours=24)).replace(second=0, microsecond=0)
    load = Load(subjects, args.batch, base, planted)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--database-url", args.database_url],
        env={**os.environ, "BENCH_ORDERS_CACHE_SECONDS": str(args.orders_cache)},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        stats = Stats()
        seen: dict[str, float] = {}
        stop = threading.Event()
        poller = threading.Thread(target=poll_violations, args=(load, seen, stop))
        poller.start()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, token, load, stats, deadline))
            for _ in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        time.sleep(0.5)
        stop.set()
        poller.join()
    finally:
        server.kill()
        server.wait()
    rate = stats.accepted / wall
    delays = [seen[s] - load.confirm_sent[s] for s in seen if s in load.confirm_sent]
    sent = [s for s in planted if s in load.confirm_sent]
    print(
        f"subjects with orders: {len(subjects)}; clients: {args.clients}; batch: {args.batch}; "
        f"orders cache: {args.orders_cache:g} s"
    )
    print(f"accepted fixes: {stats.accepted:,} in {wall:.1f} s -> {rate:,.0f} fixes/s sustained")
    print(
        f"batch latency p50 {percentile(stats.latencies, 50):.2f} s, "
        f"p99 {percentile(stats.latencies, 99):.2f} s; 429s {stats.refused_429}, "
        f"errors {stats.errors}"
    )
    print(
        f"fix-to-violation: {len(delays)} of {len(sent)} planted entries sent were seen; "
        f"p50 {percentile(delays, 50):.2f} s, p99 {percentile(delays, 99):.2f} s"
    )
    naive, direct = baselines(subjects, args.baseline_fixes)
    print(f"baseline row-by-row ORM insert: {naive:,.0f} fixes/s")
    print(f"baseline store_batch in process (no HTTP, no evaluation): {direct:,.0f} fixes/s")
    print(f"ratio HTTP ingest / row-by-row ORM: {rate / naive:.1f}x")
    print(f"ratio HTTP ingest / in-process store_batch: {rate / direct:.2f}x")
    print("targets: >= 20,000 fixes/s sustained, fix-to-violation p99 < 2 s")


if __name__ == "__main__":
    main()
