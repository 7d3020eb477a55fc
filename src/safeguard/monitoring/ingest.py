"""Storing a parsed feed batch: insert-or-ignore on (subject, seq), audited once per batch.

Within one transaction: readings already stored are compared with the stored copy (identical:
duplicate; different: rejected as a conflict); the rest are inserted with
``bulk_create(ignore_conflicts=True)`` (PostgreSQL ``ON CONFLICT DO NOTHING``, SQLite
``INSERT OR IGNORE``), so a concurrent resend of the same reading can never store it twice. The
caller answers only after this function returns, i.e. after the commit (ADR 0105).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.monitoring.engine.timeparse import from_datetime, to_datetime
from safeguard.monitoring.models import DeviceEvent, Fix
from safeguard.monitoring.readings import EventIn, FixIn, ItemReject, Parsed, Reading
from safeguard.people.models import Person

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


def store_batch(*, actor: Any, parsed: Parsed, events: bool) -> IngestResult:
    """Store a batch and write its one audit entry, in one transaction."""
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
        stored = _stored(model, list(candidates))
        new_rows = []
        for key, (index, reading) in candidates.items():
            before = stored.get(key)
            if before is None:
                new_rows.append(_row(reading))
                result.subjects.add(key[0])
            elif before == reading:
                result.duplicates += 1
            else:
                result.rejected.append(ItemReject(index, "conflict: differs from the stored copy"))
        # Two batches racing with the same new reading both count it as accepted, but the
        # constraint keeps one row: the stored set is right; only that count can be one high.
        model.objects.bulk_create(new_rows, batch_size=_CHUNK, ignore_conflicts=True)  # type: ignore[arg-type]
        result.accepted = len(new_rows)
        if not parsed.readings and not parsed.rejected and not parsed.duplicates:
            return result  # an empty batch collects nothing
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
