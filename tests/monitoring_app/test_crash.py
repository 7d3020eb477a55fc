"""Crash safety: the ingesting server is killed with SIGKILL while a batch is in flight; the
client resends every batch it has no answer for, and after a restart the stored fixes are
exactly the fixes sent (nothing lost, nothing doubled).

The server is a real ``runserver`` process on its own database (not the test database), so
this test uses no pytest-django fixture: SQLite under ``tmp_path`` always, and in the
PostgreSQL run (``DATABASE_URL`` set) also a fresh PostgreSQL database with queued evaluation
(ADR 0112), where every stored fix must also be queued for the evaluator exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

SETUP = """
import django, json
django.setup()
from django.db import transaction
from safeguard.accounts.models import Agency, User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.accounts.services import token_create
from safeguard.people.models import Person
agency = Agency.objects.create(name="Testshire Monitoring", kind=AgencyKind.PROBATION)
user = User.objects.create(username="em-feed", role=Role.PRACTITIONER, agency=agency,
                           is_service_account=True)
person = Person.objects.create(given_name="Crash", family_name="Testperson")
with transaction.atomic():
    token = token_create(actor=None, user=user, name="crash test")
print(json.dumps({"token": token, "subject": str(person.pk)}))
"""

COUNT = """
import django, json
django.setup()
from safeguard.monitoring.models import Fix, PendingEvaluation
queued = sorted(i for row in PendingEvaluation.objects.all() for i in row.fix_ids)
print(json.dumps({"seqs": sorted(Fix.objects.values_list("seq", flat=True)),
                  "ids": sorted(Fix.objects.values_list("id", flat=True)), "queued": queued}))
"""

BACKENDS = ["sqlite", "postgresql"]


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        SAFEGUARD_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="safeguard.site.settings",
        SAFEGUARD_AUDIT_CHECKPOINT_PATH=str(data_dir / "checkpoint.json"),
    )
    return env


@contextmanager
def _database(backend: str) -> Iterator[dict[str, str]]:
    """Environment for the server's own database: SQLite (the default URL), or a fresh
    PostgreSQL database beside the test run's, dropped afterwards."""
    if backend == "sqlite":
        yield {}
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the PostgreSQL crash test runs in the PostgreSQL test run")
    import psycopg

    name = f"crash_{uuid.uuid4().hex[:12]}"
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # a name we made
    try:
        yield {
            "DATABASE_URL": urlparse(url)._replace(path=f"/{name}").geturl(),
            "SAFEGUARD_MONITORING_EVALUATION": "queue",
        }
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _python(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "django",
                    "runserver",
                    "--noreload",
                    f"127.0.0.1:{self.port}",
                ],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError("the server did not start: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture(params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Server, dict[str, Any], dict[str, str]]]:
    with _database(request.param) as database:
        env = {**_env(tmp_path), **database}
        _python(env, "-m", "django", "migrate", "--noinput")
        ids = json.loads(_python(env, "-c", SETUP).strip().splitlines()[-1])
        running = Server(env, _free_port(), tmp_path / "server.log")
        running.start()
        yield running, ids, env
        if running.process is not None and running.process.poll() is None:
            running.kill()


def _send(server: Server, token: str, batch: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The answer, or None when the connection failed (no acknowledgement: resend later)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/v1/monitoring/fixes",
        data=json.dumps(batch).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except (urllib.error.URLError, OSError, ValueError):
        return None


def test_kill_9_during_ingest_loses_and_doubles_nothing(
    server: tuple[Server, dict[str, Any], dict[str, str]],
) -> None:
    running, ids, env = server
    fixes = [
        {
            "subject": ids["subject"],
            "seq": n,
            "recorded_at": f"2026-10-05T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
            "lat": 51.5 + n * 1e-5,
            "lon": -0.1,
            "accuracy_m": 10,
        }
        for n in range(2000)
    ]
    batches = [fixes[i : i + 200] for i in range(0, len(fixes), 200)]
    unacknowledged = list(range(len(batches)))
    # Batches 0-2 normally; batch 3 is in flight when the server is killed.
    for index in (0, 1, 2):
        assert _send(running, ids["token"], batches[index]) is not None
        unacknowledged.remove(index)
    answers: list[dict[str, Any] | None] = []
    flight = threading.Thread(
        target=lambda: answers.append(_send(running, ids["token"], batches[3]))
    )
    flight.start()
    running.kill()
    flight.join()
    if answers[0] is not None:
        unacknowledged.remove(3)
    running.start()
    # The client resends everything without an answer, plus a whole already-answered batch
    # (a resend it cannot tell from a new one), until each is acknowledged.
    for index in [*unacknowledged, 1]:
        answer = None
        while answer is None:
            answer = _send(running, ids["token"], batches[index])
        assert answer["rejected"] == 0
    running.kill()
    stored = json.loads(_python(env, "-c", COUNT).strip().splitlines()[-1])
    assert stored["seqs"] == list(range(len(fixes)))
    if env.get("SAFEGUARD_MONITORING_EVALUATION") == "queue":
        # Stored and queued in one transaction: each stored fix queued once, nothing else.
        assert stored["queued"] == stored["ids"]
