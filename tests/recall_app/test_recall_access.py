"""Need-to-know for breach cases: every "breach_*" route of the access matrix
(tests/platform/test_access_matrix.py) against its reference model. A case is visible exactly
when its person is; a route's policy then says which roles may call it; forbidden and missing
look the same."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import Role
from safeguard.recall.models import BreachCase, ParoleReview, Stage
from safeguard.site.routes import all_routes
from tests.platform.test_access_matrix import (
    ROUTE_SPECS,
    SCENARIOS,
    SUBJECTS,
    World,
    _client,
    reference_may_see,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db

CASE_ROUTES = [n for n, s in ROUTE_SPECS.items() if s.kind in ("breach_case", "breach_person")]
LIST_ROUTES = [n for n, s in ROUTE_SPECS.items() if s.kind == "breach_list"]
# The case page and its API twin in every scenario; the rest where the rules differ.
FULL = {"recall-case", "recall_case_get"}
SOME = ["allocated", "protected", "other_team_same_agency", "unconnected", "former_identity"]


@pytest.fixture
def cases(world: World) -> dict[str, BreachCase]:  # noqa: F811
    return {
        scenario: BreachCase.objects.create(
            person=person, opened_at=timezone.now(), sentence_length_months=30
        )
        for scenario, person in world.targets.items()
    }


def _request(client: Client, name: str, target: Any) -> Any:
    spec = ROUTE_SPECS[name]
    url = spec.url.format(id=target)
    if spec.method == "get":
        return client.get(url)
    if not spec.api:
        return client.post(url, {})
    body = {"person_id": str(target)} if spec.kind == "breach_person" else {}
    return client.post(url, json.dumps(body), content_type="application/json")


def _target(name: str, world: World, cases: dict[str, BreachCase], scenario: str) -> Any:  # noqa: F811
    if ROUTE_SPECS[name].kind == "breach_person":
        return world.targets[scenario].pk
    return cases[scenario].pk


def test_the_matrix_lists_every_recall_route() -> None:
    names = {r.name for r in all_routes() if r.path.startswith(("recall/", "api/v1/recall/"))}
    names |= {r.name for r in all_routes() if "breach-cases" in r.path}
    names |= {r.name for r in all_routes() if "parole-reviews" in r.path}
    assert {"recall-parole-review", "recall_parole_review_record"} <= names
    assert names and names <= set(ROUTE_SPECS)
    assert names <= set(CASE_ROUTES) | set(LIST_ROUTES)


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_recall_routes_follow_need_to_know(
    world: World,  # noqa: F811
    cases: dict[str, BreachCase],
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    policies = {r.name: r.policy for r in all_routes()}
    user = world.users[label]
    for name in CASE_ROUTES:
        spec = ROUTE_SPECS[name]
        client = _client(world, label, spec.api)
        missing = _request(client, name, uuid.uuid4())
        assert missing.status_code == 404, name
        policy = policies[name]
        allowed = policy is not None and policy.allows(user)
        for scenario in SCENARIOS if name in FULL else SOME:
            response = _request(client, name, _target(name, world, cases, scenario))
            if allowed and reference_may_see(role, cleared, scenario):
                assert response.status_code not in (404, 500), (name, label, scenario)
            else:
                assert response.status_code == 404, (name, label, scenario)
                assert response.content == missing.content, (name, label, scenario)
    # Nothing the matrix sent changed a case (every write was refused or not found).
    assert set(BreachCase.objects.values_list("stage", flat=True)) == {Stage.OPEN}
    assert not ParoleReview.objects.exists()


def test_recall_routes_refuse_service_accounts_and_anonymous(
    world: World,  # noqa: F811
    cases: dict[str, BreachCase],
) -> None:
    for name in CASE_ROUTES + LIST_ROUTES:
        spec = ROUTE_SPECS[name]
        target = _target(name, world, cases, "allocated")
        assert _request(_client(world, "service", spec.api), name, target).status_code == 404
        anonymous = _request(Client(), name, target)
        assert anonymous.status_code == (401 if spec.api else 302), name


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_recall_lists_show_only_permitted_people(
    world: World,  # noqa: F811
    cases: dict[str, BreachCase],
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    names = {p.family_name: s for s, p in world.targets.items()}
    allowed = {s for s in SCENARIOS if reference_may_see(role, cleared, s)}
    for route in LIST_ROUTES:
        if route == "recall-casework":
            continue  # lists approved recalls only: none here (checked in the page tests)
        spec = ROUTE_SPECS[route]
        response = _client(world, label, spec.api).get(spec.url)
        assert response.status_code == 200
        shown = {s for family, s in names.items() if family in response.content.decode()}
        assert shown <= allowed, (label, route, shown - allowed)
        if role in (Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER):
            assert "allocated" in shown


def test_the_casework_queue_shows_only_permitted_people(
    world: World,  # noqa: F811
    cases: dict[str, BreachCase],
) -> None:
    BreachCase.objects.update(stage=Stage.APPROVED, recommendation="recall_standard")
    names = {p.family_name: s for s, p in world.targets.items()}
    for label, role, cleared in SUBJECTS:
        response = _client(world, label, False).get("/recall/casework")
        shown = {s for family, s in names.items() if family in response.content.decode()}
        assert shown <= {s for s in SCENARIOS if reference_may_see(role, cleared, s)}, label
