"""Parole reviews in a person's history, and the Part A facts recorded as choices (custody
status, risk of serious harm per group) with previous recalls and parole reviews."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.people.models import PersonIdentifier
from safeguard.recall.models import BreachCase, ParoleReview
from safeguard.recall.services import ParoleReviewInput, parole_review_record
from tests import factories as f
from tests.licences.pdftext import pdf_text
from tests.recall_app.helpers import approved, client_for, open_case, recall_team

pytestmark = pytest.mark.django_db


def _review_form(days_ago: int, kind: str, outcome: str, notes: str = "") -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=days_ago)
    return {
        "held_on-day": str(day.day),
        "held_on-month": str(day.month),
        "held_on-year": str(day.year),
        "kind": kind,
        "outcome": outcome,
        "notes": notes,
    }


def _rows(page: str) -> list[str]:
    table = page.split('id="release-history"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("</tr>") if "<td" in row]


def test_a_practitioner_records_a_parole_review_from_the_person_page() -> None:
    rt = recall_team()
    person = rt.team.person
    client = client_for(rt.practitioner)
    page = client.get(f"/people/{person.pk}").content.decode()
    assert f'href="/people/{person.pk}/parole-reviews/new"' in page
    assert client.get(f"/people/{person.pk}/parole-reviews/new").status_code == 200
    response = client.post(
        f"/people/{person.pk}/parole-reviews/new",
        _review_form(40, "oral_hearing", "release_directed", "Panel directed release to AP"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}#recall-history"
    review = ParoleReview.objects.get()
    assert review.notes == "Panel directed release to AP"
    with connection.cursor() as cursor:  # the notes are encrypted at rest
        cursor.execute("SELECT notes FROM recall_parolereview")
        stored = cursor.fetchone()[0]
    assert "Panel directed" not in stored and stored.startswith("enc1:")
    entry = AuditEntry.objects.get(object_type="parole_review")
    assert entry.action == "collection" and entry.object_id == str(review.pk)
    assert "Panel directed" not in json.dumps(entry.details)
    page = client.get(f"/people/{person.pk}").content.decode()
    assert "Parole review (oral hearing)" in page and "Release directed" in page
    assert "Panel directed release to AP" in page  # probation writers see the notes


def test_the_history_lists_releases_recalls_and_parole_reviews_in_date_order() -> None:
    rt = recall_team()
    person = rt.team.person
    # The licence started 10 days ago (helpers); a review before it and one after the recall.
    for days_ago, kind, outcome in (
        (30, "oral_hearing", "release_directed"),
        (0, "paper_review", "no_release"),
    ):
        parole_review_record(
            actor=rt.practitioner,
            person=person,
            data=ParoleReviewInput(timezone.localdate() - timedelta(days=days_ago), kind, outcome),
        )
    case = approved(rt, open_case(rt))  # recalls the licence today
    rows = _rows(client_for(rt.senior).get(f"/people/{person.pk}").content.decode())
    assert len(rows) == 4
    assert "Parole review (oral hearing)" in rows[0] and "Release directed" in rows[0]
    assert "Released on licence" in rows[1]
    events = sorted(rows[2:])  # the same day: the recall and the paper review
    assert "Parole review (paper review)" in events[0] and "No release" in events[0]
    assert "Recalled to custody" in events[1] and case.reference in events[1]


def test_the_parole_form_says_everything_that_is_wrong_and_links_to_it() -> None:
    rt = recall_team()
    client = client_for(rt.practitioner)
    url = f"/people/{rt.team.person.pk}/parole-reviews/new"
    response = client.post(url, {"notes": "x"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#held_on-day">Enter the date of the hearing or review' in page
    assert 'href="#kind">Select the kind of review' in page
    assert 'href="#outcome">Select the outcome' in page
    future = client.post(url, _review_form(-3, "paper_review", "adjourned"))
    assert future.status_code == 400
    assert "must be today or in the past" in future.content.decode()
    assert not ParoleReview.objects.exists()


def test_only_probation_staff_record_parole_reviews() -> None:
    from safeguard.site.errors import DomainError

    rt = recall_team()
    police = f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE)))
    with pytest.raises(DomainError):
        parole_review_record(
            actor=police,
            person=rt.team.person,
            data=ParoleReviewInput(timezone.localdate(), "paper_review", "no_release"),
        )
    assert not ParoleReview.objects.exists()


def test_the_api_records_a_parole_review() -> None:
    rt = recall_team()
    client = client_for(rt.practitioner)
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = client.post(
        "/api/v1/recall/parole-reviews",
        json.dumps(
            {
                "person_id": str(rt.team.person.pk),
                "held_on": day,
                "kind": "oral_hearing",
                "outcome": "re_release",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["held_on"] == day and body["outcome"] == "re_release"
    bad = client.post(
        "/api/v1/recall/parole-reviews",
        json.dumps({"person_id": str(rt.team.person.pk), "held_on": "31-02", "kind": "x"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "held_on" in bad.json()["extra"]["fields"]
    assert ParoleReview.objects.count() == 1


FACTS_FORM = {
    "sentence_type": "determinate",
    "sentence_length_months": "30",
    "custody_status": "police_custody",
    "rosh_children": "high",
    "rosh_public": "medium",
    "rosh_known_adult": "very_high",
    "rosh_staff": "low",
    "rosh_prisoners": "low",
}


def test_the_facts_form_records_custody_status_and_risk_levels() -> None:
    rt = recall_team()
    case = open_case(rt)
    client = client_for(rt.practitioner)
    response = client.post(f"/recall/cases/{case.pk}/facts", FACTS_FORM)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.custody_status == "police_custody"
    assert case.rosh_known_adult == "very_high"
    page = client.get(f"/recall/cases/{case.pk}").content.decode()
    assert "In police custody" in page
    assert "A known adult: Very high" in page
    bad = client.post(f"/recall/cases/{case.pk}/facts", {**FACTS_FORM, "rosh_staff": "extreme"})
    assert bad.status_code == 400
    assert 'href="#rosh_staff">Select the risk of serious harm to staff' in bad.content.decode()


def test_the_api_takes_and_returns_the_part_a_facts() -> None:
    rt = recall_team()
    case = open_case(rt)
    BreachCase.objects.filter(pk=case.pk).update(custody_status="at_large", rosh_public="high")
    body = client_for(rt.practitioner).get(f"/api/v1/recall/cases/{case.pk}").json()
    assert body["custody_status"] == "at_large"
    assert body["risk_of_serious_harm_levels"]["public"] == "high"
    assert body["risk_of_serious_harm_levels"]["children"] == ""


def test_the_part_a_holds_every_field_domain_md_lists() -> None:
    rt = recall_team()
    person = rt.team.person
    # An earlier licence, recalled, and two parole reviews.
    earlier = Licence.objects.create(
        person=person,
        policy="3.0",
        status=LicenceStatus.RECALLED,
        start_date=timezone.localdate() - timedelta(days=900),
        end_date=timezone.localdate() - timedelta(days=500),
        recalled_on=timezone.localdate() - timedelta(days=700),
        approved_address=person.addresses.first(),
    )
    for days_ago, kind, outcome in (
        (600, "oral_hearing", "re_release"),
        (200, "paper_review", "adjourned"),
    ):
        parole_review_record(
            actor=rt.practitioner,
            person=person,
            data=ParoleReviewInput(timezone.localdate() - timedelta(days=days_ago), kind, outcome),
        )
    PersonIdentifier.objects.create(person=person, scheme="pnc", value="2001/0099999Z")
    case = open_case(rt)
    client = client_for(rt.practitioner)
    facts = {**FACTS_FORM, "index_offence": "Burglary (dwelling)"}
    assert client.post(f"/recall/cases/{case.pk}/facts", facts).status_code == 302
    response = client.post(
        f"/recall/cases/{case.pk}/recommend",
        {
            "recommendation": "recall_fixed_term",
            "rationale": "Missed three appointments",
            "alternatives_tried": "Warning letter on 1 October",
            "response_to_supervision": "Engaged poorly since August",
            "risk_of_serious_harm": "Risk rises when drinking",
            "vulnerabilities": "Unstable housing",
        },
    )
    assert response.status_code == 302
    text = pdf_text(client.get(f"/recall/cases/{case.pk}/part-a.pdf").content)

    def day(days_ago: int) -> str:
        d = timezone.localdate() - timedelta(days=days_ago)
        return f"{d.day} {d:%B %Y}"

    expected = {
        "Identifiers": "2001/0099999Z",
        "Index offence": "Burglary (dwelling)",
        "Date of sentence": "Not recorded",
        "Conditions breached and what led to recall": "Missed appointment",
        "Alternatives to recall already tried": "Warning letter on 1 October",
        "Response to supervision": "Engaged poorly since August",
        "Risk to children": "High",
        "Risk to the public": "Medium",
        "Risk to a known adult": "Very high",
        "Risk to staff": "Low",
        "Risk to prisoners": "Low",
        "Risk of serious harm": "Risk rises when drinking",
        "MAPPA": "Not managed under MAPPA",
        "Vulnerabilities": "Unstable housing",
        "Custody status": "In police custody",
        "Current address": "3 Mill Lane",
        "Previous recalls and parole reviews": f"{day(700)}",
        "Countersignatures": "Senior practitioner (decision)",
        "Decision time": "Not yet",
    }
    for heading, value in expected.items():
        assert heading in text, heading
        assert value in text, (heading, value)
    assert "Recalled: Licence from" in text
    assert day(600) in text and "Parole review (oral hearing): Re-release after recall" in text
    assert day(200) in text and "Parole review (paper review): Adjourned" in text
    assert earlier.pk  # the earlier licence is the one recalled 700 days ago


def test_parole_notes_are_left_out_of_the_history_for_non_probation_readers() -> None:
    from safeguard.recall.selectors import history_entries

    rt = recall_team()
    review = parole_review_record(
        actor=rt.practitioner,
        person=rt.team.person,
        data=ParoleReviewInput(timezone.localdate(), "oral_hearing", "no_release", "Reasons"),
    )
    hidden = history_entries([], [review], [], with_notes=False)
    shown = history_entries([], [review], [], with_notes=True)
    assert [e.notes for e in hidden] == [""]
    assert [e.notes for e in shown] == ["Reasons"]
