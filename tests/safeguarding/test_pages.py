"""The pages: the child's record, chronology, story, body map, recording and exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.audit.models import AuditEntry
from safeguard.people.models import Person
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.services import NewAdult, contact_record, plan_start
from tests.safeguarding.helpers import Family, ago, callout, family

pytestmark = pytest.mark.django_db


def _fill(fam: Family, count: int) -> None:
    for i in range(count):
        contact_record(
            actor=fam.sw,
            child=fam.child,
            kind="visit" if i % 2 else "attendance",
            agency="social_care" if i % 2 else "health",
            occurred_at=ago(100 - i * 0.4),
            details={"child_seen": True, "adults_present": [str(fam.mother.pk)]}
            if i % 2
            else {"setting": "gp", "provider": f"Surgery {i % 3}", "reason": "check"},
        )


def _consultations(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=before, action="consultation"))


def test_child_page_shows_plan_household_and_the_gap_and_is_audited_once() -> None:
    fam = family()
    plan_start(
        actor=fam.sw,
        child=fam.child,
        category="neglect",
        started_on=timezone.localdate() - timedelta(days=40),
        initial_conference_on=timezone.localdate() - timedelta(days=40),
        team=fam.social_care,
        social_worker=fam.sw,
    )
    callout(fam, days_ago=3, adults=[fam.mother], new=[NewAdult("Dale", "Stranger")])
    before = AuditEntry.objects.count()
    response = fam.client(fam.sw).get(f"/children/{fam.child.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "On a child protection plan: neglect" in text
    assert "Morgan Testchild" in text and "Dale Stranger" in text
    assert "Seen, not in the recorded household" in text
    [entry] = _consultations(before)
    assert entry.object_id == str(fam.child.pk)


def test_chronology_filters_and_pages(settings: object) -> None:
    settings.SAFEGUARDING_CHRONOLOGY_PAGE_SIZE = 10  # type: ignore[attr-defined]
    fam = family()
    _fill(fam, 30)
    client = fam.client(fam.sw)
    url = f"/children/{fam.child.pk}/chronology"
    first = client.get(url).content.decode()
    assert "Page 1 of 4" in first  # 30 visits and attendances, the registration, the mother
    only_health = client.get(url + "?agency=health").content.decode()
    assert (
        only_health.count('data-agency="health"') == 10
        and 'data-agency="social_care"' not in only_health
    )
    visits = client.get(url + "?kind=visit&page=2").content.decode()
    assert visits.count('data-kind="visit"') == 5 and "Page 2 of 2" in visits
    since = (timezone.localdate() - timedelta(days=90)).isoformat()
    recent = client.get(url + f"?from={since}").content.decode()
    recent_count = ChronologyEvent.objects.filter(
        child=fam.child, occurred_at__gte=ago(90, hour=0)
    ).count()
    assert f"{recent_count} events match the filters" in recent


def test_chronology_first_page_query_count_does_not_grow_with_events(
    django_assert_max_num_queries: object,
) -> None:
    fam = family()
    _fill(fam, 20)
    client = fam.client(fam.sw)
    pages = [f"/children/{fam.child.pk}{suffix}" for suffix in ("/chronology", "/story", "")]
    client.get(pages[0])  # warm the session

    def counts() -> list[int]:
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    _fill(fam, 60)
    assert counts() == few  # no query per event
    for url, bound in zip(pages, (20, 20, 26), strict=True):
        with django_assert_max_num_queries(bound):  # type: ignore[operator]
            assert client.get(url).status_code == 200


def test_exports_query_count_does_not_grow_with_events(
    django_assert_max_num_queries: object,
) -> None:
    fam = family()
    _fill(fam, 40)
    client = fam.client(fam.sw)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        response = client.post(
            f"/children/{fam.child.pk}/export",
            {"format": "csv", "purpose": "case review", "recipients": "panel"},
        )
    assert response.status_code == 200


def test_recording_a_police_callout_from_the_page_names_a_new_adult() -> None:
    fam = family()
    client = fam.client(fam.sw)
    url = f"/children/{fam.child.pk}/events/new/police_callout"
    form = client.get(url).content.decode()
    assert "Morgan Testchild" in form  # the household's adults are offered
    response = client.post(
        url,
        {
            "agency": "police",
            "date": ago(1).date().isoformat(),
            "time": "22:15",
            "reason": "Neighbours reported shouting",
            "adults_present": [str(fam.mother.pk)],
            "adult_given_1": "Dale",
            "adult_family_1": "Stranger",
            "narrative": "Officers attended.",
        },
    )
    assert response.status_code == 302
    event = ChronologyEvent.objects.get(child=fam.child, kind="police_callout")
    assert event.agency == "police" and event.recorded_by == fam.sw
    stranger = Person.objects.get(family_name="Stranger")
    assert event.details["adults_present"] == [str(fam.mother.pk), str(stranger.pk)]
    chronology = client.get(response["Location"]).content.decode()
    assert "Dale Stranger" in chronology and "not in the recorded household" in chronology


def test_a_form_with_mistakes_shows_them_and_records_nothing() -> None:
    fam = family()
    response = fam.client(fam.sw).post(
        f"/children/{fam.child.pk}/events/new/injury",
        {"agency": "health", "date": "", "site": "", "type": "bruise"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#date"' in text and 'href="#site"' in text
    assert not ChronologyEvent.objects.filter(kind="injury").exists()


def test_an_injury_recorded_without_javascript_appears_on_the_body_map() -> None:
    fam = family()
    client = fam.client(fam.nurse_allocated())
    response = client.post(
        f"/children/{fam.child.pk}/events/new/injury",
        {
            "agency": "health",
            "date": ago(1).date().isoformat(),
            "time": "10:30",
            "site": "right_ear",
            "type": "bruise",
            "explanation": "Bumped on the cot",
            "explained_by": "parent_carer",
            "mobile": "no",
            "outline": "infant",
            "u": "",
            "v": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = ChronologyEvent.objects.get(kind="injury")
    assert event.details["mobile"] is False and "u" not in event.details
    page = client.get(f"/children/{fam.child.pk}/body-map").content.decode()
    assert 'class="sg-mark sg-mark--health" data-site="right_ear"' in page
    assert "NOT independently mobile" in page


def test_annotating_from_the_event_page() -> None:
    fam = family()
    event = callout(fam, days_ago=2)
    client = fam.client(fam.sw)
    url = f"/children/{fam.child.pk}/events/{event.pk}"
    assert client.get(url).status_code == 200
    client.post(url, {"significant": "1", "action_taken": "Strategy discussion"})
    event.refresh_from_db()
    assert event.significant and event.action_taken == "Strategy discussion"
    significant = client.get(f"/children/{fam.child.pk}/chronology?significant=1").content.decode()
    assert "Strategy discussion" in significant and significant.count('data-kind="') == 1


def test_story_reads_as_sentences_with_the_recorders_words() -> None:
    fam = family()
    callout(fam, days_ago=4, adults=[fam.mother])
    ChronologyEvent.objects.filter(kind="police_callout").update(narrative="Child seen asleep.")
    text = fam.client(fam.sw).get(f"/children/{fam.child.pk}/story").content.decode()
    assert "The police recorded: Police call-out: neighbours heard shouting." in text
    assert "Child seen asleep." in text


def test_pdf_and_csv_exports_are_disclosures() -> None:
    fam = family()
    _fill(fam, 6)
    client = fam.client(fam.sw)
    url = f"/children/{fam.child.pk}/export"
    refused = client.post(url, {"format": "pdf", "purpose": "", "recipients": ""})
    assert refused.status_code == 400 and 'href="#purpose"' in refused.content.decode()
    before = AuditEntry.objects.count()
    pdf = client.post(
        url, {"format": "pdf", "purpose": "Review conference", "recipients": "Conference chair"}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    made = client.post(
        url,
        {
            "format": "csv",
            "purpose": "Review conference",
            "recipients": "Chair",
            "agency": "health",
        },
    )
    rows = list(csv.reader(io.StringIO(made.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["event", "date_time", "agency", "kind"]
    assert len(rows) == 1 + 3 and {r[2] for r in rows[1:]} == {"Health"}
    disclosures = AuditEntry.objects.filter(seq__gt=before, action="disclosure")
    assert [(d.justification, d.details["format"]) for d in disclosures] == [
        ("Review conference", "pdf"),
        ("Review conference", "csv"),
    ]


def test_csv_cells_that_look_like_formulas_stay_text() -> None:
    fam = family()
    contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="concern",
        agency="public",
        occurred_at=ago(1),
        details={"summary": "x"},
        action_taken="=HYPERLINK(1)",
    )
    made = fam.client(fam.sw).post(
        f"/children/{fam.child.pk}/export",
        {"format": "csv", "purpose": "audit test", "recipients": "me"},
    )
    assert "'=HYPERLINK(1)" in made.content.decode("utf-8-sig")


def test_household_pages_record_and_end_membership() -> None:
    fam = family()
    client = fam.client(fam.sw)
    callout(fam, days_ago=6, new=[NewAdult("Dale", "Stranger")])
    stranger = Person.objects.get(family_name="Stranger")
    url = f"/children/{fam.child.pk}/household/new"
    assert "Dale Stranger" in client.get(url + f"?person={stranger.pk}").content.decode()
    response = client.post(
        url,
        {
            "person": str(stranger.pk),
            "role": "partner_of_parent",
            "relationship": "mother's partner",
            "moved_in_on": timezone.localdate().isoformat(),
            "known_by": "told",
        },
    )
    assert response.status_code == 302
    member = fam.child.household.get(person=stranger)
    leave = client.post(
        f"/children/{fam.child.pk}/household/{member.pk}/left",
        {"moved_out_on": timezone.localdate().isoformat()},
    )
    assert leave.status_code == 302
    member.refresh_from_db()
    assert member.moved_out_on == timezone.localdate()


def test_plan_pages_start_review_and_end_a_plan() -> None:
    fam = family()
    client = fam.client(fam.sw)
    today = timezone.localdate().isoformat()
    start = client.post(
        f"/children/{fam.child.pk}/plan/new",
        {
            "category": "emotional",
            "started_on": today,
            "social_worker": str(fam.sw.pk),
            "visit_every_working_days": "10",
        },
    )
    assert start.status_code == 302
    assert (
        "On a child protection plan: emotional abuse"
        in client.get(f"/children/{fam.child.pk}").content.decode()
    )
    assert (
        client.post(
            f"/children/{fam.child.pk}/plan/review", {"held_on": today, "decision": "continue"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/children/{fam.child.pk}/plan/end", {"ended_on": today, "reason": "Risks reduced"}
        ).status_code
        == 302
    )
    assert client.get(f"/children/{fam.child.pk}/plan/end").status_code == 404  # no open plan


def test_register_lists_visible_children_and_offers_to_register_others() -> None:
    from tests import factories as f

    fam = family()
    sibling = f.person("Sky", "Testchild", dob=timezone.localdate() - timedelta(days=2000))
    f.allocate(sibling, fam.social_care, fam.sw)
    text = fam.client(fam.sw).get("/children").content.decode()
    assert "Robin Testchild" in text and f"/children/new/{sibling.pk}" in text
    assert "Robin Testchild" not in fam.client(fam.outsider).get("/children").content.decode()
    response = fam.client(fam.sw).post(f"/children/new/{sibling.pk}")
    assert response.status_code == 302
    assert ChronologyEvent.objects.filter(child_id=sibling.pk, kind="child_registered").exists()
