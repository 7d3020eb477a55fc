"""Violations found after each batch, upserted idempotently, and worked through their states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.audit.models import AuditEntry
from safeguard.monitoring.models import Violation
from safeguard.people.models import Person
from tests.monitoring_app.helpers import feed_client, post, tagged_team, walk

pytestmark = pytest.mark.django_db


def test_a_batch_that_enters_a_zone_records_one_violation() -> None:
    team = tagged_team()
    items = walk(team.person.pk)
    assert post(feed_client(), items).json()["accepted"] == 10
    row = Violation.objects.get()
    assert (row.kind, row.state, row.person_id) == ("exclusion_entry", "open", team.person.pk)
    assert row.zone.startswith("Z-")
    assert row.evidence == {"start_seq": 3, "end_seq": 7}
    assert row.ended_at is not None and row.rule_version == "em-rules/1"
    assert row.settings["confirm_fixes"] == 2
    assert AuditEntry.objects.filter(object_type="em_violations").count() == 1


def test_resends_and_other_chunkings_give_the_same_violations() -> None:
    start = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    chunked, whole = tagged_team(), tagged_team()
    client = feed_client()
    items = walk(chunked.person.pk, start)
    for part in (items[5:], items[:3], items[2:6], items):
        post(client, part)
    post(client, walk(whole.person.pk, start))

    def found(person: Person) -> list[tuple[object, ...]]:
        rows = Violation.objects.filter(person=person, superseded=False)
        return list(rows.values_list("kind", "started_at", "ended_at", "evidence"))

    assert len(found(chunked.person)) == 1
    assert found(chunked.person) == found(whole.person)


def test_a_worked_violation_moved_by_late_fixes_is_kept_as_superseded() -> None:
    team = tagged_team()
    items = walk(team.person.pk)
    client = feed_client()
    post(client, items[5:])
    early = Violation.objects.get()
    early.state = "acknowledged"
    early.save()
    post(client, items[:5])  # the entry really started two fixes earlier
    early.refresh_from_db()
    assert early.superseded
    current = Violation.objects.get(superseded=False)
    assert current.started_at < early.started_at


def test_an_entry_still_under_way_is_open_then_closed_by_later_fixes() -> None:
    team = tagged_team()
    items = walk(team.person.pk)
    client = feed_client()
    post(client, items[:6])
    row = Violation.objects.get()
    assert row.ended_at is None
    post(client, items[6:])
    row.refresh_from_db()
    assert row.ended_at is not None
    assert Violation.objects.count() == 1


def test_acknowledge_then_close_with_an_outcome_is_audited() -> None:
    team = tagged_team()
    post(feed_client(), walk(team.person.pk))
    row = Violation.objects.get()
    page = Client()
    page.force_login(team.practitioner)
    url = f"/monitoring/subjects/{team.person.pk}"
    shown = page.get(url)
    assert shown.status_code == 200
    assert "Entered an exclusion zone" in shown.content.decode()
    assert "Licenceperson" in page.get("/monitoring/violations").content.decode()
    # Closing first is refused: the state machine goes open → acknowledged → closed.
    page.post(f"/monitoring/violations/{row.pk}/close", {"outcome": "warning"})
    row.refresh_from_db()
    assert row.state == "open"
    assert page.post(f"/monitoring/violations/{row.pk}/acknowledge").status_code == 302
    page.post(
        f"/monitoring/violations/{row.pk}/close", {"outcome": "warning", "note": "spoke to him"}
    )
    row.refresh_from_db()
    assert (row.state, row.outcome, row.closed_by_id) == ("closed", "warning", team.practitioner.pk)
    actions = list(
        AuditEntry.objects.filter(object_type="em_violation", object_id=str(row.pk)).values_list(
            "summary", flat=True
        )
    )
    assert actions == [
        "notified the responsible practitioner of a tag violation",
        "acknowledged an electronic-monitoring violation",
        "closed an electronic-monitoring violation",
    ]
    # Closed violations leave the queue unless asked for.
    assert "Licenceperson" not in page.get("/monitoring/violations").content.decode()
    assert "Licenceperson" in page.get("/monitoring/violations?closed=1").content.decode()


def test_queue_shows_open_first_then_newest_then_most_serious() -> None:
    team = tagged_team()
    now = timezone.now().replace(microsecond=0)

    def make(kind: str, hours: int, state: str = "open") -> Violation:
        return Violation.objects.create(
            subject=str(team.person.pk),
            person=team.person,
            kind=kind,
            severity={"exclusion_entry": 5, "no_signal": 2, "tamper": 4}[kind],
            started_at=now - timedelta(hours=hours),
            rule_version="em-rules/1",
            state=state,
        )

    older = make("exclusion_entry", 5)
    worked = make("tamper", 1, state="acknowledged")
    same_time_minor = make("no_signal", 2)
    same_time_serious = make("exclusion_entry", 2)
    from safeguard.monitoring.selectors import violation_queue

    order = [v.pk for v in violation_queue(team.practitioner)]
    assert order == [same_time_serious.pk, same_time_minor.pk, older.pk, worked.pk]
