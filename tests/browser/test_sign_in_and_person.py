"""A practitioner signs in, opens a person on their caseload, and cannot reach anyone else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from safeguard.accounts.roles import AgencyKind, Role
from tests import factories as f


def test_sign_in_open_person_and_forbidden_person(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    team = f.team(f.agency("Testshire Probation", AgencyKind.PROBATION), "North")
    other_team = f.team(f.agency("Testshire Police", AgencyKind.POLICE), "PPU")
    user = f.user(Role.PRACTITIONER, team, username="pp.browser")
    mine = f.person("Jordan", "Allocatedperson", address="3 Mill Lane")
    f.allocate(mine, team, user)
    theirs = f.person("Casey", "Elsewhereperson")
    f.allocate(theirs, other_team)

    page.goto(f"{live_server.url}/people/{mine.pk}")
    assert "/sign-in" in page.url  # not signed in: sent to sign in, then back

    # The error summary links to the field, GOV.UK style.
    page.click("button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator(".govuk-error-summary a[href='#username']").inner_text() == (
        "Enter your username"
    )

    page.fill("#username", "pp.browser")
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Allocatedperson')")
    assert "3 Mill Lane" in page.inner_text("#current-address")

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "My caseload"
    page.click("a:has-text('Jordan Allocatedperson')")
    page.wait_for_selector("h1:has-text('Jordan Allocatedperson')")
    page.screenshot(path=str(artifacts_dir / "person-page.png"), full_page=True)

    response = page.goto(f"{live_server.url}/people/{theirs.pk}")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Elsewhereperson" not in page.content()
    page.screenshot(path=str(artifacts_dir / "forbidden-person.png"), full_page=True)

    # The skip link is the first thing keyboard users reach.
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
