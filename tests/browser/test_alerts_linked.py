"""Issue 7's "done when", across two records of one man. His probation practitioner records
Steven Marlowe's licence with a no-unsupervised-contact condition through the licence pages and
a senior practitioner approves it; the police feed reports a call-out at a child's home naming
"Stephen Marlowe", born the same day. The police's record is a new person and nothing is
raised. A linkage reviewer links the two records; the "restricted adult" alert is then in the
social worker's queue with its evidence, and she records a decision; his offender manager sees
the alert too (ADR 0209)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.alerts.models import Alert
from safeguard.licences.models import Licence
from safeguard.linkage.index import index_reset
from safeguard.linkage.models import CandidatePair, PairStatus
from safeguard.people.models import Person
from safeguard.safeguarding.services import contact_record
from safeguard.safeguarding.services.recording import NewAdult
from tests import factories as f
from tests.linkage_app.helpers import population, record
from tests.safeguarding.helpers import ago, family

DOB = date(1986, 4, 2)
NO_UNSUPERVISED_CONTACT = "4a5fed48-0fb9-4711-8ddf-b46ddfd90246"


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def _fill_date(page: Any, name: str, day: date) -> None:
    page.fill(f"#{name}-day", str(day.day))
    page.fill(f"#{name}-month", str(day.month))
    page.fill(f"#{name}-year", str(day.year))


def test_a_differently_spelled_adult_at_a_callout_alerts_both_agencies_once_linked(
    live_server: Any, page: Any, artifacts_dir: Path, settings: Any
) -> None:
    settings.LINKAGE_LINK_THRESHOLD = 1.01  # the pair waits for a reviewer, whatever its score
    index_reset()
    population()
    fam = family()
    probation = f.agency("Testshire Probation", AgencyKind.PROBATION)
    north = f.team(probation, "North PDU")
    om = f.user(Role.PRACTITIONER, north, username="om.test")
    f.user(
        Role.TRIAGE,
        f.team(f.agency("Testshire Hub", AgencyKind.FRONT_DOOR), "Front Door"),
        username="linkage.browser",
    )
    steven = record("Steven", "Marlowe", DOB, sex="M", line1="14 Acacia Avenue", postcode="NS1 4AB")
    f.allocate(steven, north, om)
    f.user(Role.SENIOR_PRACTITIONER, north, username="spo.test")
    base = live_server.url

    # His probation practitioner records the licence with the condition about children.
    _sign_in(page, base, "om.test")
    page.goto(f"{base}/licences")
    page.click("#people-without-licence a:has-text('create a licence for Steven Marlowe')")
    today = date.today()
    _fill_date(page, "start_date", today)
    _fill_date(page, "end_date", today + timedelta(days=365))
    page.click("button:has-text('Create draft licence')")
    page.wait_for_selector("text=Draft licence created with the standard conditions")
    page.click("a:has-text('Add a condition')")
    page.click(f"a[href$='/conditions/add/{NO_UNSUPERVISED_CONTACT}']")
    page.check("#gender")  # "any"
    page.fill("#age", "16")
    page.click("#save-condition")
    page.wait_for_selector("text=Not to have unsupervised contact with any children under the age")
    page.click("button:has-text('Submit for approval')")
    page.wait_for_selector("text=Licence submitted for approval")
    licence = Licence.objects.get(person=steven)
    _sign_in(page, base, "spo.test")
    page.goto(f"{base}/licences/{licence.pk}")
    page.click("button:has-text('Approve licence')")
    page.wait_for_selector("text=Licence approved")
    page.click("button:has-text('Make active')")
    page.wait_for_selector("text=Licence active")

    # The police feed's call-out (the service the feed calls): the adult is named, not chosen.
    event = contact_record(
        actor=fam.officer,
        child=fam.child,
        kind="police_callout",
        agency="police",
        occurred_at=ago(0.1),
        details={"reason": "Neighbour reported shouting", "adults_present": []},
        new_adults=[NewAdult("Stephen", "Marlowe", DOB)],
        narrative="Officers attended; a man who gave his name as Stephen Marlowe was present.",
        source="feed:police",
        reference="CAD-2026-77",
    )
    stephen = Person.objects.get(pk=event.details["adults_present"][0])
    assert CandidatePair.objects.get(left=stephen, right=steven).status == PairStatus.PENDING
    assert not Alert.objects.filter(rule="restricted_adult").exists()

    # A linkage reviewer compares the records and links them.
    _sign_in(page, base, "linkage.browser")
    page.click("a:has-text('Linkage review')")
    page.click("#queue a:has-text('Stephen Marlowe')")
    assert "same date of birth" in page.inner_text("#explanation")
    page.check("#decision-link")
    page.fill("#reason", "Same date of birth; probation confirm he uses both spellings")
    page.click("button:has-text('Record decision')")
    assert "Decision recorded" in page.inner_text("#linkage-message")
    page.screenshot(path=str(artifacts_dir / "alerts-linked-reviewer.png"), full_page=True)
    alert = Alert.objects.get(child=fam.child, rule="restricted_adult")
    assert alert.adult_id == stephen.pk

    # The social worker has it in her queue, with its evidence, and records a decision.
    _sign_in(page, base, "sw.test")
    page.goto(f"{base}/alerts")
    row = page.locator("#alerts tr", has_text="Restricted adult")
    assert "Robin Testchild" in row.inner_text() and "Open" in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("h1:has-text('Restricted adult')")
    assert "unsupervised contact" in page.locator("#restriction").inner_text()
    assert page.locator("#evidence a").count() >= 2  # the restriction and the call-out
    page.screenshot(path=str(artifacts_dir / "alerts-linked-social-worker.png"), full_page=True)
    page.click("#acknowledge")
    page.wait_for_selector("text=Alert acknowledged")
    page.check("label:has-text('Strategy discussion')")
    page.fill(
        "#rationale",
        "Police named him at the home; probation confirm the licence condition. Strategy "
        "discussion set for tomorrow.",
    )
    page.click("#close")
    page.wait_for_selector("text=Alert closed with your decision")
    assert "Closed" in page.locator("#alert-state").inner_text()

    # His offender manager, on the probation record, was sent it too.
    _sign_in(page, base, "om.test")
    page.goto(f"{base}/alerts?closed=1")
    row = page.locator("#alerts tr", has_text="Restricted adult")
    assert "Robin" not in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("h1:has-text('Restricted adult')")
    text = page.locator("main").inner_text()
    assert "Robin" not in text and "Testchild" not in text
    assert "unsupervised contact" in text and "Strategy discussion" in text
    page.screenshot(path=str(artifacts_dir / "alerts-linked-probation.png"), full_page=True)
