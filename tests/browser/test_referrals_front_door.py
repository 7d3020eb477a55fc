"""A member of the public, with JavaScript switched off, reports a concern and gets a reference;
a triage worker finds it in the queue, matches it to a known child, rates it red and routes it
to a section 47 enquiry; the concern appears in the child's chronology."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.referrals.models import Concern
from safeguard.safeguarding.models import Child, ChronologyEvent
from tests import factories as f


def test_public_concern_without_javascript_then_triage(
    live_server: Any, chromium: Any, page: Any, artifacts_dir: Path
) -> None:
    hub = f.agency("Testshire Hub", AgencyKind.FRONT_DOOR)
    f.user(Role.TRIAGE, f.team(hub, "Front Door"), username="triage.browser")
    known = f.person("Robin", "Browserchild", dob=date(2019, 3, 3), address="4 Canary Row")
    Child.objects.create(person=known, registered_at=timezone.now())
    base = live_server.url

    # The public form, with no JavaScript at all.
    public = chromium.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    form = public.new_page()
    form.goto(f"{base}/report-a-concern")
    assert "If a child is in danger now, call 999" in form.inner_text("main")
    form.click("button:has-text('Send concern')")  # nothing filled in: errors, linked
    summary = form.locator(".govuk-error-summary")
    assert "Tell us what happened" in summary.inner_text()
    form.fill("#child_name", "Robin Browserchild")
    form.fill("#child_age", "3/3/2019")
    form.fill("#postcode", "NS1 1AA")
    form.fill("#what_happened", "<script>alert(1)</script> Robin had a black eye again today.")
    form.check("#anonymous")
    form.click("button:has-text('Send concern')")
    reference = form.inner_text("#reference").strip()
    assert re.fullmatch(r"SG-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    form.screenshot(path=str(artifacts_dir / "referrals-public-sent.png"), full_page=True)
    public.close()

    # The triage worker signs in and works the concern.
    page.goto(f"{base}/sign-in")
    page.fill("#username", "triage.browser")
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.click("a:has-text('Triage')")
    page.click(f"a:has-text('{reference}')")
    assert "<script>alert(1)</script>" in page.inner_text("#what-happened")  # shown as text
    assert "full name, date of birth" in page.inner_text("#proposals")
    page.click("#proposals button:has-text('Confirm')")
    assert "Robin Browserchild" in page.inner_text("#matched")
    page.check("#rag")  # red is the first choice
    page.fill("#rag_reason", "Repeated injury to a young child")
    page.click("button:has-text('Save rating')")
    assert "Partner information due by" in page.inner_text("main")
    page.check("#outcome-section_47")
    page.fill("#rationale", "Second unexplained injury in a month")
    page.click("button:has-text('Record outcome')")
    assert "Section 47 enquiry" in page.inner_text("#outcome-recorded")
    page.screenshot(path=str(artifacts_dir / "referrals-triage-decided.png"), full_page=True)

    concern = Concern.objects.get(reference=reference)
    assert (concern.rag, concern.outcome) == ("red", "section_47")
    assert ChronologyEvent.objects.filter(child_id=known.pk, kind="concern").exists()
