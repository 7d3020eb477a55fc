"""A tag violation to a booked recall, in a real browser, switching users: the offender manager
opens a breach case from a violation closed with "breach action" and recommends a fixed-term
recall (the rules' answer on the page); a senior practitioner countersigns; a manager approves
(the licence is recalled); the Part A downloads with the person, the recommendation and the tag
evidence; the recall is sent to the casework section and booked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from safeguard.accounts.roles import Role
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.monitoring.models import Violation
from safeguard.monitoring.services import violation_acknowledge, violation_close
from safeguard.recall.models import BreachCase, Stage
from tests import factories as f
from tests.licences.pdftext import pdf_text
from tests.monitoring_app.helpers import feed_client, post, tagged_team, walk


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1")


def _sign_out(page: Any) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("h1:has-text('Sign in')")


def _open_case_from_the_list(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/")
    page.click("a.govuk-service-navigation__link:has-text('Breach cases')")
    page.click(f"#breach-cases a:has-text('{name}')")
    page.wait_for_selector("h1:has-text('Breach case')")


def test_a_tag_violation_to_a_booked_recall(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    team = tagged_team()
    assert post(feed_client(), walk(team.person.pk)).json()["accepted"] == 10
    violation = Violation.objects.get()
    violation_acknowledge(actor=team.practitioner, violation=violation)
    violation_close(
        actor=team.practitioner,
        violation=violation,
        outcome="breach_action",
        note="Seen in the exclusion zone near the victim's home",
    )
    manager = f.user(Role.MANAGER, team.practitioner.team)
    name = team.person.full_name
    url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The offender manager opens a breach case from the person page.
    _sign_in(page, url, team.practitioner.username)
    page.goto(f"{url}/people/{team.person.pk}")
    assert "closed with breach action is not in a breach case" in page.inner_text(
        "#breach-action-waiting"
    )
    page.click("#breach-action-waiting a:has-text('Open a breach case')")
    assert page.is_checked(f"#violation-{violation.pk}")
    page.fill("#index_offence", "Burglary (dwelling)")
    page.fill("#sentence_length_months", "30")
    page.click("button:has-text('Open the breach case')")
    page.wait_for_selector("text=opened")
    assert "Entered an exclusion zone" in page.inner_text("#evidence")

    # ...and recommends a fixed-term recall, seeing what the rules allow.
    page.click("a:has-text('Make a recommendation')")
    assert "Fixed-term recall" in page.inner_text("#assessment")
    page.check("#recommendation-recall_fixed_term")
    page.fill("#rationale", "Entered the exclusion zone around the victim's home")
    page.fill("#alternatives_tried", "Warning letter; reporting increased")
    page.click("button:has-text('Send for countersignature')")
    page.wait_for_selector("text=Recommendation sent for countersignature")
    assert page.locator("button:has-text('Countersign')").count() == 0  # not their own
    _sign_out(page)

    # A senior practitioner countersigns: the decision, and the 24-hour clock starts.
    _sign_in(page, url, team.senior.username)
    _open_case_from_the_list(page, url, name)
    page.fill("#note", "Agreed: risk to the victim")
    page.click("button:has-text('Countersign')")
    page.wait_for_selector("text=Recommendation countersigned")
    assert "left (send by" in page.inner_text("#timer")
    _sign_out(page)

    # A manager approves: the licence is recalled.
    _sign_in(page, url, manager.username)
    _open_case_from_the_list(page, url, name)
    page.click("button:has-text('Approve')")
    page.wait_for_selector("text=Decision approved")
    assert "Recalled" in page.inner_text("#licence-status")
    page.screenshot(path=str(artifacts_dir / "recall-case-approved.png"), full_page=True)

    # The Part A downloads, with the person, the recommendation and the tag evidence.
    with page.expect_download() as download:
        page.click("#part-a")
    download.value.save_as(artifacts_dir / "recall-part-a.pdf")
    text = pdf_text((artifacts_dir / "recall-part-a.pdf").read_bytes())
    assert name in text
    assert "Fixed-term recall" in text
    assert "Entered an exclusion zone" in text
    assert "Seen in the exclusion zone near the victim's home" in text

    # Sent to the casework section and booked.
    page.click("button:has-text('Record as sent to the casework section')")
    page.wait_for_selector("text=Recorded as sent to the casework section")
    page.fill("#reference", "PPCS/26/0001")
    page.click("button:has-text('Record the booking')")
    page.wait_for_selector("text=Booking recorded")

    # The licence shows as recalled, and the person page lists the recall.
    page.click("#licence-status a")
    page.wait_for_selector("h1")
    assert "Recalled" in page.content()
    page.goto(f"{url}/people/{team.person.pk}")
    assert "recall booked" in page.inner_text("#breach-cases")
    assert Licence.objects.get().status == LicenceStatus.RECALLED
    assert BreachCase.objects.get().stage == Stage.BOOKED
    assert errors == []
