"""Re-evaluating subjects after a batch: the engine over their stored readings and current
order, the violations upserted by the engine's key (idempotent: the same readings give the
same rows, whatever the batches were).

The order is the one the licences app builds for today (``monitoring_orders``), so a subject
is judged by the conditions in force now, over the stretch of days the order covers.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences.orders import monitoring_orders
from safeguard.monitoring.engine import (
    EVENT_KINDS,
    RULE_VERSION,
    EventTable,
    FixTable,
    Order,
    evaluate,
    parse_orders,
)
from safeguard.monitoring.engine import Violation as Found
from safeguard.monitoring.engine.timeparse import from_datetime, to_datetime
from safeguard.monitoring.models import (
    KIND_SEVERITY,
    DeviceEvent,
    Fix,
    Violation,
    ViolationState,
)
from safeguard.monitoring.notify import notify_opened
from safeguard.people.models import Person

# The first key of the two-key advisory locks that serialise re-evaluation per subject.
_SUBJECT_LOCK_CLASS = 0x454D  # "EM"


_orders_cache: dict[date, tuple[float, list[Order]]] = {}
_orders_lock = threading.Lock()


def _all_orders(on: date) -> list[Order]:
    """Every order in force on ``on``, parsed. Built afresh each call unless
    ``MONITORING_ORDERS_CACHE_SECONDS`` (default 0: off) allows reusing a build that young in
    this process (ADR 0111: a licence change then reaches the engine within that many
    seconds)."""
    ttl = float(getattr(settings, "MONITORING_ORDERS_CACHE_SECONDS", 0) or 0)
    now = time.monotonic()
    if ttl > 0:
        with _orders_lock:
            cached = _orders_cache.get(on)
            if cached is not None and now - cached[0] < ttl:
                return cached[1]
    orders = parse_orders({"orders": monitoring_orders(on=on).orders})
    if ttl > 0:
        with _orders_lock:
            _orders_cache.clear()
            _orders_cache[on] = (now, orders)
    return orders


def orders_for(subjects: Iterable[str], *, on: date | None = None) -> list[Order]:
    wanted = set(subjects)
    return [o for o in _all_orders(on or timezone.localdate()) if o.subject in wanted]


def lock_subjects(subjects: Iterable[str]) -> None:
    """Serialise re-evaluations of the same subjects (PostgreSQL; SQLite serialises writers
    at BEGIN IMMEDIATE): without it two batches for one subject can both insert the same new
    violation and one fails on the key."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({zlib.crc32(s.encode()) - 2**31 for s in subjects})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM "
            "(SELECT unnest(%s::int[]) AS k ORDER BY 1) AS keys",
            [_SUBJECT_LOCK_CLASS, keys],
        )


def _earliest(orders: list[Order]) -> Any:
    starts = [o.starts for o in orders if o.starts is not None]
    return to_datetime(min(starts)) if len(starts) == len(orders) else None


def _in_period(t: Any, order: Order) -> Any:
    keep = np.ones(len(t), bool)
    if order.starts is not None:
        keep &= t >= order.starts
    if order.ends is not None:
        keep &= t < order.ends
    return keep


def tables(orders: list[Order]) -> tuple[FixTable, EventTable]:
    """The stored readings of each order's subject within its period, as engine tables (one
    query for the fixes and one for the events of all the orders)."""
    if not orders:
        return FixTable.empty(), EventTable.empty()
    subjects = [o.subject for o in orders]
    earliest = _earliest(orders)
    fix_query = Fix.objects.filter(subject__in=subjects)
    event_query = DeviceEvent.objects.filter(subject__in=subjects)
    if earliest is not None:
        fix_query = fix_query.filter(recorded_at__gte=earliest)
        event_query = event_query.filter(recorded_at__gte=earliest)
    return readings_tables(
        orders,
        list(fix_query.values_list(*FIX_COLUMNS)),
        list(event_query.values_list(*EVENT_COLUMNS)),
    )


# The columns ``readings_tables`` expects, in order.
FIX_COLUMNS = ("subject", "seq", "recorded_at", "lat", "lon", "accuracy_m")
EVENT_COLUMNS = ("subject", "seq", "recorded_at", "kind")


def readings_tables(
    orders: list[Order], fixes: list[tuple[Any, ...]], events: list[tuple[Any, ...]]
) -> tuple[FixTable, EventTable]:
    """Stored rows (``FIX_COLUMNS`` / ``EVENT_COLUMNS``) of the orders' subjects as engine
    tables: ``subject`` indexes ``orders``, a blank accuracy becomes the order's default, and
    readings outside their order's period are left out. ``recorded_at`` may be an aware
    datetime or already integer microseconds since the epoch (evaluator.py reads those)."""
    index_of = {o.subject: i for i, o in enumerate(orders)}
    defaults = np.array([o.settings.default_accuracy_m for o in orders], np.float64)
    fix_subject = np.array([index_of[r[0]] for r in fixes], np.int32)
    fix_t = np.array([_micros(r[2]) for r in fixes], np.int64)
    accuracy = np.array([np.nan if r[5] is None else r[5] for r in fixes], np.float64)
    accuracy = np.where(np.isnan(accuracy), defaults[fix_subject], accuracy)
    keep = _keep(orders, fix_subject, fix_t)
    fix_table = FixTable(
        fix_subject[keep],
        np.array([r[1] for r in fixes], np.int64)[keep],
        fix_t[keep],
        np.array([r[3] for r in fixes], np.float64)[keep],
        np.array([r[4] for r in fixes], np.float64)[keep],
        accuracy[keep],
        np.zeros(int(keep.sum()), np.int64),
    )
    event_subject = np.array([index_of[r[0]] for r in events], np.int32)
    event_t = np.array([_micros(r[2]) for r in events], np.int64)
    keep = _keep(orders, event_subject, event_t)
    event_table = EventTable(
        event_subject[keep],
        np.array([r[1] for r in events], np.int64)[keep],
        event_t[keep],
        np.array([EVENT_KINDS.index(r[3]) for r in events], np.int8)[keep],
        np.zeros(int(keep.sum()), np.int64),
    )
    return fix_table, event_table


