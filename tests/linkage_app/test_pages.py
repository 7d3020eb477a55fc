"""The review queue, the side-by-side page, decisions and undo through the pages and API."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from safeguard.accounts.models import User
from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditEntry
from safeguard.linkage.models import CandidatePair, LinkageEvent, Membership, PairStatus
from safeguard.linkage.services import record_arrival
from tests import factories as f
from tests.linkage_app.helpers import population, record

pytestmark = pytest.mark.django_db


def _pair() -> CandidatePair:
    population()
    record(
        "Stephen",
        "Marlowe",
        date(1986, 4, 2),
        sex="M",
        line1="14 Acacia Avenue",
        postcode="NS1 4AB",
        nhs="9434765919",
    )
    moved = record("Steven", "Marlowe", date(1986, 4, 2), line1="3 Elm Road", postcode="NS5 9ZZ")
    [pair] = record_arrival(person=moved).queued
    return pair


def _reviewer(role: Role = Role.TRIAGE) -> tuple[Client, User]:
    user = f.user(role, f.team(f.agency("Testshire Hub"), "FD"), username=f"r-{role.value}")
    client = Client()
    client.force_login(user)
    return client, user


def test_the_queue_lists_waiting_pairs_and_viewing_it_is_audited() -> None:
    pair = _pair()
    client, user = _reviewer()
    page = client.get("/linkage/review").content.decode()
    assert "Steven Marlowe" in page and "Stephen Marlowe" in page
    assert f"/linkage/pairs/{pair.pk}" in page
    entry = AuditEntry.objects.get(actor_id=user.pk, summary="viewed the linkage review queue")
    assert entry.action == "consultation"
    assert entry.details["pairs"] == [str(pair.pk)]


def test_the_comparison_shows_every_field_agreement_and_the_weights() -> None:
    pair = _pair()
    client, user = _reviewer()
    page = client.get(f"/linkage/pairs/{pair.pk}").content.decode()
    for text in (
        "14 Acacia Avenue",
        "3 Elm Road",
        "NS1 4AB",
        "NS5 9ZZ",
        "9434765919",
        "same date of birth",
        "Disagree",
        "Agree",
        "How the match weight was reached",
        f"{pair.match_weight:.2f} bits",
    ):
        assert text in page, text
    for evidence in pair.evidence:  # the level each comparison reached, as the engine said
        assert evidence["level"] in page
    entry = AuditEntry.objects.get(actor_id=user.pk, summary="compared two records for linkage")
    assert entry.action == "consultation"
    assert set(entry.details["people"]) == {str(pair.left_id), str(pair.right_id)}


def test_a_decision_without_a_reason_is_refused_with_an_error_summary() -> None:
    pair = _pair()
    client, _ = _reviewer()
    response = client.post(f"/linkage/pairs/{pair.pk}/decide", {"decision": "link"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#reason"' in page
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING


def test_link_then_undo_through_the_pages() -> None:
    pair = _pair()
    client, user = _reviewer(Role.PRIVACY_OFFICER)
    response = client.post(
        f"/linkage/pairs/{pair.pk}/decide", {"decision": "link", "reason": "Same GP letter"}
    )
    assert response.status_code == 302
    event = LinkageEvent.objects.get(pair=pair)
    page = client.get(f"/linkage/pairs/{pair.pk}").content.decode()
    assert "Linked by a reviewer" in page and "Same GP letter" in page
    assert f"/linkage/events/{event.pk}/undo" in page
    assert client.post(f"/linkage/events/{event.pk}/undo").status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING
    actions = list(
        AuditEntry.objects.filter(actor_id=user.pk)
        .exclude(action="consultation")
        .order_by("seq")
        .values_list("action", "summary")
    )
    assert actions == [
        ("combination", "linked two records as one person"),
        ("alteration", "undid a linkage change (linked by a reviewer)"),
    ]


def test_the_master_person_page_takes_a_record_out() -> None:
    pair = _pair()
    client, _ = _reviewer()
    client.post(f"/linkage/pairs/{pair.pk}/decide", {"decision": "link", "reason": "Same"})
    master = Membership.objects.get(person=pair.right).master
    page = client.get(f"/linkage/masters/{master.pk}").content.decode()
    assert "Steven Marlowe" in page and "Stephen Marlowe" in page
    client.post(
        f"/linkage/masters/{master.pk}/unmerge",
        {"person": str(pair.left_id), "reason": "Different people after all"},
    )
    page = client.get(f"/linkage/masters/{master.pk}").content.decode()
    assert "Steven Marlowe" not in page.split('id="history"')[0]
    assert "Record taken out of a master person" in page


def test_the_api_lists_decides_and_undoes() -> None:
    pair = _pair()
    client, _ = _reviewer()
    queue = client.get("/api/v1/linkage/pairs").json()
    assert [p["id"] for p in queue] == [str(pair.pk)]
    detail = client.get(f"/api/v1/linkage/pairs/{pair.pk}").json()
    verdicts = {row["label"]: row["verdict"] for row in detail["fields"]}
    assert verdicts["Date of birth"] == "agree" and verdicts["Postcode"] == "disagree"
    decided = client.post(
        f"/api/v1/linkage/pairs/{pair.pk}/decision",
        json.dumps({"decision": "keep_apart", "reason": "Different NI numbers"}),
        content_type="application/json",
    ).json()
    assert decided["status"] == "kept_apart"
    [event] = decided["events"]
    undone = client.post(
        f"/api/v1/linkage/events/{event['id']}/undo", "{}", content_type="application/json"
    ).json()
    assert undone["pair_status"] == "pending"


def test_other_roles_get_not_found() -> None:
    pair = _pair()
    for role in (Role.PRACTITIONER, Role.MANAGER, Role.AUDITOR, Role.ADMINISTRATOR):
        client, _ = _reviewer(role)
        assert client.get("/linkage/review").status_code == 404
        assert client.get(f"/linkage/pairs/{pair.pk}").status_code == 404


def test_the_person_page_shows_the_master_person_to_reviewers_only() -> None:
    pair = _pair()
    officer, _ = _reviewer(Role.PRIVACY_OFFICER)
    officer.post(f"/linkage/pairs/{pair.pk}/decide", {"decision": "link", "reason": "Same"})
    page = officer.get(f"/people/{pair.right_id}").content.decode()
    assert "2 agency records are held to be this person" in page
    team = f.team(f.agency("Testshire Probation"), "North")
    f.allocate(pair.right, team)
    worker = Client()
    worker.force_login(f.user(Role.PRACTITIONER, team, username="pp"))
    shown = worker.get(f"/people/{pair.right_id}")
    assert shown.status_code == 200
    assert "held to be this person" not in shown.content.decode()
