"""A man on licence (no unsupervised contact with children) moves back in with a child: the
social worker records it, the "restricted adult" alert is in her queue the same moment, she
reads its explanation and guidance and closes it with a decision and her reasons; his offender
manager sees the same alert, without the child's name or chronology."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from safeguard.alerts.models import Alert
from safeguard.safeguarding.models import HouseholdMember
from safeguard.safeguarding.services import household_member_add, household_member_leave
from tests.alerts.helpers import licence_for, world
from tests.factories import PASSWORD


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def test_adult_on_licence_in_the_household_alerts_both_agencies(
    live_server: Any, page: Any, artifacts_dir: Path
) -> None:
    w = world(child_condition=False)
    today = timezone.localdate()
    # He lived there before his sentence; his licence (in force now) forbids the contact.
    member = household_member_add(
        actor=w.fam.sw,
        child=w.fam.child,
        person=w.adult,
        role="partner_of_parent",
        relationship="mother's partner",
        moved_in_on=today - timedelta(days=400),
        known_by="seen",
    )
    household_member_leave(actor=w.fam.sw, member=member, moved_out_on=today - timedelta(days=300))
    w.licence.delete()
    licence_for(w.adult)
    assert not Alert.objects.filter(rule="restricted_adult").exists()
    base = live_server.url

    _sign_in(page, base, "sw.test")
    page.goto(f"{base}/children/{w.fam.child.pk}/household/new")
    page.check(f"label:has-text('{w.adult.full_name}')")
    page.select_option("#role", "partner_of_parent")
    page.fill("#relationship", "mother's partner")
    page.fill("#moved_in_on", today.isoformat())
    page.check("label:has-text('Told')")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts_dir / "alerts-household-recorded.png"), full_page=True)
    assert HouseholdMember.objects.filter(person=w.adult, moved_out_on__isnull=True).exists()

    page.goto(f"{base}/alerts")
    row = page.locator("#alerts tr", has_text="Restricted adult")
    assert "Robin Testchild" in row.inner_text() and "Open" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "alerts-queue.png"), full_page=True)
    row.locator("a").click()
    page.wait_for_selector("h1:has-text('Restricted adult')")
    assert str(w.adult.pk) in page.locator("#explanation").inner_text()
    assert f"{w.adult.pk} is {w.adult.full_name}" in page.locator("#named").inner_text()
    assert "multi-agency public protection" in page.locator("#guidance").inner_text()
    assert "unsupervised contact" in page.locator("#restriction").inner_text()
    assert page.locator("#evidence a").count() >= 2  # the restriction and the household event
    page.click("#acknowledge")
    page.wait_for_selector("text=Alert acknowledged")
    page.click("#close")  # no decision, no reasons: the error summary links to both
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator(".govuk-error-summary a[href='#decision']").count() == 1
    assert page.locator(".govuk-error-summary a[href='#rationale']").count() == 1
    page.check("label:has-text('Strategy discussion')")
    page.fill(
        "#rationale",
        "Spoke to his offender manager and the police; strategy discussion set for tomorrow.",
    )
    page.screenshot(path=str(artifacts_dir / "alerts-decision.png"), full_page=True)
    page.click("#close")
    page.wait_for_selector("text=Alert closed with your decision")
    assert "Closed" in page.locator("#alert-state").inner_text()
    assert "strategy discussion set for tomorrow" in page.locator("#history").inner_text()
    page.screenshot(path=str(artifacts_dir / "alerts-closed.png"), full_page=True)

    # His offender manager was sent it too, and sees what probation needs, not the child.
    _sign_in(page, base, "om.test")
    page.goto(f"{base}/alerts?closed=1")
    row = page.locator("#alerts tr", has_text="Restricted adult")
    assert "Robin" not in row.inner_text() and w.adult.full_name in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("h1:has-text('Restricted adult')")
    text = page.locator("main").inner_text()
    assert "Robin" not in text and "Testchild" not in text
    assert "Strategy discussion" in text and w.fam.sw.display_name in text
    page.screenshot(path=str(artifacts_dir / "alerts-probation-view.png"), full_page=True)
