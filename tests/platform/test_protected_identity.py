"""Protected identities: the former identity and the current address only for named roles."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.people.models import IdentityLink
from tests import factories as f

pytestmark = pytest.mark.django_db

ADDRESS_CANARY = "17 Canary Wharf Close"
FORMER_CANARY = "Quillon"


@pytest.fixture
def protected() -> dict[str, object]:
    agency = f.agency("Testshire Probation", AgencyKind.PROBATION)
    team = f.team(agency)
    current = f.person("Robin", "Newname", protected=True, address=ADDRESS_CANARY)
    former = f.person("Robin", FORMER_CANARY, former=True, address="9 Old Street")
    IdentityLink.build(current=current, former=former).save()
    f.allocate(current, team)
    return {
        "current": current,
        "former": former,
        "practitioner": f.user(Role.PRACTITIONER, team),
        "privacy": f.user(Role.PRIVACY_OFFICER, None, agency_=agency),
        "cleared": f.user(Role.PRACTITIONER, team, cleared=True),
    }


def _page(user: object, url: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _api(user: object, url: str) -> str:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}")  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_allocated_practitioner_sees_the_person_but_not_the_address_or_former_name(
    protected: dict[str, object],
) -> None:
    current = protected["current"]
    url = f"/people/{current.pk}"  # type: ignore[attr-defined]
    for text in (
        _page(protected["practitioner"], url),
        _api(protected["practitioner"], "/api/v1" + url),
    ):
        assert "Newname" in text
        assert ADDRESS_CANARY not in text
        assert FORMER_CANARY not in text
    data = json.loads(_api(protected["practitioner"], "/api/v1" + url))
    assert data["address_withheld"] is True
    assert data["current_address"] is None
    assert data["former_identities"] == []


def test_named_roles_see_address_and_former_identity(protected: dict[str, object]) -> None:
    current = protected["current"]
    url = f"/people/{current.pk}"  # type: ignore[attr-defined]
    for user in (protected["privacy"], protected["cleared"]):
        page = _page(user, url)
        assert ADDRESS_CANARY in page
        assert FORMER_CANARY in page
        data = json.loads(_api(user, "/api/v1" + url))
        assert data["current_address"]["line1"] == ADDRESS_CANARY
        assert [x["name"] for x in data["former_identities"]] == [f"Robin {FORMER_CANARY}"]


def test_former_identity_does_not_exist_for_others(protected: dict[str, object]) -> None:
    former = protected["former"]
    client = Client()
    client.force_login(protected["practitioner"])  # type: ignore[arg-type]
    response = client.get(f"/people/{former.pk}")  # type: ignore[attr-defined]
    assert response.status_code == 404
    assert FORMER_CANARY not in response.content.decode()
    home = client.get("/").content.decode()
    assert FORMER_CANARY not in home and ADDRESS_CANARY not in home
