"""Breach-case pages, API and documents as users meet them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from safeguard.audit.models import AuditEntry
from safeguard.licences.models import LicenceStatus
from safeguard.people.models import PersonIdentifier
from safeguard.recall.models import BreachCase, Stage
from safeguard.recall.services import case_send
from tests import factories as f
from tests.licences.pdftext import pdf_text
from tests.monitoring_app.helpers import feed_client, post, walk
from tests.recall_app.helpers import (
    approved,
    client_for,
    open_case,
    recall_team,
    recommended,
    violation,
)

pytestmark = pytest.mark.django_db

FACTS_FORM = {"sentence_type": "determinate", "sentence_length_months": "30"}


def test_the_person_page_offers_a_case_for_a_breach_action_violation() -> None:
    rt = recall_team()
    v = violation(rt)
    page = client_for(rt.practitioner).get(f"/people/{rt.team.person.pk}")
    text = page.content.decode()
    assert "1 tag violation closed with breach action is not in a breach case" in text
    assert f"/people/{rt.team.person.pk}/breach-cases/new?violation={v.pk}" in text
    form = client_for(rt.practitioner).get(
        f"/people/{rt.team.person.pk}/breach-cases/new?violation={v.pk}"
    )
    assert f'id="violation-{v.pk}" name="violations" type="checkbox" value="{v.pk}" checked' in (
        form.content.decode()
    )


def test_opening_a_case_from_the_form() -> None:
    rt = recall_team()
    v = violation(rt)
    client = client_for(rt.practitioner)
    response = client.post(
        f"/people/{rt.team.person.pk}/breach-cases/new",
        {**FACTS_FORM, "violations": [str(v.pk)], "index_offence": "Burglary"},
    )
    case = BreachCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/recall/cases/{case.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Entered an exclusion zone" in page
    assert "What the recall rules allow today" in page
    assert "Make a recommendation" in page


def test_the_open_form_reports_errors_linked_to_the_fields() -> None:
    rt = recall_team()
    response = client_for(rt.practitioner).post(
        f"/people/{rt.team.person.pk}/breach-cases/new",
        {"sentence_type": "determinate", "kind": "missed_appointment"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#occurred_on-day">Enter the date it happened' in text
    assert 'href="#sentence_length_months">Enter the length of the sentence in months' in text
    assert BreachCase.objects.count() == 0


def test_recommend_countersign_approve_through_the_pages() -> None:
    rt = recall_team()
    case = open_case(rt, violation(rt))
    url = f"/recall/cases/{case.pk}"
    response = client_for(rt.practitioner).post(
        f"{url}/recommend",
        {"recommendation": "recall_fixed_term", "rationale": "Repeated zone entries"},
    )
    assert response.status_code == 302
    senior = client_for(rt.senior)
    assert "Countersign" in senior.get(url).content.decode()
    # The author sees no countersign button on their own recommendation.
    assert ">Countersign<" not in client_for(rt.practitioner).get(url).content.decode()
    assert senior.post(f"{url}/countersign", {"note": "Agreed"}).status_code == 302
    page = client_for(rt.manager).get(url).content.decode()
    assert "Approving recalls the licence from today" in page
    assert "left (send by" in page  # the 24-hour target is running
    assert client_for(rt.manager).post(f"{url}/approve", {}).status_code == 302
    rt.licence.refresh_from_db()
    assert rt.licence.status == LicenceStatus.RECALLED
    page = client_for(rt.practitioner).get(url).content.decode()
    assert "Recalled" in page
    assert "Record as sent to the casework section" in page


def test_a_countersignature_refused_by_the_rules_is_shown_on_the_page() -> None:
    rt = recall_team()
    case = recommended(rt, open_case(rt))
    case.recommended_by = rt.senior
    case.save()
    response = client_for(rt.senior).post(f"/recall/cases/{case.pk}/countersign", {})
    assert response.status_code == 400
    assert "You cannot countersign your own recommendation" in response.content.decode()


def test_the_recommend_form_refuses_a_recall_the_rules_do_not_allow() -> None:
    rt = recall_team()
    case = open_case(rt)
    response = client_for(rt.practitioner).post(
        f"/recall/cases/{case.pk}/recommend",
        {"recommendation": "recall_standard", "rationale": "x"},
    )
    assert response.status_code == 400
    assert 'href="#recommendation">The recall rules do not allow that recall' in (
        response.content.decode()
    )


def test_the_part_a_holds_the_person_the_tag_evidence_and_the_decision() -> None:
    from tests.monitoring_app.helpers import tagged_team

    team = tagged_team()
    assert post(feed_client(), walk(team.person.pk)).json()["accepted"] == 10
    from safeguard.accounts.roles import Role
    from safeguard.licences.models import Licence
    from safeguard.monitoring.models import Violation
    from tests.recall_app.helpers import RecallTeam

    PersonIdentifier.objects.create(person=team.person, scheme="pnc", value="2001/0012345X")
    rt = RecallTeam(team, f.user(Role.MANAGER, team.practitioner.team), Licence.objects.get())
    v = Violation.objects.get()
    case = approved(rt, open_case(rt, v))
    response = client_for(rt.practitioner).get(f"/recall/cases/{case.pk}/part-a.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Jordan Licenceperson" in text
    assert "2001/0012345X" in text
    assert "Fixed-term recall" in text
    assert "Entered an exclusion zone" in text
    span = v.evidence["end_seq"] - v.evidence["start_seq"] + 1  # the fixes the engine named
    assert f"{span} fixes in the violation" in text
    assert "Tag trail during the violation" in text  # the map
    assert "3 Mill Lane" in text
    assert rt.senior.display_name in text and rt.manager.display_name in text
    entry = AuditEntry.objects.filter(action="disclosure", object_id=str(case.pk)).get()
    assert entry.recipients == ["Public Protection Casework Section (recall report)"]


def test_a_protected_persons_address_and_trail_are_withheld_from_the_part_a() -> None:
    rt = recall_team(protected=True)
    case = approved(rt, open_case(rt, violation(rt)))
    text = pdf_text(client_for(rt.practitioner).get(f"/recall/cases/{case.pk}/part-a.pdf").content)
    assert "3 Mill Lane" not in text
    assert "Withheld: shown only to the named roles" in text
    page = client_for(rt.practitioner).get(f"/recall/cases/{case.pk}").content.decode()
    assert "3 Mill Lane" not in page
    cleared = f.user(rt.practitioner.role_enum, rt.practitioner.team, cleared=True)
    text = pdf_text(client_for(cleared).get(f"/recall/cases/{case.pk}/part-a.pdf").content)
    assert "3 Mill Lane" in text


def test_the_decision_letter_for_a_warning() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt), "warning")
    client = client_for(rt.practitioner)
    assert (
        "Decision-not-to-recall letter" in client.get(f"/recall/cases/{case.pk}").content.decode()
    )
    response = client.get(f"/recall/cases/{case.pk}/decision-letter.pdf")
    text = pdf_text(response.content)
    assert "Decision not to recall you to custody" in text
    assert "formal warning" in text
    assert "missed appointment" in text
    assert AuditEntry.objects.filter(action="disclosure", object_id=str(case.pk)).count() == 1


def test_no_letter_for_a_recall_and_no_part_a_for_a_warning() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt), "warning")
    response = client_for(rt.practitioner).get(f"/recall/cases/{case.pk}/part-a.pdf")
    assert response.status_code == 400
    assert "A Part A is written for a recall recommendation" in response.content.decode()


def test_the_casework_queue_shows_recalls_to_send_and_to_book() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt))
    client = client_for(rt.manager)
    page = client.get("/recall/casework").content.decode()
    assert 'id="to-send"' in page and case.reference in page
    case_send(actor=rt.practitioner, case=case)
    page = client.get("/recall/casework").content.decode()
    assert 'id="awaiting-booking"' in page
    response = client.post(f"/recall/cases/{case.pk}/book", {"reference": "PPCS/26/001"})
    assert response.status_code == 302
    assert BreachCase.objects.get().stage == Stage.BOOKED


def test_the_list_and_person_history_show_the_case() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt))
    client = client_for(rt.practitioner)
    assert case.reference in client.get("/recall/cases").content.decode()
    person = client.get(f"/people/{rt.team.person.pk}").content.decode()
    assert f"Breach case {case.reference}" in person
    assert "Recalled to custody" in person
    assert f"Fixed-term recall (breach case {case.reference}" in person


def test_the_api_takes_a_case_from_opening_to_booking() -> None:
    rt = recall_team()
    v = violation(rt)

    def api(user: Any) -> Any:
        from django.test import Client

        return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}")

    pp, spo, manager = api(rt.practitioner), api(rt.senior), api(rt.manager)

    def send(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
        return client.post(
            f"/api/v1/recall/cases{path}", json.dumps(body or {}), content_type="application/json"
        )

    opened = send(
        pp,
        "",
        {
            "person_id": str(rt.team.person.pk),
            "sentence_type": "determinate",
            "sentence_length_months": 30,
            "violation_ids": [v.pk],
        },
    )
    assert opened.status_code == 200, opened.content
    case_id = opened.json()["id"]
    refused = send(pp, f"/{case_id}/recommendation", {"recommendation": "recall_fixed_term"})
    assert refused.status_code == 400
    assert refused.json()["extra"]["fields"] == {
        "rationale": "Enter the reasons for your recommendation"
    }
    body = {"recommendation": "recall_fixed_term", "rationale": "Zone entries"}
    assert send(pp, f"/{case_id}/recommendation", body).status_code == 200
    assert send(spo, f"/{case_id}/countersign").status_code == 200
    result = send(manager, f"/{case_id}/approve")
    assert result.json()["stage"] == "approved"
    assert result.json()["licence_status"] == "recalled"
    assert send(pp, f"/{case_id}/sent").json()["stage"] == "sent"
    booked = send(manager, f"/{case_id}/booked", {"reference": "PPCS-9"})
    assert booked.json()["booking_reference"] == "PPCS-9"
    listing = pp.get("/api/v1/recall/cases").json()
    assert [row["id"] for row in listing] == [case_id]
    pdf = pp.get(f"/api/v1/recall/cases/{case_id}/part-a")
    assert pdf["Content-Type"] == "application/pdf"


def test_a_recall_not_sent_within_24_hours_shows_as_overdue() -> None:
    from datetime import timedelta

    rt = recall_team()
    case = approved(rt, open_case(rt))
    assert case.countersigned_at is not None
    BreachCase.objects.filter(pk=case.pk).update(
        countersigned_at=case.countersigned_at - timedelta(hours=25)
    )
    page = client_for(rt.practitioner).get(f"/recall/cases/{case.pk}").content.decode()
    assert 'data-overdue="true"' in page
    assert "Overdue</strong> by 1 hour " in page
    queue = client_for(rt.manager).get("/recall/casework").content.decode()
    assert "Overdue" in queue


def test_only_probation_writers_are_offered_a_breach_case_on_the_person_page() -> None:
    from safeguard.accounts.roles import AgencyKind, Role
    from safeguard.people.models import AccessGrant

    rt = recall_team()
    violation(rt)
    police = f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE)))
    AccessGrant.objects.create(user=police, person=rt.team.person, reason="joint visit")
    page = client_for(police).get(f"/people/{rt.team.person.pk}").content.decode()
    assert "Releases, breaches and recalls" in page
    assert "Open a breach case" not in page
    assert "Open a breach case" in (
        client_for(rt.practitioner).get(f"/people/{rt.team.person.pk}").content.decode()
    )


def test_a_forged_violation_id_is_refused_not_an_error() -> None:
    rt = recall_team()
    other = recall_team(family="Otherperson")
    theirs = violation(other)
    for forged in (str(theirs.pk), "9" * 40, "x"):
        response = client_for(rt.practitioner).post(
            f"/people/{rt.team.person.pk}/breach-cases/new",
            {**FACTS_FORM, "violations": [forged]},
        )
        assert response.status_code == 400, forged
        assert "Choose violations from the list" in response.content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(rt.practitioner)}")
    body = {"person_id": str(rt.team.person.pk), "violation_ids": [2**70], "items": []}
    answer = api.post("/api/v1/recall/cases", json.dumps(body), content_type="application/json")
    assert answer.status_code in (400, 422)
    assert BreachCase.objects.count() == 0
