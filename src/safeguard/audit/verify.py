"""Verifying the chain and writing signed checkpoints of its head.

A checkpoint records (seq, hash) of the head, signed with HMAC-SHA256 under a key that is not
Django's SECRET_KEY, in a file outside the database. Verification walks every entry in order and
reports the first problem: an entry whose content no longer matches its hash (edited), a gap in
the sequence or a broken link (deleted), or a chain that ends before the checkpoint or disagrees
with it (truncated or rewritten).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safeguard.audit.chain import GENESIS_HASH, ChainFields, entry_hash
from safeguard.audit.models import AuditEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries_checked: int
    first_bad_seq: int | None
    problem: str
    checkpoint_seq: int | None

    def message(self) -> str:
        if self.ok:
            tail = (
                f"; matches checkpoint at entry {self.checkpoint_seq}"
                if self.checkpoint_seq is not None
                else "; no checkpoint found"
            )
            return f"audit chain intact: {self.entries_checked} entries{tail}"
        return f"audit chain BROKEN at entry {self.first_bad_seq}: {self.problem}"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    entry_hash: str
    written_at: str
    signature: str


def _sign(seq: int, hash_: str, written_at: str) -> str:
    key = str(settings.AUDIT_CHECKPOINT_KEY).encode()
    message = f"{seq}:{hash_}:{written_at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class CheckpointRefusedError(Exception):
    """The chain no longer contains the last checkpoint: writing would hide the damage."""


def _continues(previous: Checkpoint, head_seq: int) -> str | None:
    """Why the chain does not extend the previous checkpoint, or None when it does."""
    if head_seq < previous.seq:
        return (
            f"the chain ends at entry {head_seq} but the last checkpoint records entry "
            f"{previous.seq} (truncated?)"
        )
    stored = AuditEntry.objects.filter(seq=previous.seq).values_list("entry_hash", flat=True)
    if list(stored) != [previous.entry_hash]:
        return f"entry {previous.seq} differs from the last checkpoint (rewritten?)"
    return None


def checkpoint_write(path: Path | None = None) -> Checkpoint | None:
    """Write the current head as a signed checkpoint. Returns None for an empty chain.

    A new checkpoint replaces the last one only if the chain still contains the entry the last
    one records, unchanged: a periodic writer must never bless a truncated or rewritten chain
    (CheckpointRefusedError, and the old checkpoint is kept for ``audit verify``).
    """
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    previous = checkpoint_read(path)  # CheckpointInvalidError if the file was tampered with
    if previous is not None:
        problem = _continues(previous, head[0] if head else 0)
        if problem is not None:
            raise CheckpointRefusedError(f"checkpoint not written: {problem}")
    if head is None:
        return None
    written_at = timezone.now().isoformat(timespec="seconds")
    checkpoint = Checkpoint(head[0], head[1], written_at, _sign(head[0], head[1], written_at))
    target = Path(path or settings.AUDIT_CHECKPOINT_PATH)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(checkpoint.__dict__, sort_keys=True) + "\n")
    temporary.replace(target)  # atomic: a crash never leaves half a checkpoint
    return checkpoint


class CheckpointInvalidError(Exception):
    pass


def checkpoint_read(path: Path | None = None) -> Checkpoint | None:
    target = Path(path or settings.AUDIT_CHECKPOINT_PATH)
    if not target.exists():
        return None
    try:
        data = json.loads(target.read_text())
        checkpoint = Checkpoint(
            int(data["seq"]),
            str(data["entry_hash"]),
            str(data["written_at"]),
            str(data["signature"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointInvalidError(f"checkpoint file {target} is unreadable") from exc
    expected = _sign(checkpoint.seq, checkpoint.entry_hash, checkpoint.written_at)
    if not hmac.compare_digest(expected, checkpoint.signature):
        raise CheckpointInvalidError(f"checkpoint file {target} has a bad signature")
    return checkpoint


def _fields(entry: AuditEntry) -> ChainFields:
    return ChainFields(
        seq=entry.seq,
        recorded_at=entry.recorded_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        summary=entry.summary,
        justification=entry.justification,
        recipients=list(entry.recipients),
        details=dict(entry.details),
        prev_hash=entry.prev_hash,
    )


def _bad(count: int, seq: int, problem: str, checkpoint: Checkpoint | None) -> VerifyResult:
    return VerifyResult(False, count, seq, problem, checkpoint.seq if checkpoint else None)


def audit_verify(checkpoint_path: Path | None = None) -> VerifyResult:
    checkpoint = checkpoint_read(checkpoint_path)
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    seen_checkpoint = False
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return _bad(
                count,
                expected_seq,
                f"entry missing (deleted): sequence jumps from {expected_seq - 1} to {entry.seq}",
                checkpoint,
            )
        if entry.prev_hash != prev_hash:
            return _bad(count, entry.seq, "link to the previous entry is broken", checkpoint)
        actual = entry_hash(_fields(entry))
        if actual != entry.entry_hash:
            return _bad(count, entry.seq, "content altered (hash does not match)", checkpoint)
        if checkpoint is not None and entry.seq == checkpoint.seq:
            seen_checkpoint = True
            if actual != checkpoint.entry_hash:
                return _bad(
                    count, entry.seq, "chain differs from the signed checkpoint", checkpoint
                )
        prev_hash, expected_seq, count = actual, expected_seq + 1, count + 1
    if checkpoint is not None and not seen_checkpoint:
        return _bad(
            count,
            expected_seq,
            f"chain truncated: it ends at entry {expected_seq - 1} but the signed checkpoint "
            f"records entry {checkpoint.seq}",
            checkpoint,
        )
    return VerifyResult(True, count, None, "", checkpoint.seq if checkpoint else None)


def checkpoint_every(
    seconds: float,
    path: Path | None = None,
    *,
    times: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    report: Callable[[Checkpoint | None], None] = lambda _: None,
) -> int:
    """Write a checkpoint now and then every ``seconds`` (``times`` writes, or for ever).

    For ``safeguard audit checkpoint --every``. A lost database connection is retried at the
    next tick; a refused checkpoint (the chain was cut or rewritten) stops the loop with the
    error, so the service fails loudly instead of signing over the damage.
    """
    from django.db import connection
    from django.db.utils import InterfaceError, OperationalError

    written = 0
    while times is None or written < times:
        try:
            report(checkpoint_write(path))
        except (OperationalError, InterfaceError):
            logger.warning("audit checkpoint skipped: database unavailable")
            connection.close()  # reconnect at the next tick
        written += 1
        if times is None or written < times:
            sleep(seconds)
    return written
