"""Break-glass: reason + password + expiry + review by the privacy officer; never protected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.people.models import AccessGrant
from tests import factories as f

pytestmark = pytest.mark.django_db
REASON = "Police report the child missing tonight; duty team unreachable"


@pytest.fixture
def setup() -> dict[str, object]:
    probation = f.agency("Testshire Probation", AgencyKind.PROBATION)
    police = f.agency("Testshire Police", AgencyKind.POLICE)
    user = f.user(Role.PRACTITIONER, f.team(probation, "North"))
    elsewhere = f.team(police, "PPU")
    person = f.person("Sam", "Outofreach")
    f.allocate(person, elsewhere)
    protected = f.person("Pat", "Protectedperson", protected=True, address="8 Hidden Way")
    f.allocate(protected, elsewhere)
    client = Client()
    client.force_login(user)
    return {
        "user": user,
        "person": person,
        "protected": protected,
        "client": client,
        "privacy": f.user(Role.PRIVACY_OFFICER, None, agency_=police),
    }


def _ask(
    client: Client, person_id: object, reason: str = REASON, password: str = f.PASSWORD
) -> int:
    response = client.post(
        f"/people/{person_id}/break-glass", {"reason": reason, "password": password}
    )
    return response.status_code


def test_not_found_page_offers_break_glass_for_any_person_url(setup: dict[str, object]) -> None:
    client: Client = setup["client"]  # type: ignore[assignment]
    forbidden = client.get(f"/people/{setup['person'].pk}")  # type: ignore[attr-defined]
    assert forbidden.status_code == 404
    assert "break-glass" in forbidden.content.decode()


def test_reason_and_password_are_required(setup: dict[str, object]) -> None:
    client: Client = setup["client"]  # type: ignore[assignment]
    person = setup["person"]
    assert _ask(client, person.pk, reason="") == 400  # type: ignore[attr-defined]
    assert _ask(client, person.pk, reason="need it") == 400  # type: ignore[attr-defined]
    assert _ask(client, person.pk, password="wrong-password") == 400  # type: ignore[attr-defined]
    assert not AccessGrant.objects.filter(break_glass=True).exists()
    assert client.get(f"/people/{person.pk}").status_code == 404  # type: ignore[attr-defined]


def test_break_glass_opens_audits_alerts_and_expires(setup: dict[str, object]) -> None:
    client: Client = setup["client"]  # type: ignore[assignment]
    person = setup["person"]
    assert _ask(client, person.pk) == 302  # type: ignore[attr-defined]
    assert client.get(f"/people/{person.pk}").status_code == 200  # type: ignore[attr-defined]
    disclosure = AuditEntry.objects.get(summary="break-glass access opened")
    assert disclosure.action == "disclosure" and disclosure.justification == REASON
    # The privacy officer is alerted: the grant is in the review queue.
    privacy = Client()
    privacy.force_login(setup["privacy"])  # type: ignore[arg-type]
    queue = privacy.get("/break-glass/reviews").content.decode()
    assert "Outofreach" in queue and REASON in queue
    # After expiry the record is out of reach again.
    AccessGrant.objects.filter(break_glass=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(f"/people/{person.pk}").status_code == 404  # type: ignore[attr-defined]


def test_privacy_officer_closes_the_review(setup: dict[str, object]) -> None:
    client: Client = setup["client"]  # type: ignore[assignment]
    _ask(client, setup["person"].pk)  # type: ignore[attr-defined]
    grant = AccessGrant.objects.get(break_glass=True)
    privacy = Client()
    privacy.force_login(setup["privacy"])  # type: ignore[arg-type]
    assert privacy.post(f"/break-glass/reviews/{grant.pk}", {"note": ""}).status_code == 400
    response = privacy.post(
        f"/break-glass/reviews/{grant.pk}", {"note": "Justified: missing child"}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_at is not None and grant.review_note == "Justified: missing child"
    assert "Outofreach" not in privacy.get("/break-glass/reviews").content.decode()
    # Closing ends the access.
    assert client.get(f"/people/{setup['person'].pk}").status_code == 404  # type: ignore[attr-defined]


def test_protected_identity_cannot_be_reached_by_break_glass(setup: dict[str, object]) -> None:
    client: Client = setup["client"]  # type: ignore[assignment]
    protected = setup["protected"]
    missing = client.post(
        "/people/7d0c1b8e-0000-4000-8000-000000000000/break-glass",
        {"reason": REASON, "password": f.PASSWORD},
    )
    refused = client.post(
        f"/people/{protected.pk}/break-glass",  # type: ignore[attr-defined]
        {"reason": REASON, "password": f.PASSWORD},
    )
    assert refused.status_code == missing.status_code == 400
    assert "We could not open that record" in refused.content.decode()
    assert client.get(f"/people/{protected.pk}").status_code == 404  # type: ignore[attr-defined]
    assert "8 Hidden Way" not in refused.content.decode()
