"""A monitoring violation in a real browser: the feed posts a walk into an exclusion zone, the
practitioner opens the subject, sees the trail and the zone on the map, acknowledges the
violation and closes it with an outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from safeguard.monitoring.models import Violation
from tests import factories as f
from tests.monitoring_app.helpers import feed_client, post, tagged_team, walk


def test_acknowledge_and_close_a_violation_seen_on_the_map(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    team = tagged_team()
    assert post(feed_client(), walk(team.person.pk)).json()["accepted"] == 10
    violation = Violation.objects.get()

    page.goto(f"{live_server.url}/sign-in")
    page.fill("#username", team.practitioner.username)
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1")

    page.click("a:has-text('Violations')")
    page.click("#violations a:has-text('Licenceperson')")
    page.wait_for_selector("#monitoring-map[data-map-ready='true']")
    # The zone and the trail are drawn as SVG paths by Leaflet.
    assert page.locator("#monitoring-map path.sg-zone--exclusion").count() == 1
    assert page.locator("#monitoring-map path.sg-trail").count() == 1
    item = page.locator(f"#violation-{violation.pk}")
    assert "Entered an exclusion zone" in item.inner_text()
    page.screenshot(path=str(artifacts_dir / "monitoring-subject.png"), full_page=True)

    item.locator("button:has-text('Acknowledge')").click()
    page.wait_for_selector("text=Violation acknowledged")
    item = page.locator(f"#violation-{violation.pk}")
    item.locator("select").select_option("reasonable_excuse")
    item.locator("textarea").fill("Hospital appointment, letter seen")
    item.locator("button:has-text('Close violation')").click()
    page.wait_for_selector("text=Violation closed")
    assert "Reasonable excuse" in page.locator(f"#violation-{violation.pk}").inner_text()
    violation.refresh_from_db()
    assert (violation.state, violation.outcome) == ("closed", "reasonable_excuse")
