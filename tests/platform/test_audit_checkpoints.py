"""Periodic signed checkpoints of the audit chain's head (ASVS 7.3.3 / 16.4.3).

``safeguard audit checkpoint --every SECONDS`` keeps writing the head to the configured file;
``audit verify`` checks against the latest one; a writer never signs over a cut or rewritten
chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection, transaction
from typer.testing import CliRunner

from safeguard.audit import triggers
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record
from safeguard.audit.verify import (
    CheckpointRefusedError,
    audit_verify,
    checkpoint_every,
    checkpoint_write,
)
from safeguard.cli import app

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None, action=AuditAction.CONSULTATION, object_type="t", summary=f"s{i}"
            )


def test_the_loop_writes_repeatedly_and_verify_checks_the_latest(settings: object) -> None:
    path = Path(settings.AUDIT_CHECKPOINT_PATH)  # type: ignore[attr-defined]
    _write(2)
    seen: list[int] = []
    pauses: list[float] = []

    def between_ticks(seconds: float) -> None:  # instead of sleeping: more activity happens
        pauses.append(seconds)
        _write(3)

    written = checkpoint_every(
        60, times=3, sleep=between_ticks, report=lambda c: seen.append(c.seq if c else 0)
    )
    assert written == 3 and pauses == [60, 60]
    assert seen == [2, 5, 8]  # each tick signed the head as it was then
    assert json.loads(path.read_text())["seq"] == 8
    result = audit_verify()
    assert result.ok and result.checkpoint_seq == 8
    # Cutting the last entries is caught against the latest checkpoint, not an older one.
    triggers.disable(connection)
    AuditEntry.objects.filter(seq__gte=7).delete()
    cut = audit_verify()
    assert not cut.ok and cut.first_bad_seq == 7 and "truncated" in cut.problem


def test_a_writer_never_signs_over_a_cut_chain(tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    _write(5)
    checkpoint_write(path)
    before = path.read_text()
    triggers.disable(connection)
    AuditEntry.objects.filter(seq__gte=4).delete()
    triggers.enable(connection)
    _write(3)  # the chain grows past the old head again, with different entries
    with pytest.raises(CheckpointRefusedError, match="entry 5 differs"):
        checkpoint_write(path)
    assert path.read_text() == before  # the evidence is kept
    assert not audit_verify(path).ok


def test_a_writer_refuses_a_chain_shorter_than_its_last_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    _write(4)
    checkpoint_write(path)
    triggers.disable(connection)
    AuditEntry.objects.filter(seq__gte=3).delete()
    with pytest.raises(CheckpointRefusedError, match="truncated"):
        checkpoint_write(path)


def test_the_command_runs_every_n_seconds_and_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    _write(2)
    result = runner.invoke(
        app, ["audit", "checkpoint", "--path", str(path), "--every", "1", "--times", "2"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("checkpoint written at entry 2") == 2
    triggers.disable(connection)
    AuditEntry.objects.filter(seq=2).delete()
    refused = runner.invoke(app, ["audit", "checkpoint", "--path", str(path)])
    assert refused.exit_code == 1
    assert "not written" in refused.output
