"""The audit log: same-transaction writes, append-only triggers, and tamper detection."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from safeguard.audit import triggers
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import AuditOutsideTransactionError, audit_record
from safeguard.audit.verify import CheckpointInvalidError, audit_verify, checkpoint_write
from safeguard.people.models import Person

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.CONSULTATION,
                object_type="person",
                object_id=f"obj-{i}",
                summary="viewed a person's record",
                details={"i": i},
            )


def _disable_triggers() -> None:
    """What an attacker with database-owner rights would do first."""
    triggers.disable(connection)


def test_intact_chain_verifies() -> None:
    _write(5)
    result = audit_verify()
    assert result.ok, result.message()
    assert result.entries_checked == 5
    seqs = list(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5]


def test_each_entry_links_to_the_previous_one() -> None:
    _write(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].prev_hash == entries[1].entry_hash


def test_update_is_refused_by_the_database() -> None:
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(summary="nothing to see")


def test_delete_is_refused_by_the_database() -> None:
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).delete()
    assert AuditEntry.objects.count() == 1


def test_truncate_is_refused_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement")
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")


def test_edited_entry_is_reported_as_the_first_bad_one() -> None:
    _write(6)
    _disable_triggers()
    AuditEntry.objects.filter(seq=4).update(object_id="someone-else")
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert "altered" in result.problem


def test_edit_with_recomputed_hash_breaks_the_next_link() -> None:
    from safeguard.audit.chain import entry_hash
    from safeguard.audit.verify import _fields

    _write(5)
    _disable_triggers()
    entry = AuditEntry.objects.get(seq=2)
    entry.summary = "rewritten"
    new_hash = entry_hash(_fields(entry))
    AuditEntry.objects.filter(seq=2).update(summary="rewritten", entry_hash=new_hash)
    result = audit_verify()
    assert result.first_bad_seq == 3
    assert "link" in result.problem


def test_deleted_entry_is_reported() -> None:
    _write(6)
    _disable_triggers()
    AuditEntry.objects.filter(seq=3).delete()
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "deleted" in result.problem


def test_truncated_tail_is_caught_against_the_checkpoint(tmp_path: Path) -> None:
    _write(5)
    checkpoint = checkpoint_write(tmp_path / "cp.json")
    assert checkpoint is not None and checkpoint.seq == 5
    _disable_triggers()
    AuditEntry.objects.filter(seq__gte=4).delete()
    result = audit_verify(tmp_path / "cp.json")
    assert not result.ok
    assert result.first_bad_seq == 4
    assert "truncated" in result.problem
    # Without the checkpoint the cut would be invisible: that is why it is kept off the database.
    assert audit_verify(tmp_path / "absent.json").ok


def test_forged_checkpoint_is_rejected(tmp_path: Path) -> None:
    _write(2)
    path = tmp_path / "cp.json"
    checkpoint_write(path)
    data = json.loads(path.read_text())
    data["seq"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(CheckpointInvalidError):
        audit_verify(path)


def test_action_and_audit_roll_back_together() -> None:
    before_people, before_audit = Person.objects.count(), AuditEntry.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        Person.objects.create(given_name="Rolled", family_name="Back")
        audit_record(
            actor=None, action=AuditAction.COLLECTION, object_type="person", summary="recorded"
        )
        raise Boom()
    assert Person.objects.count() == before_people
    assert AuditEntry.objects.count() == before_audit


@pytest.mark.django_db(transaction=True)
def test_audit_requires_the_actions_transaction() -> None:
    with pytest.raises(AuditOutsideTransactionError):
        audit_record(actor=None, action=AuditAction.COLLECTION, object_type="x", summary="y")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            _write(8)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 33))
    assert audit_verify().ok
