"""Database triggers that make the audit log append-only.

Installed by migration 0002. ``disable``/``enable`` exist for the test suite only (flushing a
test database, and simulating an attacker with database-owner rights); the application never
calls them.
"""

from __future__ import annotations

from typing import Any

_PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change();
"""
_PG_REMOVE = """
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_refuse_change();
"""
_SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END;""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any) -> None:
    if connection.vendor == "postgresql":
        _run(connection, [_PG_INSTALL])
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)


def remove(connection: Any) -> None:
    if connection.vendor == "postgresql":
        _run(connection, [_PG_REMOVE])
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_REMOVE)


def disable(connection: Any) -> None:
    """Test suite only: what an attacker with database-owner rights would do first."""
    if connection.vendor == "postgresql":
        _run(connection, ["ALTER TABLE audit_auditentry DISABLE TRIGGER USER"])
    else:
        remove(connection)


def enable(connection: Any) -> None:
    if connection.vendor == "postgresql":
        _run(connection, ["ALTER TABLE audit_auditentry ENABLE TRIGGER USER"])
    else:
        install(connection)
