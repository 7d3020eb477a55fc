"""Reminders before and at a concern's deadline: once each, to the right people, no names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from typer.testing import CliRunner

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.cli import app
from safeguard.referrals.models import Concern, ConcernSource, Outcome
from safeguard.referrals.reminders import concerns_remind
from safeguard.safeguarding.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a red concern is due at 11:00


def _worker(name: str) -> User:
    hub = f.agency("Testshire Hub", AgencyKind.FRONT_DOOR)
    return f.user(Role.TRIAGE, f.team(hub, "Front Door"), username=name)


def _red_concern(**fields: object) -> Concern:
    values: dict[str, object] = {
        "reference": "SG-5555-6666",
        "received_at": RECEIVED,
        "source": ConcernSource.PUBLIC,
        "child_name": "Tilly Testchild",
        "what_happened": "Shouting every night.",
        "rag": "red",
        "rag_reason": "Danger",
        "rated_at": RECEIVED,
        "due_at": RECEIVED + timedelta(hours=2),
        **fields,
    }
    return Concern.objects.create(**values)


def _messages(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def test_nothing_is_sent_while_most_of_the_window_is_left() -> None:
    worker = _worker("triage-a")
    _red_concern(assigned_to=worker)
    sent = concerns_remind(now=RECEIVED + timedelta(minutes=89))
    assert (sent.due_soon, sent.overdue) == (0, 0)
    assert _messages(worker) == []


def test_the_assigned_worker_is_told_once_when_it_is_due_soon_and_once_when_overdue() -> None:
    worker, other = _worker("triage-a"), _worker("triage-b")
    concern = _red_concern(assigned_to=worker)

    assert concerns_remind(now=RECEIVED + timedelta(minutes=90)).due_soon == 1
    assert concerns_remind(now=RECEIVED + timedelta(minutes=100)).due_soon == 0  # not again
    [message] = _messages(worker)
    assert message.startswith("Due soon: red concern SG-5555-6666 is due by 2 March 2026 11:00")
    assert _messages(other) == []

    assert concerns_remind(now=RECEIVED + timedelta(hours=2)).overdue == 1
    assert concerns_remind(now=RECEIVED + timedelta(hours=3)).overdue == 0
    assert sorted(m.split(":")[0] for m in _messages(worker)) == ["Due soon", "Overdue"]
    audited = AuditEntry.objects.filter(object_id=str(concern.pk)).values_list("summary", flat=True)
    assert sorted(audited) == ["sent a reminder: due soon", "sent a reminder: overdue"]


def test_an_unassigned_concern_tells_every_active_triage_worker() -> None:
    first, second = _worker("triage-a"), _worker("triage-b")
    gone = _worker("triage-gone")
    gone.is_active = False
    gone.save()
    _red_concern()
    concerns_remind(now=RECEIVED + timedelta(hours=2, minutes=1))
    assert len(_messages(first)) == len(_messages(second)) == 1
    assert _messages(gone) == []


def test_messages_carry_no_name_or_account_of_what_happened() -> None:
    worker = _worker("triage-a")
    _red_concern(assigned_to=worker)
    concerns_remind(now=RECEIVED + timedelta(hours=5))
    [message] = _messages(worker)
    assert "Tilly" not in message
    assert "Shouting" not in message


def test_concerns_with_an_outcome_or_no_rating_are_left_alone() -> None:
    worker = _worker("triage-a")
    _red_concern(
        reference="SG-0000-0001",
        assigned_to=worker,
        outcome=Outcome.NO_FURTHER_ACTION,
        outcome_rationale="Checked",
        outcome_at=RECEIVED,
    )
    _red_concern(reference="SG-0000-0002", rag="", due_at=None, assigned_to=worker)
    sent = concerns_remind(now=RECEIVED + timedelta(days=2))
    assert (sent.due_soon, sent.overdue) == (0, 0)


def test_the_reminder_opens_from_the_notifications_page() -> None:
    worker = _worker("triage-a")
    _red_concern(assigned_to=worker)
    concerns_remind(now=RECEIVED + timedelta(hours=3))
    client = Client()
    client.force_login(worker)
    page = client.get("/notifications").content.decode()
    assert "Overdue: red concern SG-5555-6666" in page
    assert 'href="/triage/SG-5555-6666"' in page


@pytest.mark.django_db(transaction=True)
def test_the_command_sends_the_reminders_that_are_due() -> None:
    worker = _worker("triage-a")
    now = timezone.now()
    _red_concern(
        assigned_to=worker, received_at=now - timedelta(hours=3), due_at=now - timedelta(hours=1)
    )
    result = CliRunner().invoke(app, ["concerns", "remind"])
    assert result.exit_code == 0, result.output
    assert "0 due soon, 1 overdue" in result.output
    assert len(_messages(worker)) == 1
