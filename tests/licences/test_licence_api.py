"""/api/v1/licences/...: the same operations as the pages; errors as {"message", "extra"}."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from tests import factories as f
from tests.licences.helpers import CURFEW_V3, EXCLUSION, TODAY, probation_team, square

from safeguard.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _api(user: object) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}")  # type: ignore[arg-type]


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


CURFEW: dict[str, Any] = {
    "code": CURFEW_V3,
    "values": {
        "numberOfCurfews": "One curfew",
        "curfewStart": "19:00",
        "curfewEnd": "07:00",
        "reviewPeriod": "Weekly",
    },
}


def test_create_with_conditions_and_field_errors_in_one_shape() -> None:
    team = probation_team()
    client = _api(team.practitioner)
    body = {
        "person_id": str(team.person.pk),
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + timedelta(days=365)).isoformat(),
        "approved_address_id": team.address.pk,
        "conditions": [
            {**CURFEW, "values": {**CURFEW["values"], "curfewEnd": "7am"}},
            {
                "code": EXCLUSION,
                "values": {"outOfBoundFilename": {"type": "Polygon", "coordinates": []}},
            },
        ],
    }
    bad = _post(client, "/api/v1/licences/", body)
    assert bad.status_code == 400
    assert bad.json() == {
        "message": "Check the conditions",
        "extra": {
            "fields": {
                "conditions[0].curfewEnd": "Enter a real time",
                "conditions[1].outOfBoundFilename": (
                    "Draw the area as a closed shape with at least 3 corners"
                ),
            }
        },
    }
    assert not team.person.licences.exists()  # nothing half-made
    body["conditions"] = [
        CURFEW,
        {"code": EXCLUSION, "values": {"outOfBoundFilename": square(53.06, -1.46)}},
    ]
    created = _post(client, "/api/v1/licences/", body)
    assert created.status_code == 200, created.content
    licence = created.json()
    assert licence["status"] == "draft"
    assert [c["kind"] for c in licence["conditions"]].count("additional") == 2
    curfew = next(c for c in licence["conditions"] if c["code"] == CURFEW_V3)
    assert "between the hours of 7pm and 7am daily" in curfew["text"]
    dates = _post(client, "/api/v1/licences/", {**body, "start_date": "2027-02-30"})
    assert dates.json()["extra"]["fields"] == {"start_date": "Enter a real date, like 2027-03-31"}


def test_lifecycle_and_variation_through_the_api() -> None:
    team = probation_team()
    author, senior = _api(team.practitioner), _api(team.senior)
    start = TODAY - timedelta(days=30)
    licence = _post(
        author,
        "/api/v1/licences/",
        {
            "person_id": str(team.person.pk),
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=365)).isoformat(),
            "approved_address_id": team.address.pk,
            "conditions": [CURFEW],
        },
    ).json()
    url = f"/api/v1/licences/{licence['id']}"
    assert _post(author, f"{url}/submit").json()["status"] == "submitted"
    refused = _post(author, f"{url}/approve")
    assert refused.status_code == 404 and set(refused.json()) == {"message", "extra"}
    assert _post(senior, f"{url}/approve").json()["status"] == "approved"
    assert _post(author, f"{url}/activate").json()["status"] == "active"
    curfew_id = next(
        c["id"] for c in author.get(url).json()["conditions"] if c["code"] == CURFEW_V3
    )
    change_on = TODAY - timedelta(days=5)
    varied = _post(
        author,
        f"{url}/variations",
        {
            "effective_from": change_on.isoformat(),
            "reason": "Good progress",
            "change": [
                {"condition_id": curfew_id, "values": {**CURFEW["values"], "curfewStart": "21:00"}}
            ],
        },
    )
    assert varied.status_code == 200, varied.content
    assert varied.json()["status"] == "varied"
    before = author.get(
        f"{url}/conditions", {"on": (change_on - timedelta(days=1)).isoformat()}
    ).json()
    after = author.get(f"{url}/conditions", {"on": change_on.isoformat()}).json()
    start_of = [c["values"]["curfewStart"] for c in before["conditions"] if c["code"] == CURFEW_V3]
    assert start_of == ["19:00"]
    assert [c["values"]["curfewStart"] for c in after["conditions"] if c["code"] == CURFEW_V3] == [
        "21:00"
    ]
    history = author.get(url).json()
    assert [v["reason"] for v in history["variations"]] == ["Good progress"]
    assert [e["kind"] for e in history["history"]][-1] == "varied"
    missing = _post(author, f"{url}/variations", {"reason": ""})
    assert missing.json()["extra"]["fields"] == {
        "effective_from": "Enter the date the change takes effect",
        "reason": "Enter the reason for the change",
        "changes": "Add, remove or change at least one condition",
    }


def test_reads_are_audited_once_and_refusals_look_like_missing_records() -> None:
    team = probation_team()
    client = _api(team.practitioner)
    created = _post(
        client,
        "/api/v1/licences/",
        {
            "person_id": str(team.person.pk),
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY + timedelta(days=30)).isoformat(),
            "approved_address_id": team.address.pk,
        },
    ).json()
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    assert client.get(f"/api/v1/licences/{created['id']}").status_code == 200
    assert [e.action for e in AuditEntry.objects.filter(seq__gt=before)] == ["consultation"]
    from safeguard.accounts.roles import Role

    south = f.team(f.agency("Testshire Probation"), "South")
    stranger = _api(f.user(Role.PRACTITIONER, south))
    forbidden = stranger.get(f"/api/v1/licences/{created['id']}")
    missing = stranger.get(f"/api/v1/licences/{uuid.uuid4()}")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    assert client.get("/api/v1/licences/not-a-uuid").json() == {"message": "Not found", "extra": {}}


def test_disclosure_links_the_partner_and_the_catalogue_is_public_to_staff() -> None:
    team = probation_team()
    client = _api(team.practitioner)
    licence = _post(
        client,
        "/api/v1/licences/",
        {
            "person_id": str(team.person.pk),
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY + timedelta(days=30)).isoformat(),
            "approved_address_id": team.address.pk,
        },
    ).json()
    bad = _post(
        client, f"/api/v1/licences/{licence['id']}/disclosures", {"new_partner": {"given_name": ""}}
    )
    assert bad.json()["extra"]["fields"] == {
        "started_on": "Enter the date the relationship started",
        "household_includes_children": "Select yes if the partner's household includes children",
        "action_taken": "Select the action taken",
    }
    done = _post(
        client,
        f"/api/v1/licences/{licence['id']}/disclosures",
        {
            "new_partner": {"given_name": "Robin", "family_name": "Partnerperson"},
            "started_on": (TODAY - timedelta(days=3)).isoformat(),
            "household_includes_children": True,
            "action_taken": "childrens_services",
        },
    )
    assert done.status_code == 200, done.content
    (disclosure,) = done.json()["disclosures"]
    assert disclosure["partner"]["name"] == "Robin Partnerperson"
    # The partner is now in the person index, tied to the person: the team may see them.
    assert client.get(f"/api/v1/people/{disclosure['partner']['id']}").status_code == 200
    catalogue = client.get("/api/v1/licences/catalogue/4.0").json()
    assert len(catalogue) == 74
    assert client.get("/api/v1/licences/catalogue/9").status_code == 404


def test_document_from_the_api() -> None:
    team = probation_team()
    client = _api(team.practitioner)
    licence = _post(
        client,
        "/api/v1/licences/",
        {
            "person_id": str(team.person.pk),
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY + timedelta(days=30)).isoformat(),
            "approved_address_id": team.address.pk,
        },
    ).json()
    response = client.get(f"/api/v1/licences/{licence['id']}/document")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
