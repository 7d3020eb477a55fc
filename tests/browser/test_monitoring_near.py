"""Crime matching in a real browser: a police officer finds it in the menu, searches a place
and time, and sees who was there; the search is audited as a disclosure."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.monitoring.models import Fix
from tests import factories as f


def test_a_police_officer_finds_who_was_near_a_crime(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    officer = f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE)))
    when = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    there = f.person("Near", "Bystander")
    Fix.objects.create(
        subject=str(there.pk), seq=1, recorded_at=when, lat=53.0514, lon=-1.4498, accuracy_m=8
    )

    page.goto(f"{live_server.url}/sign-in")
    page.fill("#username", officer.username)
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1")
    page.click("a:has-text('Crime matching')")
    page.click("button:has-text('Search')")  # empty: the error summary links to the fields
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator(".govuk-error-summary a[href='#reason']").count() == 1

    page.fill("#at", timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#lat", "53.0512")
    page.fill("#lon", "-1.4498")
    page.fill("#radius_m", "100")
    page.fill("#window_minutes", "15")
    page.fill("#reason", "crime ref NS/77/26")
    page.click("button:has-text('Search')")
    page.wait_for_selector("#near-results")
    assert "Near Bystander" in page.locator("#near-results").inner_text()
    page.screenshot(path=str(artifacts_dir / "monitoring-near.png"), full_page=True)
    entry = AuditEntry.objects.get(object_type="em_near_search")
    assert entry.details["subjects"] == [str(there.pk)]
