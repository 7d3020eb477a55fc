"""Police record a call-out naming a man social care has never recorded in the household; a
health visitor marks an injury on the body map; the social worker sees both in the one
chronology, the man flagged as seen but not in the household, and exports it as a PDF."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.services import child_register, household_member_add
from tests import factories as f


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()  # a fresh session for each practitioner
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def test_callout_and_injury_from_two_agencies_in_one_chronology(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    council = f.agency("Testshire Children's Services", AgencyKind.SOCIAL_CARE)
    police = f.agency("Testshire Police", AgencyKind.POLICE)
    health = f.agency("Testshire NHS Trust", AgencyKind.HEALTH)
    cp_team, ppu, visiting = (
        f.team(council, "CP Team A"),
        f.team(police, "PPU"),
        f.team(health, "Health Visiting"),
    )
    sw = f.user(Role.PRACTITIONER, cp_team, username="sw.browser")
    officer = f.user(Role.PRACTITIONER, ppu, username="officer.browser")
    visitor = f.user(Role.PRACTITIONER, visiting, username="hv.browser")
    today = timezone.localdate()
    kid = f.person("Robin", "Browserchild", dob=today - timedelta(days=300))
    mother = f.person("Morgan", "Browserchild", dob=today - timedelta(days=30 * 365))
    for team, worker in ((cp_team, sw), (ppu, officer), (visiting, visitor)):
        f.allocate(kid, team, worker)  # each practitioner has a recorded reason to see the child
    child = child_register(actor=sw, person=kid)
    household_member_add(
        actor=sw,
        child=child,
        person=mother,
        role="parent_carer",
        relationship="mother",
        moved_in_on=today - timedelta(days=200),
        known_by="seen",
    )
    base = live_server.url
    yesterday = (today - timedelta(days=1)).isoformat()

    # The police officer records a call-out naming the mother and a man not in the household.
    _sign_in(page, base, "officer.browser")
    page.goto(f"{base}/children/{kid.pk}")
    page.click("a:has-text('Police call-out')")
    assert page.locator("#agency").input_value() == "police"
    page.fill("#date", yesterday)
    page.fill("#time", "23:10")
    page.fill("#reason", "Neighbour reported shouting and a child crying")
    page.check("label:has-text('Morgan Browserchild')")
    page.fill("#adult_given_1", "Dale")
    page.fill("#adult_family_1", "Stranger")
    page.fill("#narrative", "Mother and a man who gave his name were present. Child asleep.")
    page.click("button:has-text('Save the event')")
    page.wait_for_selector("h1:has-text('Chronology')")
    page.screenshot(path=str(artifacts_dir / "safeguarding-callout-recorded.png"), full_page=True)

    # The health visitor marks a bruise on the body map (a click picks the site).
    _sign_in(page, base, "hv.browser")
    page.goto(f"{base}/children/{kid.pk}/events/new/injury")
    assert page.locator("#agency").input_value() == "health"
    page.fill("#date", yesterday)
    page.fill("#time", "10:30")
    page.click('svg .sg-site[data-site="right_ear"]')
    assert page.locator("#site").input_value() == "right_ear"
    assert page.locator("#u").input_value() != ""
    page.select_option("#type", "bruise")
    page.fill("#explanation", "Caught it on the cot side")
    page.select_option("#explained_by", "parent_carer")
    page.check("#mobile-2")  # No: not independently mobile
    page.screenshot(path=str(artifacts_dir / "safeguarding-body-map-form.png"), full_page=True)
    page.click("button:has-text('Save the event')")
    page.wait_for_selector("h1:has-text('Chronology')")
    injury = ChronologyEvent.objects.get(kind="injury")
    assert injury.details["site"] == "right_ear" and injury.details["mobile"] is False
    assert 0 <= injury.details["u"] <= 1

    # The social worker sees both agencies' events in one chronology, and the gap.
    _sign_in(page, base, "sw.browser")
    page.goto(f"{base}/children/{kid.pk}/chronology")
    callout_row = page.locator("tr[data-kind='police_callout']")
    injury_row = page.locator("tr[data-kind='injury']")
    assert "Police" in callout_row.inner_text() and "Dale Stranger" in callout_row.inner_text()
    assert "not in the recorded household" in callout_row.inner_text()
    assert "Morgan Browserchild not in" not in callout_row.inner_text()
    assert "Health" in injury_row.inner_text() and "right ear" in injury_row.inner_text()
    page.screenshot(path=str(artifacts_dir / "safeguarding-chronology.png"), full_page=True)

    page.goto(f"{base}/children/{kid.pk}")
    gap_row = page.locator("#adults-seen-table tr", has_text="Dale Stranger")
    assert "Seen, not in the recorded household" in gap_row.inner_text()
    mother_row = page.locator("#adults-seen-table tr", has_text="Morgan Browserchild")
    assert "Yes" in mother_row.inner_text()
    page.screenshot(path=str(artifacts_dir / "safeguarding-child.png"), full_page=True)

    page.goto(f"{base}/children/{kid.pk}/body-map")
    assert page.locator(".sg-mark--health[data-site='right_ear']").count() == 1
    page.screenshot(path=str(artifacts_dir / "safeguarding-body-map.png"), full_page=True)

    # Export the chronology as a PDF: a disclosure, with its purpose and recipient.
    page.goto(f"{base}/children/{kid.pk}/chronology")
    page.click("a:has-text('Export')")
    page.check("#format")  # PDF
    page.fill("#purpose", "Strategy discussion tomorrow")
    page.fill("#recipients", "Strategy meeting: police, health, social care")
    with page.expect_download() as download_info:
        page.click("button:has-text('Download')")
    download = download_info.value
    saved = artifacts_dir / "safeguarding-chronology.pdf"
    download.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
