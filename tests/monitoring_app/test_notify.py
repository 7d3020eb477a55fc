"""When the engine opens a violation, the responsible practitioner hears about it, once."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguard.audit.models import AuditEntry
from safeguard.monitoring.models import Violation
from safeguard.safeguarding.models import Notification
from tests.monitoring_app.helpers import feed_client, post, tagged_team, walk

pytestmark = pytest.mark.django_db


def test_the_supervising_practitioner_is_notified_once_per_opened_violation() -> None:
    team = tagged_team()
    client = feed_client()
    post(client, walk(team.person.pk))
    violation = Violation.objects.get()
    note = Notification.objects.get()
    assert note.user_id == team.practitioner.pk
    assert note.link == f"/monitoring/subjects/{team.person.pk}"
    assert "entered an exclusion zone" in note.message
    # No personal data in the message: the page behind the link applies access rules.
    assert team.person.family_name not in note.message
    entry = AuditEntry.objects.get(object_type="em_violation", action="disclosure")
    assert entry.recipients == [team.practitioner.username]
    assert entry.object_id == str(violation.pk)
    # Resending the same fixes changes nothing and tells nobody again.
    post(client, walk(team.person.pk))
    assert Notification.objects.count() == 1


def test_the_notification_shows_on_the_practitioners_list() -> None:
    team = tagged_team()
    post(feed_client(), walk(team.person.pk))
    page = Client()
    page.force_login(team.practitioner)
    shown = page.get("/notifications").content.decode()
    assert "Tag violation opened" in shown
    assert f"/monitoring/subjects/{team.person.pk}" in shown


def test_nobody_else_is_notified() -> None:
    team = tagged_team()
    post(feed_client(), walk(team.person.pk))
    assert set(Notification.objects.values_list("user_id", flat=True)) == {team.practitioner.pk}
    assert team.senior.pk not in set(Notification.objects.values_list("user_id", flat=True))
