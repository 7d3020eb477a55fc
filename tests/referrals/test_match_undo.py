"""Undoing a wrong match: out of the wrong child's chronology, audited, and re-matchable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.people.models import Person
from safeguard.referrals.models import Concern, ConcernSource
from safeguard.safeguarding.models import Child, ChronologyEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _triage_client() -> Client:
    hub = f.agency("Testshire Hub", AgencyKind.FRONT_DOOR)
    client = Client()
    client.force_login(f.user(Role.TRIAGE, f.team(hub, "Front Door"), username="triage-one"))
    return client


def _matched_concern(client: Client) -> tuple[Concern, Person]:
    child = f.person("Tilly", "Testchild", dob=date(2019, 3, 3), address="4 Canary Row")
    Child.objects.create(person=child, registered_at=timezone.now())
    concern = Concern.objects.create(
        reference="SG-7777-8888",
        received_at=timezone.now() - timedelta(minutes=30),
        source=ConcernSource.PUBLIC,
        child_name="Tilly Testchild",
        child_age="03/03/2019",
        postcode="NS1 1AA",
        what_happened="Shouting every night.",
    )
    response = client.post(f"/triage/{concern.reference}", {"action": "match", "person": child.pk})
    assert response.status_code == 302
    assert ChronologyEvent.objects.filter(child_id=child.pk, kind="concern").count() == 1
    return concern, child


def test_undoing_a_match_takes_the_concern_out_of_that_childs_chronology() -> None:
    client = _triage_client()
    concern, child = _matched_concern(client)
    page = client.get(f"/triage/{concern.reference}").content.decode()
    assert "Undo match" in page

    response = client.post(
        f"/triage/{concern.reference}",
        {"action": "unmatch", "unmatch_reason": "Same name, different family"},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.matched_person is None
    assert concern.what_happened == "Shouting every night."  # nothing reported is lost
    assert not ChronologyEvent.objects.filter(child_id=child.pk).exists()
    entry = AuditEntry.objects.get(summary="undid the match of a concern to a person")
    assert entry.justification == "Same name, different family"
    assert AuditEntry.objects.filter(
        object_id=str(child.pk),
        summary="removed a front-door concern matched to the wrong child",
    ).exists()

    # The proposals come back and the match can be confirmed again.
    page = client.get(f"/triage/{concern.reference}").content.decode()
    assert 'id="proposals"' in page
    client.post(f"/triage/{concern.reference}", {"action": "match", "person": child.pk})
    assert ChronologyEvent.objects.filter(child_id=child.pk).count() == 1


def test_an_undo_needs_a_reason() -> None:
    client = _triage_client()
    concern, child = _matched_concern(client)
    response = client.post(
        f"/triage/{concern.reference}", {"action": "unmatch", "unmatch_reason": "  "}
    )
    assert response.status_code == 400
    assert "Say why the match was wrong" in response.content.decode()
    concern.refresh_from_db()
    assert concern.matched_person_id == child.pk
    assert ChronologyEvent.objects.filter(child_id=child.pk).count() == 1


def test_an_undo_is_refused_once_the_outcome_is_recorded() -> None:
    client = _triage_client()
    concern, child = _matched_concern(client)
    client.post(
        f"/triage/{concern.reference}", {"action": "rate", "rag": "amber", "rag_reason": "Why"}
    )
    client.post(
        f"/triage/{concern.reference}",
        {"action": "outcome", "outcome": "existing_case", "rationale": "Known family"},
    )
    response = client.post(
        f"/triage/{concern.reference}", {"action": "unmatch", "unmatch_reason": "Oops"}
    )
    assert response.status_code == 400
    assert "can no longer be undone" in response.content.decode()
    assert ChronologyEvent.objects.filter(child_id=child.pk).count() == 1


def test_an_alert_that_cited_the_removed_concern_is_superseded() -> None:
    from safeguard.alerts.models import Alert
    from safeguard.safeguarding.services import contact_record

    client = _triage_client()
    concern, child = _matched_concern(client)
    officer = f.user(
        Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE), "PPU")
    )
    contact_record(
        actor=officer,
        child=Child.objects.get(pk=child.pk),
        kind="police_callout",
        agency="police",
        occurred_at=timezone.now() - timedelta(minutes=5),
        details={"reason": "Shouting reported", "adults_present": []},
    )
    alert = Alert.objects.get(child_id=child.pk, rule="multi_agency_concern")
    assert not alert.superseded

    client.post(
        f"/triage/{concern.reference}",
        {"action": "unmatch", "unmatch_reason": "Different family of the same name"},
    )
    alert.refresh_from_db()
    assert alert.superseded  # kept for the record, out of the queues
