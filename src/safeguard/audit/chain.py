"""Hash chain of audit entries: pure functions, shared by writing and verifying."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainFields:
    seq: int
    recorded_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: str
    justification: str
    recipients: list[str]
    details: dict[str, Any]
    prev_hash: str


def entry_hash(fields: ChainFields) -> str:
    """SHA-256 of a canonical JSON form: stable across databases and Python versions."""
    payload = {
        "seq": fields.seq,
        # Microseconds are kept; both databases store them exactly.
        "recorded_at": fields.recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": fields.actor_id,
        "actor_label": fields.actor_label,
        "action": fields.action,
        "object_type": fields.object_type,
        "object_id": fields.object_id,
        "summary": fields.summary,
        "justification": fields.justification,
        "recipients": list(fields.recipients),
        "details": fields.details,
        "prev_hash": fields.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
