"""Reliability R4 and R5 (security.md): the database is durable, and a backup restores with its
audit chain intact."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, transaction

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.audit.verify import checkpoint_write
from safeguard.site.checks import durability_problems
from tests import factories as f


def _postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("durability settings and pg_dump are PostgreSQL's")


@pytest.mark.django_db
def test_a_durable_server_passes_and_synchronous_commit_off_is_refused() -> None:
    _postgres()
    assert durability_problems(connection) == []
    call_command("check", databases=["default"])  # what `safeguard migrate` runs first
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
    assert durability_problems(connection) == ["synchronous_commit is off"]
    with pytest.raises(SystemCheckError, match=r"safeguard\.E007"):
        call_command("check", databases=["default"])


def _pg_args(db: dict[str, object]) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args, {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_and_its_audit_chain_verifies(tmp_path: Path) -> None:
    _postgres()
    for tool in ("pg_dump", "psql", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    f.person("Restorable", "Testperson")
    for i in range(5):
        with transaction.atomic():
            audit_record(
                actor=None, action=AuditAction.CONSULTATION, object_type="t", summary=f"s{i}"
            )
    checkpoint = tmp_path / "cp.json"
    assert checkpoint_write(checkpoint) is not None
    db = connection.settings_dict
    args, env = _pg_args(db)
    dump = tmp_path / "backup.sql"
    subprocess.run(
        ["pg_dump", *args, "--no-owner", "-f", str(dump), str(db["NAME"])], env=env, check=True
    )
    scratch = f"restore_{uuid.uuid4().hex[:10]}"
    subprocess.run(["createdb", *args, scratch], env=env, check=True)
    try:
        subprocess.run(
            ["psql", *args, "-q", "-v", "ON_ERROR_STOP=1", "-d", scratch, "-f", str(dump)],
            env=env,
            check=True,
            capture_output=True,
        )
        host = str(db.get("HOST") or "localhost")
        port = str(db.get("PORT") or 5432)
        user = str(db.get("USER") or "postgres")
        url = f"postgres://{user}@{host}:{port}/{scratch}"
        child_env = {**env, "DATABASE_URL": url}
        command = [sys.executable, "-m", "safeguard.cli", "audit", "verify"]
        verified = subprocess.run(
            [*command, "--checkpoint", str(checkpoint)],
            env=child_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "audit chain intact" in verified.stdout
        # The restored copy is really checked: a cut in it is reported.
        subprocess.run(
            [
                "psql",
                *args,
                "-q",
                "-d",
                scratch,
                "-c",
                "ALTER TABLE audit_auditentry DISABLE TRIGGER USER; "
                "DELETE FROM audit_auditentry WHERE seq = (SELECT max(seq) FROM audit_auditentry)",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        cut = subprocess.run(
            [*command, "--checkpoint", str(checkpoint)],
            env=child_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert cut.returncode == 1 and "truncated" in cut.stdout
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", scratch], env=env, check=False)
