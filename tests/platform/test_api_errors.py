"""The API's one error shape, its public OpenAPI document, and consultation audit entries."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def practitioner_client() -> tuple[Client, object]:
    team = f.team(f.agency("Testshire Probation", AgencyKind.PROBATION))
    user = f.user(Role.PRACTITIONER, team)
    person = f.person()
    f.allocate(person, team)
    return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}"), person


def test_openapi_document_is_public_and_lists_the_operations() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/people/{person_id}" in paths
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200


def test_errors_have_message_and_extra(practitioner_client: tuple[Client, object]) -> None:
    client, _ = practitioner_client
    for url, status in [
        (f"/api/v1/people/{uuid.uuid4()}", 404),
        ("/api/v1/people/not-a-uuid", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status
        assert set(response.json()) == {"message", "extra"}
    unauthenticated = Client().get("/api/v1/me")
    assert unauthenticated.status_code == 401
    assert set(unauthenticated.json()) == {"message", "extra"}
    bad_token = Client(HTTP_AUTHORIZATION="Bearer sg_nope").get("/api/v1/me")
    assert bad_token.status_code == 401


def test_one_consultation_entry_per_response(practitioner_client: tuple[Client, object]) -> None:
    client, person = practitioner_client
    before = AuditEntry.objects.count()
    assert client.get(f"/api/v1/people/{person.pk}").status_code == 200  # type: ignore[attr-defined]
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "consultation"
    assert entry.object_type == "person"
    assert entry.object_id == str(person.pk)  # type: ignore[attr-defined]
    # A refused view shows nothing, so it records no consultation either.
    client.get(f"/api/v1/people/{uuid.uuid4()}")
    assert AuditEntry.objects.count() == before + 1


def test_session_api_writes_need_csrf() -> None:
    """A signed-in browser session may read the API; the CSRF check guards unsafe methods."""
    team = f.team(f.agency("Testshire Probation", AgencyKind.PROBATION))
    user = f.user(Role.PRACTITIONER, team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me").json()["role"] == "practitioner"
