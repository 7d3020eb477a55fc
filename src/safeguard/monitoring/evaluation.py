"""Re-evaluating subjects after a batch: the engine over their stored readings and current
order, the violations upserted by the engine's key (idempotent: the same readings give the
same rows, whatever the batches were).

The order is the one the licences app builds for today (``monitoring_orders``), so a subject
is judged by the conditions in force now, over the stretch of days the order covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
from django.db import transaction
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
from safeguard.people.models import Person


def orders_for(subjects: Iterable[str], *, on: date | None = None) -> list[Order]:
    wanted = set(subjects)
    result = monitoring_orders(on=on or timezone.localdate())
    return parse_orders({"orders": [o for o in result.orders if str(o["subject"]) in wanted]})


def _period(query: Any, order: Order) -> Any:
    if order.starts is not None:
        query = query.filter(recorded_at__gte=to_datetime(order.starts))
    if order.ends is not None:
        query = query.filter(recorded_at__lt=to_datetime(order.ends))
    return query


def tables(orders: list[Order]) -> tuple[FixTable, EventTable]:
    """The stored readings of each order's subject within its period, as engine tables."""
    fix_parts: list[FixTable] = []
    event_parts: list[EventTable] = []
    for index, order in enumerate(orders):
        fixes = list(
            _period(Fix.objects.filter(subject=order.subject), order).values_list(
                "seq", "recorded_at", "lat", "lon", "accuracy_m"
            )
        )
        default = order.settings.default_accuracy_m
        n = len(fixes)
        fix_parts.append(
            FixTable(
                np.full(n, index, np.int32),
                np.array([r[0] for r in fixes], np.int64),
                np.array([from_datetime(r[1]) for r in fixes], np.int64),
                np.array([r[2] for r in fixes], np.float64),
                np.array([r[3] for r in fixes], np.float64),
                np.array([default if r[4] is None else r[4] for r in fixes], np.float64),
                np.zeros(n, np.int64),
            )
        )
        events = list(
            _period(DeviceEvent.objects.filter(subject=order.subject), order).values_list(
                "seq", "recorded_at", "kind"
            )
        )
        m = len(events)
        event_parts.append(
            EventTable(
                np.full(m, index, np.int32),
                np.array([r[0] for r in events], np.int64),
                np.array([from_datetime(r[1]) for r in events], np.int64),
                np.array([EVENT_KINDS.index(r[2]) for r in events], np.int8),
                np.zeros(m, np.int64),
            )
        )
    return FixTable.concat(fix_parts) if fix_parts else FixTable.empty(), (
        EventTable.concat(event_parts) if event_parts else EventTable.empty()
    )


def _key(found: Found) -> tuple[str, str, str, int, Any]:
    curfew = -1 if found.curfew is None else found.curfew
    return (found.subject, found.kind, found.zone or "", curfew, to_datetime(found.started_at))


def withdraw(orders: list[Order], found: list[Found]) -> int:
    """Rows in the evaluated orders' periods that the engine no longer reports (late readings
    moved a start, say): open ones are deleted, worked ones kept and marked superseded."""
    reported = {_key(v) for v in found}
    withdrawn = 0
    for order in orders:
        rows = _period_started(Violation.objects.filter(subject=order.subject), order)
        for row in rows.filter(superseded=False):
            key = (row.subject, row.kind, row.zone, row.curfew, row.started_at)
            if key in reported:
                continue
            if row.state == ViolationState.OPEN:
                row.delete()
            else:
                row.superseded = True
                row.save(update_fields=["superseded", "updated_at"])
            withdrawn += 1
    return withdrawn


def _period_started(query: Any, order: Order) -> Any:
    if order.starts is not None:
        query = query.filter(started_at__gte=to_datetime(order.starts))
    if order.ends is not None:
        query = query.filter(started_at__lt=to_datetime(order.ends))
    return query


def upsert(found: list[Found]) -> tuple[int, int]:
    """Create or update a row per engine violation; answers (created, updated)."""
    created = updated = 0
    people = {
        str(pk): pk
        for pk in Person.objects.filter(pk__in={v.subject for v in found}).values_list(
            "pk", flat=True
        )
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
        row = Violation.objects.filter(
            subject=subject, kind=kind, zone=zone, curfew=curfew, started_at=started
        ).first()
        if row is None:
            Violation.objects.create(
                subject=subject,
                person_id=people.get(subject),
                kind=kind,
                zone=zone,
                curfew=curfew,
                started_at=started,
                severity=KIND_SEVERITY.get(kind, 0),
                **values,
            )
            created += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            updated += 1
    return created, updated


def reevaluate(subjects: Iterable[str], *, on: date | None = None) -> tuple[int, int]:
    """Re-run the engine for these subjects and record what it finds (audited if anything
    changed). Answers (created, updated)."""
    orders = orders_for(subjects, on=on)
    if not orders:
        return 0, 0
    fixes, events = tables(orders)
    found = evaluate(orders, fixes, events)
    with transaction.atomic():
        created, updated = upsert(found)
        withdrawn = withdraw(orders, found)
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
    return created, updated
