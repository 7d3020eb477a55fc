"""The ``safeguard`` command's platform parts: createuser and audit verify/checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction
from typer.testing import CliRunner

from safeguard.accounts.models import User
from safeguard.audit import triggers
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record
from safeguard.cli import app

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_createuser_with_token() -> None:
    result = runner.invoke(
        app,
        [
            "createuser",
            "--username",
            "feed-em",
            "--role",
            "practitioner",
            "--service-account",
            "--token",
        ],
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="feed-em")
    assert user.is_service_account
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("sg_")


def test_createuser_rejects_unknown_role() -> None:
    result = runner.invoke(app, ["createuser", "--username", "x", "--role", "wizard"])
    assert result.exit_code == 2
    assert "unknown role" in result.output


def test_audit_verify_and_checkpoint(tmp_path: Path) -> None:
    for i in range(3):
        with transaction.atomic():
            audit_record(
                actor=None, action=AuditAction.CONSULTATION, object_type="t", summary=f"s{i}"
            )
    checkpoint = tmp_path / "cp.json"
    result = runner.invoke(app, ["audit", "checkpoint", "--path", str(checkpoint)])
    assert result.exit_code == 0 and "entry 3" in result.output
    ok = runner.invoke(app, ["audit", "verify", "--checkpoint", str(checkpoint)])
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 entries" in ok.output
    triggers.disable(connection)
    AuditEntry.objects.filter(seq=3).delete()
    broken = runner.invoke(app, ["audit", "verify", "--checkpoint", str(checkpoint)])
    assert broken.exit_code == 1
    assert "BROKEN at entry 3" in broken.output
