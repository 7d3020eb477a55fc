"""Triage: rating with deadlines, assignment, matching to the person index, outcomes, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.referrals.models import Concern, ConcernSource
from safeguard.safeguarding.models import Child, ChronologyEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _triage_user(name: str = "triage-one") -> object:
    hub = f.agency("Testshire Hub", AgencyKind.FRONT_DOOR)
    return f.user(Role.TRIAGE, f.team(hub, "Front Door"), username=name)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _concern(**fields: object) -> Concern:
    values: dict[str, object] = {
        "reference": "SG-3333-4444",
        "received_at": timezone.now() - timedelta(minutes=30),
        "source": ConcernSource.PUBLIC,
        "child_name": "Tilly Testchild",
        "child_age": "03/03/2019",
        "postcode": "NS1 1AA",
        "what_happened": "Shouting every night.",
        **fields,
    }
    return Concern.objects.create(**values)


def _audited(concern: Concern, summary: str) -> bool:
    return AuditEntry.objects.filter(object_id=str(concern.pk), summary=summary).exists()


@pytest.mark.parametrize(("rag", "hours"), [("red", 2), ("amber", 8), ("green", 24)])
def test_rating_sets_the_deadline_from_receipt(rag: str, hours: int) -> None:
    concern = _concern()
    response = _client(_triage_user()).post(
        f"/triage/{concern.reference}", {"action": "rate", "rag": rag, "rag_reason": "Because"}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.rag == rag
    assert concern.due_at == concern.received_at + timedelta(hours=hours)
    assert _audited(concern, "rated a concern")


def test_deadlines_come_from_settings(settings: object) -> None:
    settings.REFERRALS_RAG_HOURS = {"red": 1, "amber": 4, "green": 12}  # type: ignore[attr-defined]
    concern = _concern()
    _client(_triage_user()).post(
        f"/triage/{concern.reference}", {"action": "rate", "rag": "red", "rag_reason": "Now"}
    )
    concern.refresh_from_db()
    assert concern.due_at == concern.received_at + timedelta(hours=1)


def test_a_rating_needs_a_reason() -> None:
    concern = _concern()
    response = _client(_triage_user()).post(
        f"/triage/{concern.reference}", {"action": "rate", "rag": "red", "rag_reason": " "}
    )
    assert response.status_code == 400
    assert b'href="#rag_reason"' in response.content
    concern.refresh_from_db()
    assert concern.rag == ""


def test_the_queue_shows_unrated_first_then_by_deadline_and_overdue() -> None:
    now = timezone.now()
    _concern(reference="SG-GGGG-GGGG", rag="green", due_at=now + timedelta(hours=20))
    _concern(reference="SG-RRRR-RRRR", rag="red", due_at=now - timedelta(minutes=5))
    _concern(reference="SG-NNNN-NNNN")
    text = _client(_triage_user()).get("/triage").content.decode()
    order = [text.index(r) for r in ("SG-NNNN-NNNN", "SG-RRRR-RRRR", "SG-GGGG-GGGG")]
    assert order == sorted(order)
    assert "Overdue" in text


def test_assigning_to_another_triage_worker() -> None:
    me, colleague = _triage_user(), _triage_user("triage-two")
    concern = _concern()
    client = _client(me)
    assert (
        client.post(
            f"/triage/{concern.reference}",
            {"action": "assign", "assignee": colleague.pk},  # type: ignore[attr-defined]
        ).status_code
        == 302
    )
    concern.refresh_from_db()
    assert concern.assigned_to == colleague
    assert _audited(concern, "assigned a concern")
    practitioner = f.user(Role.PRACTITIONER, f.team(f.agency(), "North"))
    refused = client.post(
        f"/triage/{concern.reference}", {"action": "assign", "assignee": practitioner.pk}
    )
    assert refused.status_code == 400


def test_an_outcome_needs_a_rating_and_a_rationale_and_closes_the_concern() -> None:
    concern = _concern()
    client = _client(_triage_user())
    url = f"/triage/{concern.reference}"
    early = client.post(url, {"action": "outcome", "outcome": "early_help", "rationale": "x"})
    assert early.status_code == 400
    client.post(url, {"action": "rate", "rag": "green", "rag_reason": "No immediate risk"})
    no_reason = client.post(url, {"action": "outcome", "outcome": "early_help", "rationale": ""})
    assert no_reason.status_code == 400
    assert b'href="#rationale"' in no_reason.content
    done = client.post(
        url, {"action": "outcome", "outcome": "early_help", "rationale": "Family asked for help"}
    )
    assert done.status_code == 302
    concern.refresh_from_db()
    assert concern.outcome == "early_help"
    assert _audited(concern, "recorded the outcome of a concern")
    queue = client.get("/triage").content.decode()
    assert "There are no open concerns" in queue


def test_adding_to_an_existing_case_needs_a_confirmed_match() -> None:
    concern = _concern(rag="amber", due_at=timezone.now())
    response = _client(_triage_user()).post(
        f"/triage/{concern.reference}",
        {"action": "outcome", "outcome": "existing_case", "rationale": "Known family"},
    )
    assert response.status_code == 400
    assert b"Confirm which person" in response.content


def test_a_match_is_proposed_and_confirming_it_adds_to_the_childs_chronology() -> None:
    child = f.person("Tilly", "Testchild", dob=date(2019, 3, 3), address="4 Canary Row")
    Child.objects.create(person=child, registered_at=timezone.now())
    stranger = f.person("Other", "Unrelatedperson", dob=date(1970, 1, 1))
    concern = _concern()
    client = _client(_triage_user())
    page = client.get(f"/triage/{concern.reference}").content.decode()
    assert "Tilly Testchild" in page
    assert "postcode, full name, date of birth" in page
    assert str(stranger.pk) not in page
    response = client.post(f"/triage/{concern.reference}", {"action": "match", "person": child.pk})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.matched_person == child
    event = ChronologyEvent.objects.get(child_id=child.pk, kind="concern")
    assert event.details["summary"] == "Shouting every night."
    assert concern.reference in event.details["referrer"]
    assert event.agency == "public"
    assert _audited(concern, "matched a concern to a person")


def test_confirming_a_person_without_a_childrens_record_adds_no_event() -> None:
    adult = f.person("Tilly", "Testchild", dob=date(2019, 3, 3), address="4 Canary Row")
    concern = _concern()
    _client(_triage_user()).post(
        f"/triage/{concern.reference}", {"action": "match", "person": adult.pk}
    )
    concern.refresh_from_db()
    assert concern.matched_person == adult
    assert not ChronologyEvent.objects.filter(kind="concern").exists()


def test_what_the_public_wrote_is_shown_to_triage_as_text() -> None:
    concern = _concern(what_happened='<script>alert("x")</script>', child_name="<b>Bold</b>")
    text = _client(_triage_user()).get(f"/triage/{concern.reference}").content
    assert b"<script>alert" not in text
    assert b"&lt;script&gt;" in text
    assert b"<b>Bold</b>" not in text


def test_viewing_a_concern_is_audited() -> None:
    concern = _concern()
    _client(_triage_user()).get(f"/triage/{concern.reference}")
    assert _audited(concern, "viewed a concern")


def test_a_public_concern_reaches_the_triage_queue() -> None:
    from tests.referrals.helpers import submit

    submit()
    reference = Concern.objects.get().reference
    assert reference in _client(_triage_user()).get("/triage").content.decode()


def test_only_a_proposed_person_can_be_confirmed() -> None:
    stranger = f.person("Other", "Unrelatedperson", dob=date(1970, 1, 1))
    concern = _concern()
    response = _client(_triage_user()).post(
        f"/triage/{concern.reference}", {"action": "match", "person": stranger.pk}
    )
    assert response.status_code == 400
    concern.refresh_from_db()
    assert concern.matched_person is None
