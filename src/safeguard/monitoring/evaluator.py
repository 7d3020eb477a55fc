"""The queued evaluator: a long-lived process per shard that turns stored readings into
violations, incrementally (ADR 0112).

Each pass, in one transaction:
1. claims up to ``rows`` queued batches of its shard (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so a second process on the same shard takes other rows, never the same);
2. reads the readings those batches inserted (by id: one query for fixes, one for events);
3. feeds them to each subject's warm ``MonitorStream`` (built from the subject's stored
   history on first sight, or when its order changed), which re-runs only what late or
   out-of-order readings can affect;
4. for the subjects whose violations changed, upserts and withdraws rows exactly as the
   in-request path does (evaluation.record_found), under the same per-subject locks;
5. deletes the claimed queue rows.
A crash anywhere rolls all of it back: the queue rows stay and the next pass (or the restarted
process, cold) does the work again. Warm state touched by a failed pass is dropped.

Orders are compiled once and rebuilt when the orders stamp moves (a licence, condition or
address changed: evaluation_queue.bump_orders_version), when the day changes, and at the
latest every ``MONITORING_ORDERS_REFRESH_SECONDS`` (default 300) as a safety net.

A subject is judged up to its own latest reading (the in-request path judges a batch's
subjects up to the batch's latest reading); see ADR 0112 for what that means for no-signal.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from safeguard.licences.orders import monitoring_orders
from safeguard.monitoring.engine import Order, parse_orders
from safeguard.monitoring.engine import Violation as Found
from safeguard.monitoring.engine.stream import MonitorStream
from safeguard.monitoring.engine.timeparse import from_datetime
from safeguard.monitoring.evaluation import (
    EVENT_COLUMNS,
    FIX_COLUMNS,
    lock_subjects,
    readings_tables,
    record_found,
    tables,
)
from safeguard.monitoring.evaluation_queue import evaluator_shards, orders_version
from safeguard.monitoring.models import DeviceEvent, Fix, PendingEvaluation

logger = logging.getLogger(__name__)

# Ids per query when reading a pass's readings back.
_ID_CHUNK = 5_000
# The first key of the session advisory lock by which one process owns a shard.
_SHARD_LOCK_CLASS = 0x4556  # "EV"


class ShardTaken(RuntimeError):
    """Another evaluator process owns this shard (PostgreSQL); this one waits as a standby."""


@dataclass
class _Warm:
    """A subject's compiled order, its stream, and the violations last written for it."""

    fingerprint: str
    stream: MonitorStream
    written: list[Found] | None = None  # None: not yet compared with the stored rows


