"""No personal data in application logs; log injection neutralised."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.site.logging import RedactingFilter
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_cr_lf_in_a_username_stays_one_log_record() -> None:
    record = logging.makeLogRecord({"msg": "sign-in for %s", "args": ("eve\r\nFAKE ok",)})
    RedactingFilter().filter(record)
    assert "\n" not in record.getMessage() and "\r" not in record.getMessage()


def test_viewing_a_person_logs_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    team = f.team(f.agency("Testshire Probation", AgencyKind.PROBATION))
    user = f.user(Role.PRACTITIONER, team)
    person = f.person("Canarygiven", "Canaryfamily", address="5 Canaryaddress Road")
    f.allocate(person, team)
    client = Client()
    caplog.set_level(logging.DEBUG)
    assert (
        client.post("/sign-in", {"username": user.username, "password": f.PASSWORD}).status_code
        == 302
    )
    client.get(f"/people/{person.pk}")
    forbidden = f.person("Othergiven", "Otherfamily")
    assert client.get(f"/people/{forbidden.pk}").status_code == 404
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Not Found" in logged  # the refused view was logged, without its id
    for canary in ("Canarygiven", "Canaryfamily", "Canaryaddress", str(forbidden.pk), f.PASSWORD):
        assert canary not in logged
