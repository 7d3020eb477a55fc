"""The API fuzzed against its own OpenAPI document with each role's token (security.md #19):
no 5xx and every documented response conforms to its schema.

schemathesis 4 generates requests for every operation of ``/api/v1/openapi.json`` and sends them
in-process to the Django WSGI application, over the synthetic demo county: once with generated
path ids (mostly records that do not exist, or are not the caller's) and once with real ids of
the county's records. Each example runs in a savepoint that is rolled back, so every request
sees the same county. The number of examples per operation is bounded for CI
(``SAFEGUARD_FUZZ_EXAMPLES``, default 2); generation is derandomised, so a failure reproduces.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from safeguard.accounts.models import User
from safeguard.accounts.roles import Role
from safeguard.demo.county import county_generate
from tests import factories as f

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SAFEGUARD_FUZZ_EXAMPLES", "2"))
ROLES = [
    "pp.north",
    "spo.north",
    "manager.probation",
    "sw.teama",
    "triage.mash",
    "privacy.officer",
    "auditor",
    "admin",
]


def test_every_api_schema_has_its_own_name() -> None:
    """django-ninja keys the document's components by class name: two classes of one name
    silently share one schema, and the document then lies about one of them."""
    from ninja import Schema

    import safeguard.site.urls  # noqa: F401 - registers every router

    modules: dict[str, set[str]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("safeguard."):
                modules.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    clashes = {name: sorted(found) for name, found in modules.items() if len(found) > 1}
    assert not clashes


@pytest.fixture
def in_process_app() -> Iterator[Any]:
    """The WSGI app on the test's own connection: Django would close it at each request end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _real_ids() -> dict[str, str]:
    """One real record per path parameter name, from the county."""
    from safeguard.licences.models import Licence
    from safeguard.people.models import Person
    from safeguard.safeguarding.models import Child

    ids: dict[str, str] = {}
    person = Person.objects.filter(allocations__team__agency__kind="probation").first()
    if person is not None:
        ids["person_id"] = str(person.pk)
    licence = Licence.objects.order_by("pk").first()
    if licence is not None:
        ids["licence_id"] = str(licence.pk)
        condition = licence.conditions.order_by("pk").first()
        if condition is not None:
            ids["condition_id"] = str(condition.pk)
        ids["policy"] = licence.policy
    child = Child.objects.order_by("pk").first()
    if child is not None:
        ids["child_id"] = str(child.pk)
    return {k: v for k, v in ids.items() if v}


def _fuzz(strategy: Any, headers: dict[str, str]) -> int:
    """Send up to EXAMPLES generated requests; raise on a 5xx or a non-conforming response."""
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        nonlocal sent
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            sent += 1
            checks: list[Any] = [not_a_server_error, response_schema_conformance]
            case.validate_response(response, checks=checks, headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)

    run()
    return sent


def _tokens() -> list[tuple[str, str]]:
    tokens = [(name, f.token_for(User.objects.get(username=name))) for name in ROLES]
    feed = f.user(Role.PRACTITIONER, username="feed.fuzz", service=True)
    tokens.append(("service-account", f.token_for(feed)))
    return tokens


def test_no_server_error_and_responses_match_the_schema(in_process_app: Any) -> None:
    county_generate(seed=11)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process_app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    ids = _real_ids()
    failures: list[str] = []
    requests = 0
    for label, token in _tokens():
        headers = {"Authorization": f"Bearer {token}"}
        for operation in operations:
            names = [p.name for p in operation.path_parameters]
            strategies = [operation.as_strategy()]
            if names and all(n in ids for n in names):
                strategies.append(operation.as_strategy(path_parameters={n: ids[n] for n in names}))
            for strategy in strategies:
                try:
                    requests += _fuzz(strategy, headers)
                except (Exception, BaseExceptionGroup) as exc:
                    failures.append(f"[{label}] {operation.label}: {str(exc)[:1500]}")
    assert requests >= len(operations) * len(ROLES)
    assert not failures, "\n\n".join(failures)