@dataclass
class PassResult:
    batches: int = 0
    fixes: int = 0
    events: int = 0
    subjects: int = 0
    changed_subjects: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    cold_loads: int = 0
    # Seconds from the oldest claimed batch being queued to this pass's commit.
    oldest_wait_s: float = 0.0
    subjects_seen: set[str] = field(default_factory=set)

    def add(self, other: PassResult) -> None:
        """Accumulate another pass's counts (the longest wait wins)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.oldest_wait_s = max(self.oldest_wait_s, other.oldest_wait_s)

    def line(self) -> str:
        return (
            f"{self.batches} batches, {self.fixes} fixes, {self.events} events, "
            f"{self.subjects} subject updates ({self.cold_loads} cold); violations "
            f"{self.created} created, {self.updated} updated, {self.withdrawn} withdrawn; "
            f"longest wait {self.oldest_wait_s:.1f} s"
        )


_COUNTS = (
    "batches",
    "fixes",
    "events",
    "subjects",
    "changed_subjects",
    "created",
    "updated",
    "withdrawn",
    "cold_loads",
)


class QueuedEvaluator:
    def __init__(self, *, shard: int = 0, rows: int = 4) -> None:
        # The servers split the queue by MONITORING_EVALUATOR_SHARDS: the same setting here.
        self.shards = evaluator_shards()
        if not 0 <= shard < self.shards:
            raise ValueError(f"shard must be in 0..{self.shards - 1}")
        self.shard = shard
        self.rows = rows
        self._orders: dict[str, tuple[str, Order]] = {}
        self._orders_key: tuple[int, date] | None = None
        self._orders_built_at = 0.0
        self._warm: dict[str, _Warm] = {}
        self._owned_on: object = None  # the database connection holding the shard lock

    def _own_shard(self) -> None:
        """Hold the shard for this process's life (PostgreSQL: a session advisory lock). Its
        warm streams are only right if every queued batch of its subjects comes through it;
        a second process on the same shard would each miss the other's readings."""
        if connection.vendor != "postgresql":
            return  # SQLite: one machine, one evaluator (the operator runs one)
        connection.ensure_connection()
        raw = connection.connection
        if raw is self._owned_on:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_SHARD_LOCK_CLASS, self.shard])
            row = cursor.fetchone()
        if not (row and row[0]):
            raise ShardTaken(f"shard {self.shard} is owned by another evaluator process")
        if self._owned_on is not None:
            # A new session: another process may have had the shard in between.
            self._warm.clear()
        self._owned_on = raw

    # ------------------------------------------------------------------ orders

    def _refresh_orders(self) -> None:
        key = (orders_version(), timezone.localdate())
        refresh = float(getattr(settings, "MONITORING_ORDERS_REFRESH_SECONDS", 300))
        stale = time.monotonic() - self._orders_built_at > refresh
        if key == self._orders_key and not stale:
            return
        documents = monitoring_orders(on=key[1]).orders
        parsed = parse_orders({"orders": documents})
        fingerprints = {
            str(d["subject"]): json.dumps(d, sort_keys=True, default=str) for d in documents
        }
        self._orders = {o.subject: (fingerprints[o.subject], o) for o in parsed}
        self._orders_key, self._orders_built_at = key, time.monotonic()
        # A subject whose order changed or ended starts cold (its history is re-read); the
        # others compare with the stored rows again at their next readings, so a row changed
        # by anything else (a request-mode server, a repair) is put right within a refresh.
        for subject in list(self._warm):
            current = self._orders.get(subject)
            if current is None or current[0] != self._warm[subject].fingerprint:
                del self._warm[subject]
            else:
                self._warm[subject].written = None

    # ------------------------------------------------------------------ a pass

    def run_once(self) -> PassResult:
        """Claim and evaluate one lot of queued batches; an empty result when none wait.
        Raises ShardTaken while another process owns the shard."""
        self._own_shard()
        self._refresh_orders()
        result = PassResult()
        try:
            with transaction.atomic():
                claimed = list(
                    PendingEvaluation.objects.select_for_update(skip_locked=True)
                    .filter(shard=self.shard)
                    .order_by("id")[: self.rows]
                )
                if not claimed:
                    return result
                self._evaluate(claimed, result)
                PendingEvaluation.objects.filter(pk__in=[c.pk for c in claimed]).delete()
        except Exception:
            # The transaction rolled back: the claimed batches stay queued, and the streams
            # that took their readings no longer match what is stored. Start those cold.
            for subject in result.subjects_seen:
                self._warm.pop(subject, None)
            raise
        oldest = min(c.created_at for c in claimed)
        result.oldest_wait_s = max(0.0, (timezone.now() - oldest).total_seconds())
        return result

    def _evaluate(self, claimed: list[PendingEvaluation], result: PassResult) -> None:
        result.batches = len(claimed)
        fix_rows = _rows_by_id(Fix, FIX_COLUMNS, [i for c in claimed for i in c.fix_ids])
        event_rows = _rows_by_id(
            DeviceEvent, EVENT_COLUMNS, [i for c in claimed for i in c.event_ids]
        )
        result.fixes, result.events = len(fix_rows), len(event_rows)
        fixes_of: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        events_of: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for row in fix_rows:
            fixes_of[row[0]].append(row)
        for row in event_rows:
            events_of[row[0]].append(row)
        subjects = sorted(
            s for s in set(fixes_of) | set(events_of) if s in self._orders
        )  # readings of a subject with no order in force are stored, not judged
        result.subjects = len(subjects)
        if not subjects:
            return
        # Locks first, then reads: each pass sees the rows the previous writer left.
        lock_subjects(subjects)
        changed_orders: list[Order] = []
        changed_found: list[Found] = []
        for subject in subjects:
            result.subjects_seen.add(subject)
            fingerprint, order = self._orders[subject]
            warm = self._warm.get(subject)
            if warm is None:
                # First sight (or a new order): the stream starts from the stored history,
                # which already holds this pass's readings.
                warm = _Warm(fingerprint, MonitorStream([order]))
                fixes, events = tables([order])
                warm.stream.add_fixes(fixes)
                warm.stream.add_events(events)
                self._warm[subject] = warm
                result.cold_loads += 1
            else:
                fixes, events = readings_tables(
                    [order], fixes_of.get(subject, []), events_of.get(subject, [])
                )
                warm.stream.add_fixes(fixes)
                warm.stream.add_events(events)
            found = warm.stream.violations()
            if found != warm.written:
                changed_orders.append(order)
                changed_found.extend(found)
                warm.written = found
        result.changed_subjects = len(changed_orders)
        if changed_orders:
            created, updated, withdrawn = record_found(changed_orders, changed_found)
            result.created, result.updated, result.withdrawn = created, updated, withdrawn

    # ------------------------------------------------------------------ the loop

    def run(
        self,
        stop: threading.Event,
        *,
        idle_sleep: float = 0.05,
        report: Callable[[PassResult], None] | None = None,
        report_every: float = 60.0,
    ) -> None:
        """Pass after pass until ``stop`` is set; sleeps ``idle_sleep`` when nothing waits,
        and a little longer after a failure (logged without personal data). ``report`` gets
        the totals every ``report_every`` seconds."""
        totals, since = PassResult(), time.monotonic()
        while not stop.is_set():
            try:
                result = self.run_once()
            except ShardTaken:
                stop.wait(1.0)  # a standby: takes over when the owner's session ends
                continue
            except Exception as exc:
                logger.error("monitoring evaluator pass failed: %s", type(exc).__name__)
                connection.close()  # a broken connection is replaced at the next query
                stop.wait(1.0)
                continue
            totals.add(result)
            if report is not None and time.monotonic() - since >= report_every:
                report(totals)
                totals, since = PassResult(), time.monotonic()
            if not result.batches:
                stop.wait(idle_sleep)


