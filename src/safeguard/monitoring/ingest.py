"""Storing a parsed feed batch: insert-or-ignore on (subject, seq), audited once per batch.

Within one transaction, readings already stored are compared with the stored copy (identical:
duplicate; different: rejected as a conflict) and the rest inserted, so a concurrent resend of
the same reading can never store it twice:
- PostgreSQL: one statement for the whole batch (arrays unnested server-side): fixes' keys
  into ``monitoring_fix_key`` with ``ON CONFLICT DO NOTHING RETURNING``, then the fixes of
  the new keys (events straight into their table), then the stored copies of only the keys
  it skipped (ADRs 0112, 0113);
- SQLite: the stored copies first, then ``bulk_create(ignore_conflicts=True)``
  (``INSERT OR IGNORE``) of the rest, inside SQLite's single write transaction.
The caller answers only after this function returns, i.e. after the commit (ADR 0105).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.monitoring.engine.timeparse import from_datetime, to_datetime
from safeguard.monitoring.evaluation_queue import evaluation_queued, queue_evaluation
from safeguard.monitoring.models import DeviceEvent, Fix
from safeguard.monitoring.readings import EventIn, FixIn, ItemReject, Parsed, Reading
from safeguard.people.models import Person

logger = logging.getLogger(__name__)

# Rows per IN-list query (keeps SQLite under its bound-parameter limit).
_CHUNK = 500
# Bound parameters a stored-copy lookup query may use (SQLite's limit is far above it).
_PARAMS = 900


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[ItemReject] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicates,
            "rejected": len(self.rejected),
            "rejects": [r.to_json() for r in sorted(self.rejected, key=lambda r: r.index)],
        }


def _known_subjects(subjects: set[str]) -> set[str]:
    ordered = sorted(subjects)
    known: set[str] = set()
    for start in range(0, len(ordered), _CHUNK):
        part = ordered[start : start + _CHUNK]
        known.update(
            str(pk) for pk in Person.objects.filter(pk__in=part).values_list("pk", flat=True)
        )
    return known


def _stored(
    model: type[Fix] | type[DeviceEvent], keys: list[tuple[str, int]]
) -> dict[tuple[str, int], Reading]:
    """The stored copies of these keys. A subject's seqs are asked for as a range when they are
    dense (a feed batch: consecutive seqs), else as a list; several subjects a query."""
    by_subject: dict[str, list[int]] = defaultdict(list)
    for subject, seq in keys:
        by_subject[subject].append(seq)
    wanted = set(keys)
    # (condition, bound parameters) per subject term; queries stay under _PARAMS parameters.
    terms: list[tuple[Q, int]] = []
    for subject, seqs in by_subject.items():
        low, high = min(seqs), max(seqs)
        if high - low < 4 * len(seqs) + 16:
            terms.append((Q(subject=subject, seq__gte=low, seq__lte=high), 3))
        else:
            for start in range(0, len(seqs), _CHUNK):
                part = seqs[start : start + _CHUNK]
                terms.append((Q(subject=subject, seq__in=part), 1 + len(part)))
    found: dict[tuple[str, int], Reading] = {}
    index = 0
    while index < len(terms):
        condition, params = terms[index]
        index += 1
        while index < len(terms) and params + terms[index][1] <= _PARAMS:
            condition |= terms[index][0]
            params += terms[index][1]
            index += 1
        for row in model.objects.filter(condition):
            if (row.subject, row.seq) in wanted:
                found[(row.subject, row.seq)] = _as_reading(row)
    return found


def _as_reading(row: Fix | DeviceEvent) -> Reading:
    t = from_datetime(row.recorded_at)
    if isinstance(row, Fix):
        return FixIn(row.subject, row.seq, t, row.lat, row.lon, row.accuracy_m)
    return EventIn(row.subject, row.seq, t, row.kind)


def _row(reading: Reading) -> Fix | DeviceEvent:
    when = to_datetime(reading.t)
    if isinstance(reading, FixIn):
        return Fix(
            subject=reading.subject,
            seq=reading.seq,
            recorded_at=when,
            lat=reading.lat,
            lon=reading.lon,
            accuracy_m=reading.accuracy_m,
        )
    return DeviceEvent(
        subject=reading.subject, seq=reading.seq, recorded_at=when, kind=reading.kind
    )


# Times travel as integer microseconds and become timestamps exactly (no float on the way).
# Fixes are partitioned by day on PostgreSQL (partitions.py), so (subject, seq) is kept unique
# by the key table: a fix is inserted only if its key was new, in the same statement.
_INSERT_FIXES = (
    "WITH incoming AS (SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[], "
    "%s::float8[], %s::float8[], %s::float8[]) AS t(s, q, u, a, o, m)), "
    "fresh AS (INSERT INTO monitoring_fix_key (subject, seq) SELECT s, q FROM incoming "
    "ON CONFLICT DO NOTHING RETURNING subject, seq) "
    "INSERT INTO monitoring_fix (subject, seq, recorded_at, lat, lon, accuracy_m, received_at) "
    "SELECT i.s, i.q, 'epoch'::timestamptz + i.u * interval '1 microsecond', i.a, i.o, i.m, "
    "now() FROM incoming i JOIN fresh f ON f.subject = i.s AND f.seq = i.q "
    "RETURNING id, subject, seq"
)
_INSERT_EVENTS = (
    "INSERT INTO monitoring_deviceevent (subject, seq, recorded_at, kind, received_at) "
    "SELECT s, q, 'epoch'::timestamptz + u * interval '1 microsecond', k, now() "
    "FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::text[]) AS incoming(s, q, u, k) "
    "ON CONFLICT (subject, seq) DO NOTHING RETURNING id, subject, seq"
)


def _insert_new_postgresql(
    model: type[Fix] | type[DeviceEvent], readings: list[Reading]
) -> dict[tuple[str, int], int]:
    """Insert the readings in one statement (arrays unnested server-side), skipping keys already
    stored; answers the id of each row this statement inserted, by key. ``ON CONFLICT DO
    NOTHING`` waits for a racing transaction holding the same key and then skips it, so a key
    is inserted by exactly one batch and counted as accepted exactly once (ADR 0112)."""
    subjects = [r.subject for r in readings]
    seqs = [r.seq for r in readings]
    times = [r.t for r in readings]
    if model is Fix:
        fixes = [r for r in readings if isinstance(r, FixIn)]
        sql = _INSERT_FIXES
        extra: list[list[Any]] = [
            [r.lat for r in fixes],
            [r.lon for r in fixes],
            [r.accuracy_m for r in fixes],
        ]
    else:
        sql = _INSERT_EVENTS
        extra = [[r.kind for r in readings if isinstance(r, EventIn)]]
    with connection.cursor() as cursor:
        cursor.execute(sql, [subjects, seqs, times, *extra])
        return {(subject, seq): pk for pk, subject, seq in cursor.fetchall()}


def _insert_new_portable(
    model: type[Fix] | type[DeviceEvent], readings: list[Reading], *, with_ids: bool
) -> dict[tuple[str, int], int]:
    """SQLite (one writer at a time, ADR 0004): the keys were looked up first in this same
    write transaction, so all of these are new; ``ignore_conflicts`` is the belt to that. The
    rows' ids are read back only when asked for (the evaluation queue needs them); else 0."""
    rows = [_row(r) for r in readings]
    model.objects.bulk_create(rows, batch_size=_CHUNK, ignore_conflicts=True)  # type: ignore[arg-type]
    keys = [(r.subject, r.seq) for r in readings]
    if not with_ids:
        return dict.fromkeys(keys, 0)
    ids: dict[tuple[str, int], int] = {}
    wanted = set(keys)
    for start in range(0, len(keys), _CHUNK):
        part = keys[start : start + _CHUNK]
        condition = Q()
        for subject in {k[0] for k in part}:
            condition |= Q(subject=subject, seq__in=[k[1] for k in part if k[0] == subject])
        for pk, subject, seq in model.objects.filter(condition).values_list("id", "subject", "seq"):
            if (subject, seq) in wanted:
                ids[(subject, seq)] = pk
    return ids


