"""The fairness report: counts and shares by group, small numbers suppressed, for the privacy
officer and managers only."""

from __future__ import annotations

import pytest

from safeguard.accounts.roles import Role
from safeguard.alerts.fairness import rate, shown
from safeguard.people.models import SensitiveCharacteristics
from safeguard.safeguarding.services import contact_record
from tests import factories as f
from tests.alerts.helpers import client_for, world
from tests.safeguarding.helpers import ago

pytestmark = pytest.mark.django_db


def test_small_numbers_are_suppressed() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == ["0", "fewer than 5", "fewer than 5", "5", "12"]
    assert rate(3, 100) == "not shown"
    assert rate(5, 4) == "not shown"
    assert rate(5, 20) == "25.0%"
    assert rate(0, 0) == "-"


def test_the_report_is_for_oversight_roles_and_never_names_anyone() -> None:
    w = world()
    SensitiveCharacteristics.objects.create(
        person=w.fam.child.person, ethnicity="Any other White background"
    )
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="injury",
        agency="health",
        occurred_at=ago(1),
        details={"site": "face", "type": "bruise", "explanation": "fell", "mobile": False},
    )
    officer = f.user(Role.PRIVACY_OFFICER, username="privacy.test")
    page = client_for(officer).get("/alerts/fairness")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Any other White background" in text
    assert "fewer than 5" in text
    assert "Robin" not in text and "Testchild" not in text
    assert client_for(w.manager).get("/alerts/fairness").status_code == 200
    assert client_for(w.fam.sw).get("/alerts/fairness").status_code == 404