# PostgreSQL: the readings by id in one statement, times as exact integer microseconds
# (EXTRACT gives a numeric with all six decimals), skipping the ORM's per-row datetimes.
_FIXES_BY_ID = (
    "SELECT subject, seq, (EXTRACT(EPOCH FROM recorded_at) * 1000000)::bigint, lat, lon, "
    "accuracy_m FROM monitoring_fix WHERE id = ANY(%s)"
)
_EVENTS_BY_ID = (
    "SELECT subject, seq, (EXTRACT(EPOCH FROM recorded_at) * 1000000)::bigint, kind "
    "FROM monitoring_deviceevent WHERE id = ANY(%s)"
)


def _rows_by_id(
    model: type[Fix] | type[DeviceEvent], columns: tuple[str, ...], ids: list[int]
) -> list[tuple[Any, ...]]:
    """Rows (``columns``; the time as integer microseconds) of these ids."""
    if not ids:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FIXES_BY_ID if model is Fix else _EVENTS_BY_ID, [ids])
            return list(cursor.fetchall())
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), _ID_CHUNK):
        part = ids[start : start + _ID_CHUNK]
        for row in model.objects.filter(pk__in=part).values_list(*columns):
            rows.append((row[0], row[1], from_datetime(row[2]), *row[3:]))
    return rows


def queue_depth(shard: int | None = None) -> tuple[int, float]:
    """(queued batches, age in seconds of the oldest) for one shard or all."""
    query = PendingEvaluation.objects.all()
    if shard is not None:
        query = query.filter(shard=shard)
    oldest = query.order_by("id").values_list("created_at", flat=True).first()
    age = 0.0 if oldest is None else (timezone.now() - oldest).total_seconds()
    return query.count(), max(0.0, age)
