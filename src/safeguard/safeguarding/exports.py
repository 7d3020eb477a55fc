"""Exports of a child's chronology: PDF and CSV for people, EVENTS.jsonl for other tools.

Every export is a disclosure (Data Protection Act 2018 s.62): it names its recipients and its
purpose, and is audited in the same transaction as it is made.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.safeguarding.models import Child, ChronologyEvent
from safeguard.safeguarding.selectors.chronology import export_rows
from safeguard.safeguarding.selectors.events import EventRow, Filters
from safeguard.safeguarding.timeutil import iso_local, iso_utc
from safeguard.site.errors import DomainError

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str
    events: int


def event_json(event: ChronologyEvent) -> dict[str, Any]:
    """One event in the EVENTS.jsonl shape of contracts.md §3 (details' keys sorted, so the
    bytes do not depend on how the database stored the JSON)."""
    return {
        "id": event.public_id,
        "child": str(event.child_id),
        "at": iso_utc(event.occurred_at),
        "agency": event.agency,
        "kind": event.kind,
        "details": {k: event.details[k] for k in sorted(event.details)},
    }


def jsonl_lines(child: Child) -> Iterator[str]:
    """Every event of the child, all agencies, oldest first; one JSON object a line."""
    events = ChronologyEvent.objects.filter(child=child).order_by("occurred_at", "id")
    for event in events.iterator(chunk_size=2000):
        yield json.dumps(event_json(event), ensure_ascii=False) + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Spreadsheets run cells that start like a formula: keep them text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_bytes(rows: Sequence[EventRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "event",
            "date_time",
            "agency",
            "kind",
            "what_happened",
            "significant",
            "action_taken",
            "recorded_by",
        ]
    )
    for row in rows:
        e = row.event
        writer.writerow(
            [
                e.public_id,
                iso_local(e.occurred_at),
                row.agency,
                row.kind,
                _cell(row.line),
                "yes" if e.significant else "",
                _cell(e.action_taken),
                _cell(row.recorded_by),
            ]
        )
    # A byte-order mark so that spreadsheet programs read the names as UTF-8.
    return "\ufeff".encode() + out.getvalue().encode()


def _check(purpose: str, recipients: Sequence[str], fmt: str) -> None:
    errors: dict[str, str] = {}
    if fmt not in FORMATS:
        errors["format"] = "Choose PDF or CSV"
    if len(purpose.strip()) < 5:
        errors["purpose"] = "Say why the chronology is being exported"
    if not [r for r in recipients if r.strip()]:
        errors["recipients"] = "Say who will receive it"
    if errors:
        raise DomainError("Check the export's details", {"fields": errors})


def chronology_export(
    *,
    actor: Any,
    child: Child,
    fmt: str,
    purpose: str,
    recipients: Sequence[str],
    filters: Filters | None = None,
) -> ExportFile:
    """Make the file and audit its disclosure. The caller has checked access to the child."""
    _check(purpose, recipients, fmt)
    filters = filters or Filters()
    stamp = timezone.localdate().isoformat()
    name = f"chronology-{str(child.pk)[:8]}-{stamp}.{fmt}"
    with transaction.atomic():
        if fmt == "jsonl":
            lines = list(jsonl_lines(child))
            content, count = "".join(lines).encode(), len(lines)
        else:
            rows = export_rows(child, filters)
            count = len(rows)
            if fmt == "csv":
                content = csv_bytes(rows)
            else:
                from safeguard.safeguarding.pdf import chronology_pdf

                content = chronology_pdf(
                    child=child, rows=rows, filters=filters, exported_by=actor, purpose=purpose
                )
        audit_record(
            actor=actor,
            action=AuditAction.DISCLOSURE,
            object_type="child",
            object_id=str(child.pk),
            summary=f"exported a child's chronology ({fmt.upper()})",
            justification=purpose.strip(),
            recipients=[r.strip() for r in recipients if r.strip()],
            details={"format": fmt, "events": count, "filters": filters.as_audit()},
        )
    return ExportFile(content, FORMATS[fmt], name, count)
