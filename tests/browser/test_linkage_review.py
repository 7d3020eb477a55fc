"""A triage reviewer opens the linkage review queue, compares a pair side by side, links the
records, sees the decision in the history, then undoes it: both audited, the index restored."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.linkage.index import index_reset
from safeguard.linkage.models import CandidatePair, Membership, PairStatus
from tests import factories as f
from tests.linkage_app.helpers import population, record


def test_review_a_pair_link_it_and_undo(
    live_server: Any, chromium: Any, page: Any, artifacts_dir: Path
) -> None:
    index_reset()
    reviewer = f.user(
        Role.TRIAGE,
        f.team(f.agency("Testshire Hub", AgencyKind.FRONT_DOOR), "Front Door"),
        username="linkage.browser",
    )
    population()
    stephen = record(
        "Stephen",
        "Marlowe",
        date(1986, 4, 2),
        sex="M",
        line1="14 Acacia Avenue",
        postcode="NS1 4AB",
    )
    # A health record after a move: matched on arrival (after commit), left for review.
    moved = record("Steven", "Marlowe", date(1986, 4, 2), line1="3 Elm Road", postcode="NS5 9ZZ")
    pair = CandidatePair.objects.get(left=moved, right=stephen)
    assert pair.status == PairStatus.PENDING
    before = {m.person_id: m.master_id for m in Membership.objects.all()}
    base = live_server.url

    page.goto(f"{base}/sign-in")
    page.fill("#username", "linkage.browser")
    page.fill("#password", f.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.click("a:has-text('Linkage review')")
    assert "Steven Marlowe" in page.inner_text("#queue")
    page.click("#queue a:has-text('Steven Marlowe')")

    comparison = page.inner_text("#comparison")
    assert "14 Acacia Avenue" in comparison and "3 Elm Road" in comparison
    assert "Agree" in comparison and "Disagree" in comparison
    assert "same date of birth" in page.inner_text("#explanation")
    page.screenshot(path=str(artifacts_dir / "linkage-compare.png"), full_page=True)

    page.click("button:has-text('Record decision')")  # nothing chosen: errors, linked
    assert "Give the reason for the decision" in page.inner_text(".govuk-error-summary")
    page.check("#decision-link")
    page.fill("#reason", "Same GP and the same NHS letter on both files")
    page.click("button:has-text('Record decision')")
    assert "Decision recorded" in page.inner_text("#linkage-message")
    assert page.inner_text("#status").strip() == "Linked by a reviewer"
    history = page.inner_text("#history")
    assert "Linked by a reviewer" in history and "linkage.browser" in history
    page.screenshot(path=str(artifacts_dir / "linkage-linked.png"), full_page=True)
    linked = {m.person_id: m.master_id for m in Membership.objects.all()}
    assert linked[moved.pk] == linked[stephen.pk]

    page.click("#history button:has-text('Undo')")
    assert "Change undone" in page.inner_text("#linkage-message")
    assert page.inner_text("#status").strip() == "Waiting for review"
    assert "Undone" in page.inner_text("#history")
    page.screenshot(path=str(artifacts_dir / "linkage-undone.png"), full_page=True)

    assert {m.person_id: m.master_id for m in Membership.objects.all()} == before
    audited = list(
        AuditEntry.objects.filter(actor_id=reviewer.pk)
        .exclude(action="consultation")
        .order_by("seq")
        .values_list("action", "object_type", "summary")
    )
    assert audited == [
        ("combination", "linkage_pair", "linked two records as one person"),
        ("alteration", "linkage_event", "undid a linkage change (linked by a reviewer)"),
    ]
    assert AuditEntry.objects.filter(
        actor_id=reviewer.pk, action="consultation", object_id=str(pair.pk)
    ).exists()