def _micros(value: Any) -> int:
    return value if isinstance(value, int) else from_datetime(value)


def _keep(orders: list[Order], subject: Any, t: Any) -> Any:
    """Which readings fall in their own order's period."""
    keep = np.zeros(len(t), bool)
    for index, order in enumerate(orders):
        mine = subject == index
        if mine.any():
            keep[mine] = _in_period(t[mine], order)
    return keep


def _key(found: Found) -> tuple[str, str, str, int, Any]:
    curfew = -1 if found.curfew is None else found.curfew
    return (found.subject, found.kind, found.zone or "", curfew, to_datetime(found.started_at))


def withdraw(orders: list[Order], found: list[Found]) -> int:
    """Rows in the evaluated orders' periods that the engine no longer reports (late readings
    moved a start, say): open ones are deleted, worked or cited ones kept and marked superseded."""
    reported = {_key(v) for v in found}
    by_subject = {o.subject: o for o in orders}
    withdrawn = 0
    rows = Violation.objects.filter(subject__in=list(by_subject), superseded=False)
    for row in rows:
        order = by_subject[row.subject]
        started = from_datetime(row.started_at)
        if (order.starts is not None and started < order.starts) or (
            order.ends is not None and started >= order.ends
        ):
            continue
        key = (row.subject, row.kind, row.zone, row.curfew, row.started_at)
        if key in reported:
            continue
        if row.state == ViolationState.OPEN and _deleted(row):
            withdrawn += 1
            continue
        row.superseded = True
        row.save(update_fields=["superseded", "updated_at"])
        withdrawn += 1
    return withdrawn


def _deleted(row: Violation) -> bool:
    """Delete an open row nobody has worked, unless something refers to it (a breach case
    cites it as evidence, say): such a row is kept, marked superseded, like a worked one."""
    try:
        row.delete()
    except ProtectedError:
        return False
    return True


def upsert(found: list[Found], opened: list[Violation] | None = None) -> tuple[int, int]:
    """Create or update a row per engine violation; answers (created, updated). New rows are
    appended to ``opened`` when given."""
    created = updated = 0
    people = {
        str(pk): pk
        for pk in Person.objects.filter(pk__in={v.subject for v in found}).values_list(
            "pk", flat=True
        )
    }
    existing = {
        (row.subject, row.kind, row.zone, row.curfew, row.started_at): row
        for row in Violation.objects.filter(subject__in={v.subject for v in found})
    }
    for item in found:
        subject, kind, zone, curfew, started = _key(item)
        values = {
            "ended_at": None if item.ended_at is None else to_datetime(item.ended_at),
            "rule_version": RULE_VERSION,
            "settings": item.settings.to_json(),
            "evidence": {"start_seq": item.start_seq, "end_seq": item.end_seq},
            "superseded": False,
        }
        row = existing.get((subject, kind, zone, curfew, started))
        if row is None:
            row = Violation.objects.create(
                subject=subject,
                person_id=people.get(subject),
                kind=kind,
                zone=zone,
                curfew=curfew,
                started_at=started,
                severity=KIND_SEVERITY.get(kind, 0),
                **values,
            )
            if opened is not None:
                opened.append(row)
            created += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            updated += 1
    return created, updated


def record_found(orders: list[Order], found: list[Found]) -> tuple[int, int, int]:
    """Make the stored violations of these orders' subjects what the engine found: upsert,
    withdraw, tell the practitioners of new ones, and audit once if anything changed. Runs in
    the caller's transaction, after ``lock_subjects``. Answers (created, updated, withdrawn)."""
    opened: list[Violation] = []
    created, updated = upsert(found, opened)
    withdrawn = withdraw(orders, found)
    notify_opened(opened)
    if created or updated or withdrawn:
        audit_record(
            actor=None,
            actor_label="monitoring engine",
            action=AuditAction.ALTERATION,
            object_type="em_violations",
            summary="recorded electronic-monitoring violations",
            details={
                "created": created,
                "updated": updated,
                "withdrawn": withdrawn,
                "subjects": sorted({o.subject for o in orders}),
                "rule_version": RULE_VERSION,
            },
        )
    return created, updated, withdrawn


def reevaluate(subjects: Iterable[str], *, on: date | None = None) -> tuple[int, int]:
    """Re-run the engine for these subjects and record what it finds (audited if anything
    changed), telling the responsible practitioner of each violation it opens (notify.py).
    Answers (created, updated)."""
    orders = orders_for(subjects, on=on)
    if not orders:
        return 0, 0
    with transaction.atomic():
        lock_subjects(o.subject for o in orders)
        fixes, events = tables(orders)
        found = evaluate(orders, fixes, events)
        created, updated, _ = record_found(orders, found)
    return created, updated