def store_batch(*, actor: Any, parsed: Parsed, events: bool) -> IngestResult:
    """Store a batch and write its one audit entry, in one transaction. With queued evaluation
    (``MONITORING_EVALUATION = "queue"``) the same transaction records the new rows for the
    evaluator (evaluation_queue.py), so a batch is stored and queued, or neither."""
    model: type[Fix] | type[DeviceEvent] = DeviceEvent if events else Fix
    result = IngestResult(duplicates=parsed.duplicates, rejected=list(parsed.rejected))
    with transaction.atomic():
        known = _known_subjects({subject for subject, _ in parsed.readings})
        candidates: dict[tuple[str, int], tuple[int, Reading]] = {}
        for key, (index, reading) in parsed.readings.items():
            if key[0] in known:
                candidates[key] = (index, reading)
            else:
                result.rejected.append(ItemReject(index, "unknown subject"))
        if connection.vendor == "postgresql":
            # Insert first, then compare only what was already there: one round trip when
            # (as almost always) the whole batch is new.
            inserted = _insert_new_postgresql(model, [r for _, r in candidates.values()])
            stored = _stored(model, [k for k in candidates if k not in inserted])
        else:
            stored = _stored(model, list(candidates))
            inserted = _insert_new_portable(
                model,
                [r for k, (_, r) in candidates.items() if k not in stored],
                with_ids=evaluation_queued(),
            )
        orphans = 0
        for key, (index, reading) in candidates.items():
            if key in inserted:
                result.subjects.add(key[0])
                continue
            before = stored.get(key)
            if before == reading:
                result.duplicates += 1
            elif before is None:
                # Skipped as already stored, yet not there: on PostgreSQL a key left behind
                # without its fix (the key table and the fixes disagree). A resend cannot
                # help; say so, and tell the operators (a count, no personal data).
                orphans += 1
                result.rejected.append(
                    ItemReject(index, "not stored: the store is inconsistent for this key")
                )
            else:
                result.rejected.append(ItemReject(index, "conflict: differs from the stored copy"))
        result.accepted = len(inserted)
        if orphans:
            logger.error("monitoring ingest: %d keys recorded without their reading", orphans)
        if not parsed.readings and not parsed.rejected and not parsed.duplicates:
            return result  # an empty batch collects nothing
        if inserted and evaluation_queued():
            queue_evaluation(inserted, events=events)
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="em_events" if events else "em_fixes",
            summary=f"received a batch of tag {'events' if events else 'fixes'}",
            details={
                "accepted": result.accepted,
                "duplicate": result.duplicates,
                "rejected": len(result.rejected),
                "subjects": sorted(result.subjects),
            },
        )
    return result
