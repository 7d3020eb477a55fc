"""Route policies: who may call what, before any record is looked at."""

from __future__ import annotations

import pytest

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.site.policy import FIRST_FACTOR, PUBLIC, STAFF, roles, service
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_feed_policies_admit_service_accounts_only() -> None:
    team = f.team(f.agency("Testshire Health", AgencyKind.HEALTH))
    feed = f.user(Role.PRACTITIONER, team, service=True)
    policy = service("health-feed")
    assert policy.allows(feed)
    for role in Role:
        assert not policy.allows(f.user(role, team)), role


def test_staff_policies_refuse_service_accounts() -> None:
    team = f.team(f.agency("Testshire Health", AgencyKind.HEALTH))
    feed = f.user(Role.PRACTITIONER, team, service=True)
    nurse = f.user(Role.PRACTITIONER, team)
    for policy in (STAFF, FIRST_FACTOR, roles(Role.PRACTITIONER)):
        assert not policy.allows(feed)
        assert policy.allows(nurse)
    assert not roles(Role.PRIVACY_OFFICER).allows(nurse)
    assert PUBLIC.allows(None)
    assert not STAFF.allows(None)
