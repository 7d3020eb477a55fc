"""The synthetic demo county: the sizes the README promises, fictional, audited, reusable."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from safeguard.accounts.models import Agency, User
from safeguard.audit.models import AuditEntry
from safeguard.audit.verify import audit_verify
from safeguard.demo.county import DEMO_PASSWORD, TODAY, county_generate, demo_sign_ins
from safeguard.people.models import Allocation, IdentityLink, Person, Relationship

pytestmark = pytest.mark.django_db


def test_county_has_the_promised_shape_and_is_generated_once() -> None:
    assert county_generate(seed=7) is True
    assert county_generate(seed=7) is False  # running `make demo` again reuses it
    assert Agency.objects.count() == 5
    assert 35 <= User.objects.count() <= 50
    on_licence = Person.objects.filter(allocations__team__agency__kind="probation").distinct()
    assert on_licence.count() == 300
    ages = [
        p.age_on(TODAY)
        for p in Person.objects.filter(allocations__team__agency__kind="social_care")
    ]
    children = [age for age in ages if age is not None and age < 18]
    assert 600 <= len(children) <= 603
    assert IdentityLink.objects.count() >= 3
    assert Person.objects.filter(protected_identity=True).count() >= 3
    # Some men on licence are recorded in a child's household (for the linkage story).
    assert Relationship.objects.filter(other__in=on_licence).exists()
    assert Allocation.objects.filter(practitioner__isnull=True).count() == 0
    # Every person's collection is in the audit log, and the chain verifies.
    assert AuditEntry.objects.filter(action="collection", object_type="person").count() >= 900
    assert audit_verify().ok


def test_same_seed_gives_the_same_county(tmp_path: Path) -> None:
    """Two fresh databases, same seed: the same people, byte for byte."""

    def generate(folder: Path) -> list[tuple[str, ...]]:
        folder.mkdir()
        env = {**os.environ, "SAFEGUARD_DATA_DIR": str(folder)}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-m", "safeguard.cli", "demo", "--no-serve", "--seed", "5"],
            env=env,
            check=True,
            capture_output=True,
        )
        with sqlite3.connect(folder / "safeguard.sqlite3") as db:
            rows = db.execute(
                "SELECT given_name, family_name, date_of_birth, protected_identity "
                "FROM people_person ORDER BY family_name, given_name, date_of_birth"
            ).fetchall()
        return [tuple(str(v) for v in row) for row in rows]

    first, second = generate(tmp_path / "a"), generate(tmp_path / "b")
    assert len(first) > 1000
    assert first == second


def test_every_demo_sign_in_works() -> None:
    county_generate(seed=3)
    for username, _description in demo_sign_ins():
        client = Client()
        response = client.post("/sign-in", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username
