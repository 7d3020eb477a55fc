"""Alert routes in the access matrix: an alert is visible exactly when its child is (the
matrix's reference model); forbidden and missing look the same. The fairness report is for
the privacy officer and managers only. Uses the matrix's world (tests/platform)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import Role
from safeguard.alerts.models import Alert
from safeguard.safeguarding.models import Child
from tests.platform.test_access_matrix import (
    ROUTE_SPECS,
    SCENARIOS,
    SUBJECTS,
    World,
    _client,
    reference_may_see,
)

pytestmark = pytest.mark.django_db

ALERT_ROUTES = [n for n, s in ROUTE_SPECS.items() if s.kind == "alert"]
OVERSIGHT_ROUTES = [n for n, s in ROUTE_SPECS.items() if s.kind == "alert_oversight"]
_BODIES = {
    "alert_close_api": {"decision": "", "rationale": ""},
    "alert_reopen_api": {"reason": ""},
}


@pytest.fixture
def alert_world(world: World) -> dict[str, Alert]:
    now = timezone.now()
    alerts = {}
    for scenario, person in world.targets.items():
        child = Child.objects.create(person=person, registered_at=now)
        alerts[scenario] = Alert.objects.create(
            key=uuid.uuid4().hex,
            child=child,
            rule="non_mobile_injury",
            rule_version="1",
            raised_at=now,
            evidence=["e1"],
            explanation="matrix",
            guidance="matrix",
            severity=5,
            first_seen_at=now,
            updated_at=now,
        )
    return alerts


def _request(client: Client, name: str, alert_id: Any) -> Any:
    spec = ROUTE_SPECS[name]
    url = spec.url.format(id=alert_id)
    if spec.method == "get":
        return client.get(url)
    if spec.api:
        return client.post(url, json.dumps(_BODIES.get(name, {})), content_type="application/json")
    return client.post(url, {})


def _check(
    world: World, alerts: dict[str, Alert], name: str, label: str, role: Role, cleared: bool
) -> None:
    client = _client(world, label, ROUTE_SPECS[name].api)
    missing = _request(client, name, 999_999_999)
    assert missing.status_code == 404, name
    for scenario in SCENARIOS:
        response = _request(client, name, alerts[scenario].pk)
        if reference_may_see(role, cleared, scenario):
            assert response.status_code not in (404, 500), (name, label, scenario)
        else:
            assert response.status_code == 404, (name, label, scenario)
            assert response.content == missing.content, (name, label, scenario)


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_an_alert_is_seen_exactly_when_its_child_is(
    world: World,
    alert_world: dict[str, Alert],
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    for name in ("alert", "alert_get"):
        _check(world, alert_world, name, label, role, cleared)


@pytest.mark.parametrize("name", ALERT_ROUTES)
def test_every_alert_route_uses_the_same_rule(
    world: World,
    alert_world: dict[str, Alert],
    name: str,
) -> None:
    _check(world, alert_world, name, "practitioner", Role.PRACTITIONER, False)
    _check(world, alert_world, name, "auditor", Role.AUDITOR, False)


def test_alert_routes_refuse_service_accounts_and_anonymous(
    world: World,
    alert_world: dict[str, Alert],
) -> None:
    alert = alert_world["allocated"]
    for name in ALERT_ROUTES:
        spec = ROUTE_SPECS[name]
        assert _request(_client(world, "service", spec.api), name, alert.pk).status_code == 404
        assert _request(Client(), name, alert.pk).status_code == (401 if spec.api else 302)
    alert.refresh_from_db()
    assert alert.state == "open"


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_queues_list_only_alerts_about_permitted_children(
    world: World,
    alert_world: dict[str, Alert],
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    names = {p.family_name: s for s, p in world.targets.items()}
    allowed = {s for s in SCENARIOS if reference_may_see(role, cleared, s)}
    for name in ("alerts", "alerts_list"):
        spec = ROUTE_SPECS[name]
        response = _client(world, label, spec.api).get(spec.url)
        assert response.status_code == 200
        text = response.content.decode()
        shown = {s for family, s in names.items() if family in text}
        assert shown <= allowed, (label, name, shown - allowed)
        ids = {s for s, a in alert_world.items() if f'/alerts/{a.pk}"' in text}
        ids |= {
            s for s, a in alert_world.items() if f'"id": {a.pk},' in text or f'"id":{a.pk},' in text
        }
        assert ids <= allowed, (label, name, ids - allowed)


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_the_fairness_report_is_for_oversight_roles(
    world: World,
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    for name in OVERSIGHT_ROUTES:
        spec = ROUTE_SPECS[name]
        response = _client(world, label, spec.api).get(spec.url)
        expected = 200 if role in (Role.PRIVACY_OFFICER, Role.MANAGER) else 404
        assert response.status_code == expected, (name, label)
        assert _client(world, "service", spec.api).get(spec.url).status_code == 404
        assert Client().get(spec.url).status_code == (401 if spec.api else 302)
