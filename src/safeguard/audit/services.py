"""Writing audit entries. Always inside the transaction of the action being audited, so the
action and its audit entry commit or roll back together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from safeguard.audit.chain import GENESIS_HASH, ChainFields, entry_hash
from safeguard.audit.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from safeguard.accounts.models import User

# Any fixed number: all writers of the chain take this transaction-scoped lock on PostgreSQL,
# so two transactions never read the same head and fork the chain. SQLite runs every atomic
# block as BEGIN IMMEDIATE (settings), which serialises writers the same way.
_CHAIN_LOCK_KEY = 7_274_261_001


class AuditOutsideTransactionError(RuntimeError):
    pass


@dataclass(frozen=True)
class AuditDraft:
    action: AuditAction
    object_type: str
    summary: str
    object_id: str = ""
    justification: str = ""
    recipients: Sequence[str] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


def _lock_chain() -> None:
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(
            "audit entries must be written in the same transaction as the action"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _head() -> tuple[int, str]:
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return head if head is not None else (0, GENESIS_HASH)


def _actor_fields(actor: User | None, actor_label: str | None) -> tuple[int | None, str]:
    if actor is None:
        return None, actor_label or "system"
    return actor.pk, actor_label or actor.username


def audit_record_many(
    *, actor: User | None, drafts: Sequence[AuditDraft], actor_label: str | None = None
) -> list[AuditEntry]:
    """Append several entries in one go (bulk imports); same guarantees as one at a time."""
    _lock_chain()
    seq, prev = _head()
    actor_id, label = _actor_fields(actor, actor_label)
    now = timezone.now()
    rows: list[AuditEntry] = []
    for draft in drafts:
        seq += 1
        fields = ChainFields(
            seq=seq,
            recorded_at=now,
            actor_id=actor_id,
            actor_label=label,
            action=str(draft.action),
            object_type=draft.object_type,
            object_id=draft.object_id,
            summary=draft.summary,
            justification=draft.justification,
            recipients=list(draft.recipients),
            details=dict(draft.details),
            prev_hash=prev,
        )
        prev = entry_hash(fields)
        rows.append(
            AuditEntry(
                seq=seq,
                recorded_at=now,
                actor_id=actor_id,
                actor_label=label,
                action=fields.action,
                object_type=fields.object_type,
                object_id=fields.object_id,
                summary=fields.summary,
                justification=fields.justification,
                recipients=fields.recipients,
                details=fields.details,
                prev_hash=fields.prev_hash,
                entry_hash=prev,
            )
        )
    return AuditEntry.objects.bulk_create(rows, batch_size=500)


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    object_type: str,
    summary: str,
    object_id: str = "",
    justification: str = "",
    recipients: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry. ``summary`` says what happened without personal data."""
    draft = AuditDraft(
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        justification=justification,
        recipients=recipients,
        details=details or {},
    )
    return audit_record_many(actor=actor, drafts=[draft], actor_label=actor_label)[0]


def audited_atomic() -> transaction.Atomic:
    """The transaction an action and its audit entry share (a name that says why)."""
    return transaction.atomic()
