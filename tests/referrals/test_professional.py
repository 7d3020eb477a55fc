"""Professional referrals: the signed-in page and POST /api/v1/referrals/."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safeguard.accounts.models import Agency
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.referrals.models import Concern, ConcernSource
from tests import factories as f

pytestmark = pytest.mark.django_db


def _police() -> Agency:
    return f.agency("Testshire Police", AgencyKind.POLICE)


def test_a_professional_refers_through_the_page_with_their_agency() -> None:
    officer = f.user(Role.PRACTITIONER, f.team(_police(), "PPU"))
    officer.email = "officer@police.example"
    officer.save()
    client = Client()
    client.force_login(officer)
    assert client.get("/refer-a-concern").status_code == 200
    missing = client.post("/refer-a-concern", {"child_name": "Kit Testchild"})
    assert missing.status_code == 400
    assert b'href="#what_happened"' in missing.content
    assert b'value="Kit Testchild"' in missing.content
    response = client.post(
        "/refer-a-concern", {"child_name": "Kit Testchild", "what_happened": "Found alone at 2am"}
    )
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.reference.encode() in response.content
    assert concern.source == ConcernSource.PROFESSIONAL
    assert concern.referrer == officer
    assert concern.referrer_agency == officer.agency
    assert concern.anonymous is False
    assert concern.contact_details == "officer@police.example"


def test_the_api_takes_a_referral_and_checks_sizes() -> None:
    officer = f.user(Role.PRACTITIONER, f.team(_police(), "PPU"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(officer)}")
    ok = client.post(
        "/api/v1/referrals/",
        json.dumps({"child_name": "Kit Testchild", "what_happened": "Found alone at 2am"}),
        content_type="application/json",
    )
    assert ok.status_code == 201
    reference = ok.json()["reference"]
    concern = Concern.objects.get(reference=reference)
    assert concern.referrer_agency == officer.agency
    too_long = client.post(
        "/api/v1/referrals/",
        json.dumps({"what_happened": "x" * 5001}),
        content_type="application/json",
    )
    assert too_long.status_code == 422
    empty = client.post(
        "/api/v1/referrals/", json.dumps({"what_happened": "  "}), content_type="application/json"
    )
    assert empty.status_code == 400
    assert Concern.objects.count() == 1


def test_professional_referrals_reach_triage_showing_the_agency() -> None:
    officer = f.user(Role.PRACTITIONER, f.team(_police(), "PPU"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(officer)}")
    client.post(
        "/api/v1/referrals/",
        json.dumps({"what_happened": "Found alone at 2am"}),
        content_type="application/json",
    )
    triage = f.user(Role.TRIAGE, f.team(f.agency("Testshire Hub", AgencyKind.FRONT_DOOR), "FD"))
    page = Client()
    page.force_login(triage)
    assert "Testshire Police" in page.get("/triage").content.decode()
