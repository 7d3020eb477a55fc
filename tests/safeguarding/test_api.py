"""The API: feeds from partner agencies (with CP-IS style notifications) and staff operations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.safeguarding.models import ChronologyEvent, Notification
from safeguard.safeguarding.services import plan_start
from tests import factories as f
from tests.safeguarding.helpers import NHS_NUMBER, Family, ago, family

pytestmark = pytest.mark.django_db


def _feed(fam: Family, kind: AgencyKind) -> Client:
    agency = fam.health_team.agency if kind is AgencyKind.HEALTH else fam.police_team.agency
    account = f.user(Role.PRACTITIONER, agency_=agency, service=True, username=f"{kind.value}-feed")
    return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(account)}")


def _attendance(reference: str = "ED-1001", **extra: object) -> dict[str, object]:
    return {
        "reference": reference,
        "nhs_number": NHS_NUMBER,
        "at": ago(0.2, hour=2).isoformat(),
        "setting": "emergency_department",
        "provider": "Testshire General",
        "reason": "head injury",
        **extra,
    }


def _post(client: Client, url: str, body: Mapping[str, object]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


HEALTH_URL = "/api/v1/safeguarding/feeds/health/attendances"
POLICE_URL = "/api/v1/safeguarding/feeds/police/callouts"


def test_an_attendance_on_a_plan_notifies_the_social_worker_without_personal_data() -> None:
    fam = family()
    plan_start(
        actor=fam.sw,
        child=fam.child,
        category="physical",
        started_on=timezone.localdate() - timedelta(days=20),
        initial_conference_on=timezone.localdate() - timedelta(days=20),
        team=fam.social_care,
        social_worker=fam.sw,
    )
    feed = _feed(fam, AgencyKind.HEALTH)
    response = _post(feed, HEALTH_URL, _attendance())
    assert response.status_code == 201, response.content
    assert response.json()["social_worker_notified"] is True
    [note] = Notification.objects.filter(user=fam.sw)
    assert "Emergency department attendance at Testshire General" in note.message
    for private in ("Robin", "Testchild", "head injury", NHS_NUMBER):
        assert private not in note.message
    page = fam.client(fam.sw).get("/notifications").content.decode()
    assert "Robin Testchild" in page  # the reader may see the child: the name is looked up
    assert AuditEntry.objects.filter(action="disclosure", recipients=["sw.test"]).exists()
    # The same item again: no second event, no second notification.
    again = _post(feed, HEALTH_URL, _attendance())
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert ChronologyEvent.objects.filter(kind="attendance").count() == 1
    assert Notification.objects.count() == 1


def test_an_attendance_off_plan_is_recorded_without_a_notification() -> None:
    fam = family()
    response = _post(_feed(fam, AgencyKind.HEALTH), HEALTH_URL, _attendance("GP-7", setting="gp"))
    assert response.status_code == 201
    assert response.json()["social_worker_notified"] is False
    assert not Notification.objects.exists()


def test_feeds_accept_only_their_own_agencys_service_accounts() -> None:
    fam = family()
    police_feed = _feed(fam, AgencyKind.POLICE)
    assert _post(police_feed, HEALTH_URL, _attendance()).status_code == 404
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(fam.nurse)}")
    assert _post(staff, HEALTH_URL, _attendance()).status_code == 404
    assert _post(Client(), HEALTH_URL, _attendance()).status_code == 401
    unknown = _attendance(nhs_number="9990000999")
    assert _post(_feed(fam, AgencyKind.HEALTH), HEALTH_URL, unknown).status_code == 404
    assert not ChronologyEvent.objects.filter(kind="attendance").exists()


def test_a_police_callout_feed_names_adults_and_the_gap_shows_in_the_api() -> None:
    fam = family()
    body = {
        "reference": "INC-55",
        "nhs_number": NHS_NUMBER,
        "at": ago(1, hour=23).isoformat(),
        "reason": "Domestic argument",
        "adults_present": [
            {"given_name": "Morgan", "family_name": "Testchild"},
            {"given_name": "Dale", "family_name": "Stranger", "date_of_birth": "1988-04-01"},
        ],
    }
    response = _post(_feed(fam, AgencyKind.POLICE), POLICE_URL, body)
    assert response.status_code == 201, response.content
    api = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(fam.sw)}")
    child = api.get(f"/api/v1/safeguarding/children/{fam.child.pk}").json()
    seen = {a["name"]: a for a in child["adults_seen"]}
    assert seen["Dale Stranger"]["in_recorded_household"] is False
    assert seen["Morgan Testchild"]["in_recorded_household"] is True
    chronology = api.get(
        f"/api/v1/safeguarding/children/{fam.child.pk}/chronology?kind=police_callout"
    ).json()
    [event] = chronology["events"]
    assert {a["name"]: a["in_recorded_household"] for a in event["adults_present"]} == {
        "Morgan Testchild": True,
        "Dale Stranger": False,
    }


def test_a_naive_time_from_a_feed_is_refused() -> None:
    fam = family()
    body = _attendance(at=ago(1).replace(tzinfo=None).isoformat())
    response = _post(_feed(fam, AgencyKind.HEALTH), HEALTH_URL, body)
    assert response.status_code == 400
    assert set(response.json()) == {"message", "extra"}


def test_staff_record_an_event_and_export_jsonl_through_the_api() -> None:
    fam = family()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(fam.sw)}")
    body = {
        "kind": "missed_appointment",
        "agency": "health",
        "at": ago(2).isoformat(),
        "details": {"setting": "dentist"},
        "significant": True,
    }
    created = _post(api, f"/api/v1/safeguarding/children/{fam.child.pk}/events", body)
    assert created.status_code == 201, created.content
    assert created.json()["details"] == {"setting": "dentist"}
    exported = api.get(
        f"/api/v1/safeguarding/children/{fam.child.pk}/events.jsonl?purpose=indicator+check&recipients=MASH"
    )
    assert exported.status_code == 200
    lines = [json.loads(line) for line in exported.content.decode().splitlines()]
    assert [e["kind"] for e in lines][-1] == "missed_appointment"
    assert (
        AuditEntry.objects.filter(action="disclosure", justification="indicator check").count() == 1
    )
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(fam.outsider)}")
    assert (
        _post(outsider, f"/api/v1/safeguarding/children/{fam.child.pk}/events", body).status_code
        == 404
    )
