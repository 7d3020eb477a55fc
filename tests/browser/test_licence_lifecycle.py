"""A licence from draft to print, in a real browser: a curfew 19:00–07:00 and an exclusion zone
drawn on the map with Leaflet-Geoman (by clicking the map), submitted, approved by a senior
practitioner who did not write it, varied, and printed as a PDF that states the curfew."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.people.models import PersonAddress
from tests import factories as f
from tests.licences.pdftext import pdf_text

CURFEW = "0a370862-5426-49c1-b6d4-3d074d78a81a"
EXCLUSION = "0f9a20f4-35c7-4c77-8af8-f200f153fa11"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1")


def _sign_out(page: Any) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("h1:has-text('Sign in')")


def _fill_date(page: Any, name: str, day: date) -> None:
    page.fill(f"#{name}-day", str(day.day))
    page.fill(f"#{name}-month", str(day.month))
    page.fill(f"#{name}-year", str(day.year))


def _draw_square_on_map(page: Any, map_selector: str) -> None:
    """Choose Geoman's polygon tool and click four corners, then the first again to close."""
    page.click(f"{map_selector} .leaflet-pm-icon-polygon")
    box = page.locator(map_selector).bounding_box()
    cx, cy = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.35
    corners = [(cx - 40, cy - 40), (cx + 40, cy - 40), (cx + 40, cy + 40), (cx - 40, cy + 40)]
    for x, y in corners:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)  # Geoman places the vertex marker on the next frame
    page.mouse.click(*corners[0])


def test_licence_from_draft_to_print(live_server: Any, page: Any, artifacts_dir: Path) -> None:
    team = f.team(f.agency("Testshire Probation", AgencyKind.PROBATION), "North")
    f.user(Role.PRACTITIONER, team, username="pp.licence")
    f.user(Role.SENIOR_PRACTITIONER, team, username="spo.licence")
    person = f.person("Jordan", "Licenceperson")
    PersonAddress.objects.create(
        person=person,
        line1="3 Mill Lane",
        town="Northam",
        postcode="NS1 1AA",
        latitude=53.0512,
        longitude=-1.4498,
        valid_from=date(2024, 1, 1),
    )
    f.allocate(person, team)
    url = live_server.url
    today = date.today()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))

    # The practitioner writes the draft.
    _sign_in(page, url, "pp.licence")
    page.click("a.govuk-service-navigation__link:has-text('Licences')")
    page.click("#people-without-licence a:has-text('create a licence')")
    _fill_date(page, "start_date", today)
    _fill_date(page, "end_date", today + timedelta(days=365))
    page.click("button:has-text('Create draft licence')")
    page.wait_for_selector("text=Draft licence created with the standard conditions")
    licence = Licence.objects.get(person=person)

    # A curfew from 7pm to 7am: the window runs past midnight.
    page.click("a:has-text('Add a condition')")
    page.click(f"a[href$='/conditions/add/{CURFEW}']")
    page.check("#numberOfCurfews")  # "One curfew"
    page.fill("#numberOfCurfews-0-curfewStart", "19:00")
    page.fill("#numberOfCurfews-0-curfewEnd", "07:00")
    page.check("#reviewPeriod")  # "Weekly"
    page.click("#save-condition")
    page.wait_for_selector("text=between the hours of 7pm and 7am daily")

    # An exclusion zone drawn on the map (no tile server: a plain background).
    page.click("a:has-text('Add a condition')")
    page.click(f"a[href$='/conditions/add/{EXCLUSION}']")
    page.wait_for_selector("#outOfBoundFilename-map .leaflet-pm-icon-polygon")
    _draw_square_on_map(page, "#outOfBoundFilename-map")
    drawn = page.input_value("#outOfBoundFilename-geojson")
    assert '"type":"Polygon"' in drawn.replace(" ", "")
    page.screenshot(path=str(artifacts_dir / "licence-zone-drawn.png"), full_page=True)
    page.click("#save-condition")
    page.wait_for_selector("#licence-map path.leaflet-interactive")
    assert page.locator("#licence-map .leaflet-tile").count() == 0  # no tiles were asked for

    page.click("button:has-text('Submit for approval')")
    page.wait_for_selector("text=Licence submitted for approval")
    assert page.locator("button:has-text('Approve licence')").count() == 0  # not the author's
    _sign_out(page)

    # A senior practitioner who did not write it approves it; the person is released.
    _sign_in(page, url, "spo.licence")
    page.goto(f"{url}/licences/{licence.pk}")
    page.click("button:has-text('Approve licence')")
    page.wait_for_selector("text=Licence approved")
    page.click("button:has-text('Make active')")
    page.wait_for_selector("text=Licence active")
    _sign_out(page)

    # The practitioner varies it: a later curfew from tomorrow.
    _sign_in(page, url, "pp.licence")
    page.goto(f"{url}/licences/{licence.pk}")
    page.locator("li.sg-condition", has_text="Curfew arrangement").locator(
        "a:has-text('Change')"
    ).click()
    page.fill("#numberOfCurfews-0-curfewStart", "20:00")
    page.click("#save-condition")  # no date yet: the error summary says what is missing
    page.wait_for_selector(".govuk-error-summary a[href='#effective_from-day']")
    _fill_date(page, "effective_from", today + timedelta(days=1))
    page.fill("#reason", "Curfew shortened after good progress")
    page.click("#save-condition")
    page.wait_for_selector("text=Licence varied")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.VARIED
    assert "between the hours of 7pm and 7am daily" in page.inner_text("#main-content")
    page.screenshot(path=str(artifacts_dir / "licence-varied.png"), full_page=True)

    # Printed today, the licence states today's curfew.
    with page.expect_download() as download:
        page.click("#download-licence")
    pdf_path = artifacts_dir / "licence.pdf"
    download.value.save_as(str(pdf_path))
    text = pdf_text(pdf_path.read_bytes())
    assert "between the hours of 7pm and 7am daily" in text
    assert "Not to enter the area as defined by the attached map" in text
    # No script failed and nothing was refused by the content security policy.
    assert not [e for e in console_errors if "page error" in e or "Content Security" in e]
