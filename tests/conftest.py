from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _checkpoint_in_tmp(settings: object, tmp_path: Path) -> None:
    """Each test writes audit checkpoints to its own folder, never the demo's."""
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoint.json"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _second_factor(request: pytest.FixtureRequest, settings: object) -> None:
    """Tests of other features sign in with a password alone; tests marked ``two_factor``
    (tests/platform/test_two_factor.py) run with the production setting and check that every
    protected route refuses a session without the second factor."""
    wanted = request.node.get_closest_marker("two_factor") is not None
    settings.REQUIRE_TWO_FACTOR = wanted  # type: ignore[attr-defined]


def pytest_report_header() -> str:
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)').split('@')[-1]}"


_DB_FIXTURES = ("db", "transactional_db", "live_server", "django_db_reset_sequences")


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the append-only triggers on during every database test.

    Transactional tests end with a flush that deletes every row; the triggers would refuse it
    for the audit log, so they are switched off just for the flush and on again at the start of
    the next test (inside its transaction, so a test that disables them is rolled back too).
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names.intersection(_DB_FIXTURES):
        yield
        return
    transactional = bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or names.intersection({"transactional_db", "live_server"})
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from safeguard.audit import triggers

    triggers.enable(connection)
    yield
    if transactional:
        triggers.disable(connection)
