"""`safeguard alerts evaluate | link-licences | fairness`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from safeguard.accounts.roles import Role
from safeguard.alerts.cli import app
from safeguard.alerts.models import Alert
from tests import factories as f
from tests.alerts.helpers import add_to_household, child_condition_add, world

pytestmark = pytest.mark.django_db(transaction=True)


def test_link_evaluate_and_report_from_the_command_line() -> None:
    w = world(child_condition=False)
    add_to_household(w)
    child_condition_add(w.licence)
    runner = CliRunner()
    linked = runner.invoke(app, ["link-licences"])
    assert linked.exit_code == 0 and "children linked 1" in linked.output
    assert Alert.objects.filter(rule="restricted_adult").count() == 1
    again = runner.invoke(app, ["evaluate"])
    assert again.exit_code == 0 and "raised 0" in again.output
    bad = runner.invoke(app, ["evaluate", "--as-of", "2026-01-01T10:00"])
    assert bad.exit_code == 2
    f.user(Role.PRIVACY_OFFICER, username="privacy.cli")
    report = runner.invoke(app, ["fairness", "--as-user", "privacy.cli"])
    assert report.exit_code == 0
    data = json.loads(report.output)
    assert data["alerts"] == "fewer than 5"
    refused = runner.invoke(app, ["fairness", "--as-user", w.fam.sw.username])
    assert refused.exit_code == 2
